//! primer's own documentation (book.toml and content/ at the repository
//! root) is a primer site: it must build cleanly and cover what it promises.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

#[test]
fn the_bundled_documentation_builds_with_its_tutorials_and_recipes() {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_primer"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let site = out.path().join("site");
    let count = |kind: &str| {
        std::fs::read_dir(site.join(kind)).unwrap().filter(|e| e.as_ref().unwrap().path().is_dir()).count()
    };
    assert!(count("tutorials") >= 3, "at least 3 tutorials");
    assert!(count("recipes") >= 10, "at least 10 recipes");
    for tutorial in ["getting-started", "writing-a-good-recipe", "organising-tags"] {
        assert!(site.join("tutorials").join(tutorial).join("index.html").is_file(), "{tutorial}");
    }
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(home.contains("class=\"resource\""), "the home page has resource callouts");
    // One tutorial is a notebook, with its saved plot and table.
    let notebook = std::fs::read_to_string(site.join("tutorials/notebook-tour/index.html")).unwrap();
    assert!(notebook.contains("alt=\"A sine wave over one period, from 0 to 6.2\""), "the plot shows");
    assert!(notebook.contains("<table"), "the DataFrame shows as a table");
}

#[test]
fn the_bundled_documentation_snippets_pass_primer_test() {
    let site = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("book.toml"), site.path().join("book.toml")).unwrap();
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let entry = entry.unwrap();
        let target = site.path().join(entry.path().strip_prefix(root).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let output = Command::new(env!("CARGO_BIN_EXE_primer"))
        .args(["test", "--no-cache"])
        .current_dir(site.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    let summary = stdout.lines().find(|l| l.ends_with("skipped")).unwrap();
    let passed: usize = summary.split_whitespace().next().unwrap().parse().unwrap();
    assert!(passed >= 5, "the documentation's runnable snippets ran: {summary}");
    assert!(summary.contains(" 0 failed"), "{summary}");
    assert!(stdout.contains("ok   content/tutorials/notebook-tour.ipynb"), "the notebook's cells ran: {stdout}");
}
