//! Versions, previews and feedback: two versions built side by side
//! under one folder with a `versions.json`, the switcher and banners as
//! readers use them in Chromium, and what search engines and issue
//! trackers are told.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;
use common::browser::Browser;
use common::server::StaticServer;

/// The list every version fetches, at the root of the published folder.
const VERSIONS_JSON: &str = r#"[
  {"version": "2.5", "title": "2.5 (stable)", "url": "/2.5/", "preferred": true, "status": "current"},
  {"version": "2.4", "url": "/2.4/", "status": "outdated"},
  {"version": "evil", "url": "javascript:alert(1)"},
  {"title": "no version"}
]"#;

fn config(version: &str, extra: &str) -> String {
    format!(
        "[site]\ntitle = \"Docs\"\nversion = \"{version}\"\nrepository = \"https://github.com/org/docs\"\n\n\
         [versions]\nurl = \"../versions.json\"\ncanonical = \"https://example.org/docs/stable/\"\n{extra}"
    )
}

fn recipe(site: &TestSite, name: &str) {
    site.write(
        &format!("content/recipes/{name}.md"),
        format!("---\ntitle: {name}\nsummary: S\n---\n\nText of {name}.\n"),
    );
}

/// Builds the site into `www/<dir>/`, served at `/<dir>/`.
fn build_version(site: &TestSite, dir: &str, args: &[&str]) {
    let out = format!("www/{dir}");
    let base = format!("/{dir}/");
    let mut all = vec!["build", "--out", &out, "--base-url", &base];
    all.extend_from_slice(args);
    let run = site.run(&all);
    assert!(run.success, "{dir}: {}", run.stderr);
}

/// 2.4 (outdated: `shared` and `old-only`), 2.5 (preferred: `shared` and
/// `new-only`) and a preview of a pull request, under `www/`.
fn two_versions() -> TestSite {
    let site = TestSite::empty();
    site.write("book.toml", config("2.4", ""));
    recipe(&site, "shared");
    recipe(&site, "old-only");
    build_version(&site, "2.4", &[]);
    site.remove("content/recipes/old-only.md");
    recipe(&site, "new-only");
    site.write("book.toml", config("2.5", ""));
    build_version(&site, "2.5", &[]);
    build_version(&site, "pr-7", &["--preview=Preview of pull request 7"]);
    site.write("www/versions.json", VERSIONS_JSON);
    site
}

#[test]
fn the_switcher_keeps_the_page_falls_back_home_and_the_banners_show() {
    let Some(mut browser) = Browser::launch() else { return };
    let site = two_versions();
    let server = StaticServer::start(&site.path().join("www"));
    let switch_to = |browser: &mut Browser, title: &str| {
        browser.eval(&format!(
            "(() => {{ const s = document.querySelector('[data-version-select]'); \
             s.value = [...s.options].find(o => o.text === {title:?}).value; s.dispatchEvent(new Event('change')); }})()"
        ));
    };

    // An outdated version's page says so, and links to the same page in
    // the preferred version, which has it.
    browser.goto(&server.url("2.4/recipes/shared/"));
    browser.wait_for("document.querySelector('[data-version-banner] a[data-checked]')");
    assert_eq!(
        browser.visible_texts("[data-version-banner]"),
        ["This is the documentation of version 2.4, which is outdated. Read this page in version 2.5 (stable)"]
    );
    assert_eq!(
        browser.eval("document.querySelector('[data-version-banner] a').href"),
        server.url("2.5/recipes/shared/")
    );
    assert_eq!(
        browser.eval("[...document.querySelector('[data-version-select]').options].map(o => o.text).join('|')"),
        "2.5 (stable)|2.4",
        "entries that are not versions at web addresses are left out"
    );
    assert_eq!(browser.eval("document.querySelector('[data-version-select] option:checked').text"), "2.4");
    // The switcher moves to the same page in the other version.
    switch_to(&mut browser, "2.5 (stable)");
    browser.wait_for(&format!(
        "location.href === {:?} && document.readyState === 'complete'",
        server.url("2.5/recipes/shared/")
    ));
    browser.wait_for("document.querySelector('[data-version-select]')");
    assert_eq!(browser.eval("document.querySelector('[data-version-banner]').hidden"), true, "2.5 is preferred");
    assert_eq!(browser.eval("document.querySelector('meta[name=robots]')"), serde_json::Value::Null);
    switch_to(&mut browser, "2.4");
    browser.wait_for(&format!("location.href === {:?}", server.url("2.4/recipes/shared/")));

    // A page the other version does not have leads to its home.
    browser.goto(&server.url("2.4/recipes/old-only/"));
    browser.wait_for("document.querySelector('[data-version-banner] a[data-checked]')");
    assert_eq!(browser.eval("document.querySelector('[data-version-banner] a').href"), server.url("2.5/"));
    browser.wait_for("document.querySelector('[data-version-select]')");
    switch_to(&mut browser, "2.5 (stable)");
    browser.wait_for(&format!("location.href === {:?}", server.url("2.5/")));

    // A preview says so on every page.
    browser.goto(&server.url("pr-7/recipes/new-only/"));
    assert_eq!(browser.visible_texts("[data-preview-banner]"), ["Preview of pull request 7"]);
    assert_eq!(browser.eval("document.querySelector('meta[name=robots]').content"), "noindex");
    assert_eq!(
        browser.eval("document.querySelector('link[rel=canonical]').href"),
        "https://example.org/docs/stable/recipes/new-only/"
    );

    // On a phone, the header with its switcher still fits.
    browser.set_viewport(320, 640, true);
    browser.goto(&server.url("2.4/recipes/shared/"));
    browser.wait_for("document.querySelector('[data-version-select]')");
    assert_eq!(browser.eval("document.documentElement.scrollWidth <= 320"), true);
    browser.set_viewport(1200, 800, false);

    // Opened from disk, there is no list to fetch: no switcher, no error.
    let from_disk = format!("file://{}", site.path().join("www/2.4/recipes/shared/index.html").display());
    browser.goto(&from_disk);
    assert_eq!(browser.eval("document.querySelector('[data-version-switch]').hidden"), true);
    assert_eq!(browser.eval("document.querySelector('[data-version-select]')"), serde_json::Value::Null);

    // Without JavaScript, the switcher is a link to the list of versions.
    browser.set_javascript(false);
    browser.goto(&server.url("2.4/recipes/shared/"));
    assert_eq!(browser.visible_texts("a.version-switch"), ["Version 2.4"]);
    assert_eq!(browser.eval("document.querySelector('a.version-switch').href"), server.url("versions.json"));
}

#[test]
fn canonical_links_point_at_the_preferred_version_and_previews_are_not_indexed() {
    let site = two_versions();
    let page = |path: &str| common::Page(scraper::Html::parse_document(&site.read_source(path)));
    let released = page("www/2.4/recipes/shared/index.html");
    assert_eq!(released.attrs("link[rel=canonical]", "href"), ["https://example.org/docs/stable/recipes/shared/"]);
    assert_eq!(released.count("meta[name=robots]"), 0);
    assert!(site.read_source("www/2.4/sitemap.xml").contains("<loc>/2.4/recipes/shared/</loc>"));
    let preview = page("www/pr-7/recipes/shared/index.html");
    assert_eq!(preview.attrs("meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(preview.texts("[data-preview-banner]"), ["Preview of pull request 7"]);
    assert!(!site.read_source("www/pr-7/sitemap.xml").contains("<url>"), "a preview lists nothing for search engines");
    // A version whose status is `dev` is kept out too, without --preview,
    // and PRIMER_PREVIEW makes any build a preview.
    site.write("book.toml", config("2.6", "status = \"dev\"\n"));
    build_version(&site, "main", &[]);
    assert_eq!(page("www/main/recipes/shared/index.html").attrs("meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(page("www/main/recipes/shared/index.html").count("[data-preview-banner]"), 0);
    site.write("book.toml", config("2.6", ""));
    let run = site.run_command(
        site.command(&["build", "--out", "www/pr-8", "--base-url", "/pr-8/"])
            .env("PRIMER_PREVIEW", "Preview of pull request 8"),
    );
    assert!(run.success, "{}", run.stderr);
    assert_eq!(
        page("www/pr-8/recipes/shared/index.html").texts("[data-preview-banner]"),
        ["Preview of pull request 8"]
    );
}

#[test]
fn the_feedback_link_opens_an_issue_with_the_pages_title_url_and_version() {
    let site = TestSite::empty();
    site.write(
        "book.toml",
        config("2.5", "\n[feedback]\nlabels = [\"docs\", \"feedback\"]\n")
            .replace("[versions]\nurl = \"../versions.json\"\ncanonical = \"https://example.org/docs/stable/\"\n", "")
            .replace("[site]\n", "[site]\nbase_url = \"https://example.org/docs/\"\n"),
    );
    site.write("content/recipes/load.md", "---\ntitle: Load & plot\nsummary: S\n---\n\nText.\n");
    site.build();
    let hrefs = site.html("recipes/load/index.html").attrs("a.feedback-link", "href");
    assert_eq!(
        hrefs,
        ["https://github.com/org/docs/issues/new?title=Feedback%3A%20Load%20%26%20plot\
          &body=Page%3A%20Load%20%26%20plot%0AURL%3A%20https%3A%2F%2Fexample%2Eorg%2Fdocs%2Frecipes%2Fload%2F%0A\
          Version%3A%202%2E5%0A%0AWhat%20was%20helpful%2C%20missing%20or%20wrong%3F%0A&labels=docs%2Cfeedback"]
    );
    // A failing example gets a report link of its own.
    site.write("content/recipes/load.md", "---\ntitle: Load & plot\nsummary: S\n---\n\n```python\nprint(1 +)\n```\n");
    let run = site.run(&["test"]);
    assert!(!run.success);
    site.build();
    let report = site.html("recipes/load/index.html").attrs("a.report-example", "href");
    assert_eq!(report.len(), 1, "{report:?}");
    assert!(report[0].starts_with(
        "https://github.com/org/docs/issues/new?title=Example%20fails%3A%20Load%20%26%20plot%2C%20line%206&"
    ));
    assert!(report[0].contains("Example%3A%20content%2Frecipes%2Fload%2Emd%2C%20line%206"), "{}", report[0]);
    // Turned off, no link is made.
    site.write("book.toml", site.read_source("book.toml").replace("[feedback]\n", "[feedback]\nenabled = false\n"));
    site.build();
    assert_eq!(site.html("recipes/load/index.html").count("a.feedback-link, a.report-example"), 0);
}

#[test]
fn version_settings_that_cannot_work_are_errors_at_their_line() {
    let site = TestSite::empty();
    recipe(&site, "shared");
    site.write("book.toml", config("2.5", "status = \"beta\"\n"));
    let run = site.build_fails();
    assert!(run.stderr.contains("[versions] status `beta` is not one primer knows"), "{}", run.stderr);
    assert!(run.stderr.contains("book.toml:9:"), "{}", run.stderr);
    site.write("book.toml", config("2.5", "").replace("version = \"2.5\"\n", ""));
    let run = site.build_fails();
    assert!(run.stderr.contains("[versions] needs `version` in [site]"), "{}", run.stderr);
    site.write("book.toml", config("2.5", "").replace("https://example.org/docs/stable/", "example.org/stable"));
    let run = site.build_fails();
    assert!(run.stderr.contains("[versions] canonical `example.org/stable` is not an http(s) URL"), "{}", run.stderr);
    site.write("book.toml", "[site]\ntitle = \"T\"\n\n[feedback]\nenabled = true\n");
    let run = site.build_fails();
    assert!(run.stderr.contains("[feedback] needs `repository` in [site]"), "{}", run.stderr);
}
