//! The authoring commands: `primer init`, `primer new` and `primer check`.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;
use serde_json::{Value, json};

#[test]
fn init_new_build_check_and_test_round_trip() {
    let site = TestSite::empty();
    let run = site.run(&["init", "."]);
    assert!(run.success, "{}", run.stderr);
    let run = site.run(&["new", "recipe", "Plot a histogram: fast!", "--tags", "data,text", "--level", "beginner"]);
    assert!(run.success, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "content/recipes/plot-a-histogram-fast.md");
    let written = std::fs::read_to_string(site.path().join("content/recipes/plot-a-histogram-fast.md")).unwrap();
    assert!(written.starts_with("---\ntitle: 'Plot a histogram: fast!'\n"), "YAML-quoted title: {written}");
    assert!(written.contains("tags: [data, text]\nlevel: beginner\ndate: "), "{written}");
    let run = site.run(&["new", "tutorial", "Train a model"]);
    assert_eq!(run.stdout.trim(), "content/tutorials/train-a-model.md");

    site.build();
    let listing = site.html("recipes/index.html");
    let cards = listing.texts(".card .card-title");
    assert!(cards.contains(&"Plot a histogram: fast!".to_owned()), "{cards:?}");
    assert_eq!(site.html("tutorials/train-a-model/index.html").texts("h1"), ["Train a model"]);
    // The starter shows callouts, tags and links.
    let tutorial = site.html("tutorials/first-steps/index.html");
    assert_eq!(tutorial.texts(".callout-tip .callout-title").len(), 1);

    let run = site.run(&["check"]);
    assert!(run.success, "{}", run.stderr);
    assert!(run.stdout.starts_with("No problems in "), "{}", run.stdout);
    // Its snippets pass, so the starter teaches a working `primer test`.
    let run = site.run(&["test"]);
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("3 passed, 0 failed"), "{}", run.stdout);
}

#[test]
fn init_and_new_refuse_to_overwrite() {
    let site = TestSite::empty();
    site.write("notes.txt", "mine");
    let run = site.run(&["init", "."]);
    assert!(!run.success);
    assert_eq!(
        run.stderr,
        "error: . is not empty; pick an empty folder, or pass --force to write the starter files into it\n"
    );
    assert!(!site.path().join("book.toml").exists(), "nothing was written");
    assert!(site.run(&["init", ".", "--force"]).success);
    assert_eq!(std::fs::read_to_string(site.path().join("notes.txt")).unwrap(), "mine");
    assert!(site.run(&["init", "fresh"]).success, "a missing folder is created");
    assert!(site.path().join("fresh/book.toml").exists());

    let first = site.run(&["new", "recipe", "Count words"]);
    assert!(!first.success, "the starter already has this recipe");
    assert_eq!(
        first.stderr,
        "error: content/recipes/count-words.md already exists; choose another title or edit that file\n"
    );
    let run = site.run(&["new", "recipe", "Tally", "--tags", "txt"]);
    assert!(!run.success);
    assert_eq!(
        run.stderr,
        "error: unknown tag `txt`: did you mean `text`? Tags must be declared under [taxonomy.tags] in book.toml\n"
    );
    let run = site.run(&["new", "recipe", "Tally", "--level", "expert"]);
    assert_eq!(run.stderr, "error: unknown level `expert`: use one of beginner, intermediate, advanced\n");
    assert!(!site.path().join("content/recipes/tally.md").exists());
}

#[test]
fn new_outside_a_site_reports_the_missing_book_toml() {
    let site = TestSite::empty();
    let run = site.run(&["new", "recipe", "Tally"]);
    assert!(!run.success);
    assert!(run.stderr.contains("book.toml"), "{}", run.stderr);
    assert!(run.stderr.ends_with("error: 1 problem found, nothing was written\n"), "{}", run.stderr);
    assert!(!site.path().join("content").exists());
}

#[test]
fn check_reports_problems_as_json_and_writes_nothing() {
    let site = TestSite::fixture("basic");
    site.write("content/recipes/bad.md", "---\ntitle: Bad\nsummary: s\ntags: [vison]\n---\nText.\n");
    site.write("content/recipes/links.md", "---\ntitle: Links\nsummary: s\n---\nSee [x](missing.md).\n");
    let run = site.run(&["check", "--format", "json"]);
    assert!(!run.success);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report,
        json!({
            "ok": false,
            "pages": 0,
            "not_pages": [],
            "problems": [
                {
                    "path": "content/recipes/bad.md", "line": 4, "column": 8, "severity": "error",
                    "message": "unknown tag `vison`",
                    "hint": "did you mean `vision`? Tags must be declared under [taxonomy.tags] in book.toml"
                },
                {
                    "path": "content/recipes/links.md", "line": 5, "column": 5, "severity": "error",
                    "message": "link to a missing page `missing.md` (no content/recipes/missing.md)",
                    "hint": report["problems"][1]["hint"]
                }
            ]
        })
    );
    assert!(!site.path().join("public").exists(), "check writes no output");
    let human = site.run(&["check"]);
    assert!(!human.success);
    assert!(human.stderr.contains("--> content/recipes/bad.md:4:8"), "{}", human.stderr);
}

#[test]
fn check_finds_template_errors() {
    let site = TestSite::fixture("basic");
    site.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{% if %}{% endblock %}",
    );
    let run = site.run(&["check", "--format", "json"]);
    assert!(!run.success);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["problems"][0]["path"], "themes/default/templates/page.html", "{report}");
}
