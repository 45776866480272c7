//! Hostile and careless input: nothing is written outside the output
//! folder, nothing a user made is replaced silently, and `check` refuses
//! what `build` and `test` refuse.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;

/// Breaks the built `basic` fixture with `edit`, then checks that `build`
/// and `check` both fail naming every `expected` fragment, exit non-zero
/// without a panic, and leave the previous output as it was.
fn refused(edit: impl FnOnce(&TestSite), expected: &[&str]) -> TestSite {
    let site = TestSite::fixture("basic");
    site.build();
    let before = site.output_snapshot();
    edit(&site);
    for command in ["build", "check"] {
        let run = site.run(&[command]);
        assert!(!run.success, "`primer {command}` succeeded:\n{}", run.stdout);
        for fragment in expected {
            assert!(run.stderr.contains(fragment), "`primer {command}`: expected {fragment:?} in:\n{}", run.stderr);
        }
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    assert_eq!(site.output_snapshot(), before, "the previous output must stay as it was");
    site
}

#[test]
fn a_folder_whose_name_has_no_letters_is_an_error_not_a_write_at_the_filesystem_root() {
    let probe = std::path::Path::new("/primer-hostile-probe");
    refused(
        |site| {
            site.write("content/!!!/primer-hostile-probe.md", "---\ntitle: T\n---\nBody\n");
        },
        &["content/!!!/primer-hostile-probe.md", "`!!!` has no letters or digits", "rename the file or folder"],
    );
    assert!(!probe.exists(), "nothing may be written outside the output folder");
}

#[test]
fn a_page_whose_name_has_no_letters_is_an_error() {
    refused(
        |site| {
            site.write("content/!!!.md", "---\ntitle: T\n---\nBody\n");
        },
        &["content/!!!.md", "`!!!` has no letters or digits"],
    );
    refused(
        |site| {
            site.write("content/recipes/!!!.md", "---\ntitle: T\nsummary: S\n---\nBody\n");
        },
        &["content/recipes/!!!.md", "`!!!` has no letters or digits"],
    );
}

#[test]
fn an_asset_that_would_replace_a_generated_page_names_both_files() {
    refused(
        |site| {
            site.write("content/index.html", "<p>mine</p>");
            site.write("content/404.html", "<p>mine</p>");
            site.write("content/recipes/augment/index.html", "<p>mine</p>");
        },
        &[
            "content/index.html and primer's generated /index.html would both be written to /index.html",
            "content/404.html and primer's generated /404.html",
            "content/recipes/augment/index.html and content/recipes/augment.md would both be written",
            "3 problems found",
        ],
    );
}

#[test]
fn a_file_where_a_generated_folder_must_be_is_an_error() {
    refused(
        |site| {
            site.write("content/tags", "not a folder");
        },
        &["content/tags and primer's generated /tags/", "would both be written to /tags"],
    );
}

#[test]
fn check_refuses_an_output_folder_that_build_refuses() {
    refused(
        |site| {
            let config = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
            site.write("book.toml", format!("{config}\n[build]\noutput = \"content\"\n"));
        },
        &["refusing to write the site into", "it holds the site's sources", "book.toml:"],
    );
}

#[test]
fn check_refuses_a_misspelled_language_that_test_refuses() {
    refused(
        |site| {
            site.write("content/recipes/typo.md", "---\ntitle: T\nsummary: S\n---\n\n```pythn\nprint(1)\n```\n");
        },
        &["unknown language `pythn`", "content/recipes/typo.md:6:4", "did you mean `python`?"],
    );
    refused(
        |site| {
            site.write(
                "content/recipes/attr.md",
                "---\ntitle: T\nsummary: S\n---\n\n```python no_rnu\nprint(1)\n```\n",
            );
        },
        &["content/recipes/attr.md:6:", "no_rnu"],
    );
}
