//! Bad input: every problem names its file and line, the exit code is
//! non-zero, and the previous output folder is left untouched.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;

/// Builds the fixture once, breaks it with `edit`, builds again and checks
/// that the build fails naming every `expected` fragment, and that the
/// output of the first build is byte-for-byte unchanged.
fn fails_with(edit: impl FnOnce(&TestSite), expected: &[&str]) -> String {
    common::refused(edit, &["build"], expected).1
}

#[test]
fn malformed_yaml_points_at_the_line_in_the_file() {
    let stderr = fails_with(
        |site| {
            site.write("content/recipes/bad.md", "---\ntitle: Bad\nsummary: [unclosed\ntags: x\n---\nBody\n");
        },
        &["content/recipes/bad.md:3:"],
    );
    assert!(stderr.contains("invalid front matter"), "{stderr}");
}

#[test]
fn error_output_is_compiler_style_with_excerpt_and_hint() {
    let stderr = fails_with(
        |site| {
            site.write("content/recipes/bad.md", "---\ntitle: Bad\nsumary: typo\n---\nBody\n");
        },
        &[],
    );
    assert_eq!(
        stderr,
        "\
error: unknown front matter key `sumary`
 --> content/recipes/bad.md:3:1
  |
3 | sumary: typo
  | ^^^^^^
  |
  = help: did you mean `summary`?

error: 1 problem found, nothing was written
"
    );
}

#[test]
fn missing_title_and_missing_summary() {
    fails_with(
        |site| {
            site.write("content/recipes/untitled.md", "---\nsummary: Something\n---\nBody\n");
            site.write("content/tutorials/unsummarised.md", "---\ntitle: No summary\nlevel: beginner\n---\nBody\n");
        },
        &[
            "missing `title` in front matter",
            "content/recipes/untitled.md:1:1",
            "missing `summary` in front matter",
            "content/tutorials/unsummarised.md:1:1",
            "summary: …",
            "2 problems found",
        ],
    );
}

#[test]
fn unknown_tag_with_a_taxonomy_suggests_the_declared_one() {
    fails_with(
        |site| {
            site.write("content/recipes/tagged.md", "---\ntitle: T\nsummary: S\ntags:\n  - data\n  - visoin\n---\n");
        },
        &["unknown tag `visoin`", "content/recipes/tagged.md:6:5", "did you mean `vision`?"],
    );
}

#[test]
fn bad_level_suggests_the_closest_level() {
    fails_with(
        |site| {
            site.write("content/recipes/level.md", "---\ntitle: T\nsummary: S\nlevel: intermedate\n---\n");
        },
        &["unknown level `intermedate`", "content/recipes/level.md:4:8", "did you mean `intermediate`?"],
    );
}

#[test]
fn bad_date_says_the_expected_format() {
    fails_with(
        |site| {
            site.write("content/recipes/dated.md", "---\ntitle: T\nsummary: S\ndate: 05/01/2024\n---\n");
        },
        &["`date` is not a date", "content/recipes/dated.md:4:7", "YYYY-MM-DD"],
    );
}

#[test]
fn broken_link_to_a_page_names_the_line_after_the_front_matter() {
    fails_with(
        |site| {
            site.write(
                "content/recipes/links.md",
                "---\ntitle: T\nsummary: S\n---\n\nFirst paragraph.\n\nSee [it](../tutorials/frist-steps.md).\n",
            );
        },
        &[
            "link to a missing page `../tutorials/frist-steps.md`",
            "content/recipes/links.md:8:5",
            "did you mean `../tutorials/first-steps.md`?",
        ],
    );
}

#[test]
fn broken_anchor_suggests_an_existing_one() {
    fails_with(
        |site| {
            site.write(
                "content/recipes/anchors.md",
                "---\ntitle: T\nsummary: S\n---\n[a](../tutorials/first-steps.md#instal) and [b](#nowhere)\n",
            );
        },
        &[
            "link to a missing anchor `#instal` on content/tutorials/first-steps.md",
            "content/recipes/anchors.md:5:1",
            "did you mean `#install`?",
            "link to a missing anchor `#nowhere` on this page",
        ],
    );
}

#[test]
fn missing_image_file() {
    fails_with(
        |site| {
            site.write("content/recipes/pic.md", "---\ntitle: T\nsummary: S\n---\n![x](img/covr.png)\n");
        },
        &[
            "link to a missing file `img/covr.png`",
            "content/recipes/pic.md:5:1",
            "did you mean `recipes/img/cover.png`?",
        ],
    );
}

#[test]
fn unknown_callout_kind() {
    fails_with(
        |site| {
            site.write("content/recipes/callout.md", "---\ntitle: T\nsummary: S\n---\n> [!WARN]\n> careful\n");
        },
        &["unknown callout kind `[!WARN]`", "content/recipes/callout.md:5:3", "did you mean `[!WARNING]`?"],
    );
}

#[test]
fn non_utf8_file_names_the_line_of_the_first_bad_byte() {
    fails_with(
        |site| {
            site.write("content/recipes/latin1.md", b"---\ntitle: T\nsummary: S\n---\nok\ncaf\xe9\n".as_slice());
        },
        &["file is not valid UTF-8 (byte 0xE9)", "content/recipes/latin1.md:6:4", "save the file as UTF-8"],
    );
}

#[test]
fn huge_file_is_refused_with_the_limit() {
    fails_with(
        |site| {
            let body = "word ".repeat(2 * 1024 * 1024);
            site.write("content/recipes/huge.md", format!("---\ntitle: T\nsummary: S\n---\n{body}"));
        },
        &["content/recipes/huge.md", "file is too large: 10.0 MiB, the limit is 8.0 MiB", "max_file_size"],
    );
}

#[test]
fn unknown_key_in_book_toml() {
    fails_with(
        |site| {
            let config = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
            site.write("book.toml", config.replace("language = \"en\"", "langauge = \"en\""));
        },
        &["unknown key `langauge` in book.toml", "book.toml:5:1", "did you mean `language`?"],
    );
}

#[test]
fn unknown_variable_in_an_overridden_template() {
    fails_with(
        |site| {
            site.write(
                "themes/default/templates/partials/card.html",
                "<article class=\"card\">\n  <h3>{{ card.titel }}</h3>\n</article>\n",
            );
        },
        &["themes/default/templates/partials/card.html:2:10", "card.titel", "not found"],
    );
}

#[test]
fn template_syntax_error_names_the_line() {
    fails_with(
        |site| {
            site.write(
                "themes/default/templates/tags.html",
                "{% extends \"base.html\" %}\n{% block main %}\n{{ tags | \n{% endblock main %}\n",
            );
        },
        &["themes/default/templates/tags.html:", "template syntax error"],
    );
}

#[test]
fn missing_config_file_says_how_to_start() {
    let site = TestSite::empty();
    let run = site.run(&["build"]);
    assert!(!run.success);
    assert!(run.stderr.contains("cannot read book.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("primer init"), "{}", run.stderr);
}

#[test]
fn all_problems_of_a_build_are_reported_together() {
    let stderr = fails_with(
        |site| {
            site.write("content/recipes/a.md", "---\ntitle: A\nsummary: S\nlevel: expert\n---\n");
            site.write("content/recipes/b.md", "---\ntitle: B\nsummary: S\n---\n[x](nope.md)\n");
            site.write("content/recipes/c.md", b"---\ntitle: C\n\xff\n---\n".as_slice());
        },
        &["content/recipes/a.md:4:8", "content/recipes/b.md:5:1", "content/recipes/c.md:3:1", "3 problems found"],
    );
    // Ordered by file, so the report reads top to bottom.
    let a = stderr.find("recipes/a.md").unwrap();
    let b = stderr.find("recipes/b.md").unwrap();
    let c = stderr.find("recipes/c.md").unwrap();
    assert!(a < b && b < c, "{stderr}");
}

#[test]
fn output_inside_the_sources_is_refused() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["build", "--out", "."]);
    assert!(!run.success);
    assert!(run.stderr.contains("holds the site's sources"), "{}", run.stderr);
    assert!(site.path().join("content/index.md").is_file(), "nothing was deleted");
}

#[test]
fn two_files_with_the_same_url() {
    fails_with(
        |site| {
            site.write("content/recipes/Load Images.md", "---\ntitle: T\nsummary: S\n---\n");
        },
        &["would both be written to /recipes/load-images/"],
    );
}

#[test]
fn missing_card_image() {
    fails_with(
        |site| {
            site.write("content/recipes/card.md", "---\ntitle: T\nsummary: S\nimage: img/nope.png\n---\nBody\n");
        },
        &["card image `img/nope.png` not found (no content/recipes/img/nope.png)", "content/recipes/card.md:4:8"],
    );
}

#[test]
fn home_callout_to_a_missing_page() {
    fails_with(
        |site| {
            let config = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
            site.write("book.toml", config.replace("tutorials/first-steps.md", "tutorials/frist-steps.md"));
        },
        &["home callout links to a missing page `tutorials/frist-steps.md`", "book.toml:20:9"],
    );
}
