//! Bugs real content found, one test each: each failed before its fix.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;

#[test]
fn preload_with_a_command_of_ones_own_is_an_error_at_its_line() {
    let site = TestSite::empty();
    site.write(
        "book.toml",
        "[site]\ntitle = \"T\"\n\n[test.runners.python]\ncommand = \"/opt/venv/bin/python3 {file}\"\npreload = [\"pandas\"]\n",
    );
    site.write("content/recipes/p.md", "---\ntitle: P\nsummary: S\n---\n```python\nprint(1)\n```\n");
    for command in ["test", "check"] {
        let run = site.run(&[command]);
        assert!(!run.success, "{command}: {}", run.stdout);
        assert!(run.stderr.contains("`preload` and `command` do not combine"), "{command}: {}", run.stderr);
        assert!(run.stderr.contains("book.toml:6:1"), "{command}: {}", run.stderr);
    }
}

#[test]
fn home_callout_links_with_a_fragment_are_resolved_and_checked() {
    let site = TestSite::fixture("basic");
    let config = site.read_source("book.toml");
    site.write(
        "book.toml",
        format!(
            "{config}\n[[home.callouts]]\ntitle = \"Flip\"\ntext = \"t\"\nlink = \"recipes/augment.md#flip\"\n\n\
             [[home.callouts]]\ntitle = \"Gone\"\ntext = \"t\"\nlink = \"recipes/missing.md#top\"\n\n\
             [[home.callouts]]\ntitle = \"Nowhere\"\ntext = \"t\"\nlink = \"recipes/augment.md#no-such-heading\"\n"
        ),
    );
    let run = site.run(&["build"]);
    assert!(!run.success);
    assert!(run.stderr.contains("home callout links to a missing page `recipes/missing.md#top`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("`#no-such-heading`, which content/recipes/augment.md does not have"),
        "{}",
        run.stderr
    );
    let fixed = site
        .read_source("book.toml")
        .replace("recipes/missing.md#top", "recipes/augment.md")
        .replace("#no-such-heading", "");
    site.write("book.toml", fixed);
    site.build();
    let home = site.html("index.html");
    assert!(
        home.attrs("a", "href").iter().any(|href| href == "recipes/augment/#flip"),
        "{:?}",
        home.attrs("a", "href")
    );
}

#[test]
fn messages_agree_in_number() {
    let site = TestSite::empty();
    site.write("book.toml", "[site]\ntitle = \"T\"\n");
    site.write("content/tutorials/one.md", "---\ntitle: One\nsummary: S\ntags: [x]\n---\nBody\n");
    site.write("content/recipes/two.md", "---\ntitle: Two\nsummary: S\n---\n```bash\necho hi\n```\n");
    let built = site.build();
    assert!(built.stdout.starts_with("Built 2 pages (1 tutorial, 1 recipe, 1 tag) in "), "{}", built.stdout);
    let checked = site.run(&["check"]);
    // The helper masks what follows " in " as a time: read the count after it.
    assert!(checked.stdout.starts_with("No problems in [TIME] pages ("), "{}", checked.stdout);
    let tested = site.run(&["test", "content/recipes/two.md"]);
    assert!(tested.stdout.contains("tested 1 page in "), "{}", tested.stdout);
    assert!(!tested.stdout.contains("page(s)"), "{}", tested.stdout);
}

#[test]
fn help_texts_say_what_the_commands_do() {
    let site = TestSite::empty();
    let help = site.run(&["--help"]);
    assert!(!help.stdout.contains("tantivy"), "{}", help.stdout);
    assert!(help.stdout.contains("ranked as the search box ranks"), "{}", help.stdout);
}
