//! What `primer test` records a page ran with, and what reruns it: a
//! package upgraded, a lockfile edited, an input file changed. Each
//! change must rerun exactly the pages it affects, and `--explain` must
//! say why.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;

/// A page of three Python and Rust blocks' worth: `name` with `body`.
fn page(site: &TestSite, name: &str, front: &str, body: &str) {
    site.write(&format!("content/recipes/{name}.md"), format!("---\ntitle: {name}\nsummary: S\n{front}---\n\n{body}"));
}

/// Runs `primer test --explain` with `packages` on PYTHONPATH, and returns
/// the pages that ran (not cached), sorted, and the whole output.
fn ran(site: &TestSite, packages: &std::path::Path) -> (Vec<String>, String) {
    let run = site.run_command(site.command(&["test", "-j", "2", "--explain"]).env("PYTHONPATH", packages));
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    let mut pages: Vec<String> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("ok ") && !line.contains("cached"))
        .map(|line| line.split_whitespace().nth(1).unwrap().to_owned())
        .collect();
    pages.sort();
    (pages, run.stdout)
}

/// A Python distribution `name` at `version` in `dir`, as pip installs
/// one: the package and its `.dist-info` folder.
fn install(dir: &std::path::Path, name: &str, version: &str) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().starts_with(&format!("{name}-")) {
            std::fs::remove_dir_all(entry.path()).unwrap();
        }
    }
    std::fs::create_dir_all(dir.join(name)).unwrap();
    std::fs::write(dir.join(name).join("__init__.py"), format!("__version__ = '{version}'\n")).unwrap();
    let info = dir.join(format!("{name}-{version}.dist-info"));
    std::fs::create_dir_all(&info).unwrap();
    std::fs::write(info.join("METADATA"), format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"))
        .unwrap();
}

#[test]
fn a_package_upgrade_a_lockfile_and_an_input_rerun_exactly_the_pages_they_affect() {
    let site = TestSite::empty();
    let packages = site.path().join("packages");
    install(&packages, "fakepkg", "1.0");
    site.write(
        "book.toml",
        "[site]\ntitle = \"T\"\n\n[test]\nenv = [\"PYTHONPATH\"]\ninputs = [\"shared/*.csv\"]\n\n\
         [test.runners.rust]\nmanifest = \"lib/Cargo.toml\"\n",
    );
    site.write("shared/table.csv", "a,b\n1,2\n");
    site.write("lib/Cargo.toml", "[package]\nname = \"sitelib\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nhelper = { path = \"helper\" }\n");
    site.write("lib/src/lib.rs", "");
    site.write("lib/helper/Cargo.toml", "[package]\nname = \"helper\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    site.write("lib/helper/src/lib.rs", "pub fn answer() -> u32 { 42 }\n");
    let lock = std::process::Command::new("cargo")
        .args(["generate-lockfile", "--offline", "--manifest-path", "lib/Cargo.toml"])
        .current_dir(site.path())
        .output()
        .unwrap();
    assert!(lock.status.success(), "{}", String::from_utf8_lossy(&lock.stderr));
    page(&site, "uses-fakepkg", "", "```python\nimport fakepkg, json\nprint(fakepkg.__version__)\n```\n");
    page(&site, "plain-python", "", "```python\nprint(2 + 2)\n```\n\n```output\n4\n```\n");
    page(&site, "uses-helper", "", "```rust\nprintln!(\"{}\", helper::answer());\n```\n\n```output\n42\n```\n");
    page(&site, "plain-rust", "", "```rust\nprintln!(\"{}\", 6 * 7);\n```\n");
    site.write("content/data/notes.txt", "first\n");
    page(&site, "reads-notes", "inputs: [../data/notes.txt]\n", "```python\nprint('notes')\n```\n");
    let all = [
        "content/recipes/plain-python.md",
        "content/recipes/plain-rust.md",
        "content/recipes/reads-notes.md",
        "content/recipes/uses-fakepkg.md",
        "content/recipes/uses-helper.md",
    ];

    let (first, _) = ran(&site, &packages);
    assert_eq!(first, all);
    let (second, output) = ran(&site, &packages);
    assert!(second.is_empty(), "nothing changed, nothing reruns:\n{output}");
    assert!(output.contains("content/recipes/uses-fakepkg.md: cached: nothing it depends on changed"), "{output}");

    // What the pages ran with, recorded for the build.
    let results = site.read_source(".primer/results.json");
    let results: serde_json::Value = serde_json::from_str(&results).unwrap();
    let with = |page: &str| -> Vec<String> {
        results["pages"][page]["with"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| format!("{} {}", t["name"].as_str().unwrap(), t["version"].as_str().unwrap()))
            .collect()
    };
    let python = with("recipes/uses-fakepkg.md");
    assert!(python[0].starts_with("Python 3."), "{python:?}");
    assert_eq!(python[1..], ["fakepkg 1.0"], "json is the standard library's: {python:?}");
    let rust = with("recipes/uses-helper.md");
    assert!(rust[0].starts_with("Rust 1."), "{rust:?}");
    assert_eq!(rust[1..], ["helper 0.1.0"]);
    assert_eq!(with("recipes/plain-rust.md").len(), 1, "only the toolchain");

    // A package upgrade reruns the page that imports it.
    install(&packages, "fakepkg", "1.1");
    let (rerun, output) = ran(&site, &packages);
    assert_eq!(rerun, ["content/recipes/uses-fakepkg.md"], "{output}");
    assert!(output.contains("content/recipes/uses-fakepkg.md: ran: package fakepkg changed: 1.0 → 1.1"), "{output}");

    // A crate's new version in Cargo.lock reruns the page that uses it.
    let toml = site.read_source("lib/helper/Cargo.toml").replace("0.1.0", "0.2.0");
    site.write("lib/helper/Cargo.toml", toml);
    let lock = site
        .read_source("lib/Cargo.lock")
        .replace("name = \"helper\"\nversion = \"0.1.0\"", "name = \"helper\"\nversion = \"0.2.0\"");
    site.write("lib/Cargo.lock", lock);
    let (rerun, output) = ran(&site, &packages);
    assert_eq!(rerun, ["content/recipes/uses-helper.md"], "{output}");
    assert!(
        output.contains("content/recipes/uses-helper.md: ran: crate helper changed: 0.1.0, with dependencies"),
        "{output}"
    );

    // A page's own input reruns that page; a site input reruns them all.
    site.write("content/data/notes.txt", "second\n");
    let (rerun, output) = ran(&site, &packages);
    assert_eq!(rerun, ["content/recipes/reads-notes.md"], "{output}");
    assert!(output.contains("content/recipes/reads-notes.md: ran: input content/data/notes.txt changed"), "{output}");
    site.write("shared/table.csv", "a,b\n3,4\n");
    let (rerun, output) = ran(&site, &packages);
    assert_eq!(rerun, all, "{output}");
    assert!(output.contains("content/recipes/plain-rust.md: ran: input shared/table.csv changed"), "{output}");
}

#[test]
fn a_page_shows_what_its_examples_were_verified_with() {
    let site = TestSite::empty();
    let packages = site.path().join("packages");
    install(&packages, "fakepkg", "2.5.1");
    site.write("book.toml", "[site]\ntitle = \"T\"\n\n[test]\nenv = [\"PYTHONPATH\"]\n");
    page(&site, "python", "", "```python\nimport fakepkg\nprint(fakepkg.__version__)\n```\n");
    page(&site, "rust", "", "```rust\nprintln!(\"hi\");\n```\n");
    ran(&site, &packages);
    site.build();
    let python = site.html("recipes/python/index.html").texts(".page-meta .verified");
    assert_eq!(python.len(), 1);
    let sentence = &python[0];
    assert!(sentence.starts_with("Verified on 20") && sentence.contains(" with Python 3."), "{sentence}");
    assert!(sentence.ends_with(", fakepkg 2.5.1"), "{sentence}");
    let rust = site.html("recipes/rust/index.html").texts(".page-meta .verified");
    assert!(rust[0].contains(" with Rust 1."), "{rust:?}");
    // The JSON feed and the search index carry it too.
    let feed: serde_json::Value = serde_json::from_str(&site.read("feed.json")).unwrap();
    let item = feed["items"].as_array().unwrap().iter().find(|i| i["title"] == "python").unwrap();
    let tools = item["_primer"]["verified"]["with"].as_array().unwrap();
    assert_eq!(tools.last().unwrap()["name"], "fakepkg");
    assert_eq!(tools.last().unwrap()["version"], "2.5.1");
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new("node")
        .arg(manifest.join("tests/search/query.js"))
        .arg(manifest.join("themes/default/static/assets/search.js"))
        .arg(site.path().join("public"))
        .arg(r#"[["python", {}]]"#)
        .output()
        .expect("node runs (apt-get install nodejs)");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &found["results"][0][0];
    assert_eq!(result["title"], "python");
    let verified = result["verified"].as_str().unwrap();
    assert!(verified.starts_with("Verified on 20") && verified.ends_with(", fakepkg 2.5.1"), "{verified}");
}

#[test]
fn packages_are_recorded_from_ipython_cells_too() {
    if !common::python_can_import("IPython") && std::env::var_os("CI").is_none() {
        return;
    }
    let site = TestSite::empty();
    let packages = site.path().join("packages");
    install(&packages, "fakepkg", "3.0");
    site.write("book.toml", "[site]\ntitle = \"T\"\n\n[test]\nenv = [\"PYTHONPATH\"]\n");
    // IPython's shell takes over the program's namespace.
    page(&site, "cells", "", "```ipython\nimport fakepkg\n%time x = 1\nprint(fakepkg.__version__)\n```\n");
    let (ran, output) = ran(&site, &packages);
    assert_eq!(ran, ["content/recipes/cells.md"], "{output}");
    let results: serde_json::Value = serde_json::from_str(&site.read_source(".primer/results.json")).unwrap();
    let with = &results["pages"]["recipes/cells.md"]["with"];
    assert_eq!(with[1]["name"], "fakepkg", "{with}");
    assert_eq!(with[1]["version"], "3.0", "{with}");
}

#[test]
fn a_results_file_naming_odd_tools_is_refused() {
    let site = TestSite::empty();
    site.write("book.toml", "[site]\ntitle = \"T\"\n");
    page(&site, "p", "", "```python\nprint(1)\n```\n");
    site.write(
        ".primer/results.json",
        "{\"pages\": {\"recipes/p.md\": {\"status\": \"passed\", \"verified\": \"2026-01-01\", \"blocks\": [], \
         \"with\": [{\"name\": \"evil\\u0007\", \"version\": \"1\", \"kind\": \"python\"}]}}}",
    );
    let run = site.build_fails();
    assert!(run.stderr.contains("`with` entry `evil\\u{7} 1` is not a short name and version"), "{}", run.stderr);
}

#[test]
fn an_input_that_is_not_a_glob_is_an_error_at_its_line() {
    let site = TestSite::empty();
    site.write("book.toml", "[site]\ntitle = \"T\"\n\n[test]\ninputs = [\"data/[csv\"]\n");
    page(&site, "p", "inputs: [\"notes/{a,b\"]\n", "```python\nprint(1)\n```\n");
    let run = site.run(&["check"]);
    assert!(!run.success);
    assert!(run.stderr.contains("input `data/[csv` is not a glob"), "{}", run.stderr);
    assert!(run.stderr.contains("book.toml:5:"), "{}", run.stderr);
    site.write("book.toml", "[site]\ntitle = \"T\"\n");
    let run = site.run(&["test"]);
    assert!(!run.success);
    assert!(run.stderr.contains("input `notes/{a,b` is not a glob"), "{}", run.stderr);
    assert!(run.stderr.contains("content/recipes/p.md:4:"), "{}", run.stderr);
}

#[test]
fn what_a_hostile_snippet_says_it_ran_with_is_kept_only_as_plain_text() {
    let site = TestSite::empty();
    site.write("book.toml", "[site]\ntitle = \"T\"\n");
    // The program writes the preamble's report itself and leaves before
    // the preamble can write its own.
    page(
        &site,
        "liar",
        "",
        "```python\nimport json, os\nfolder = os.environ['PRIMER_OUTPUTS']\n\
         json.dump({'python': '3\\u001b[2J', 'packages': {'evil\\u0007': '1', 'x' * 200: '1', 'plain': '2.0'}},\n\
         open(os.path.join(folder, 'versions.json'), 'w'))\nos._exit(0)\n```\n",
    );
    let run = site.run(&["test"]);
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    let results: serde_json::Value = serde_json::from_str(&site.read_source(".primer/results.json")).unwrap();
    let with = &results["pages"]["recipes/liar.md"]["with"];
    assert_eq!(with, &serde_json::json!([{"name": "plain", "version": "2.0", "kind": "python"}]));
    site.build();
    let shown = site.html("recipes/liar/index.html").texts(".verified-with");
    assert_eq!(shown, ["plain 2.0"]);
}
