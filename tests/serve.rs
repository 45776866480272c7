//! `primer serve`: the real binary on an ephemeral port, edited under its
//! feet.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::TestSite;
use common::serve::DevServer;

const AUGMENT: &str = "content/recipes/augment.md";

fn augment(body: &str, title: &str) -> String {
    format!(
        "---\ntitle: {title}\nsummary: Flip and crop images on the fly.\ntags: [vision]\nlevel: intermediate\ndate: 2024-04-01\n---\n## Flip\n\n{body}\n"
    )
}

#[test]
fn an_edit_reloads_browsers_and_serves_the_new_page() {
    let site = TestSite::fixture("basic");
    let server = DevServer::start(site.path());
    let page = server.get("/recipes/augment/");
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert!(page.body.contains(r#"<script src="/__primer/live.js"></script></body>"#), "live reload is injected");
    let entry = server.get("/search/entry.js").body;
    let events = server.events();
    site.write(AUGMENT, augment("Mirror every image left to right.", "Augment images"));
    events.expect("reload");
    assert!(server.get("/recipes/augment/").body.contains("Mirror every image left to right."));
    // A body edit renders the page (and its downloads), not the site.
    let line = server.expect_log("Rebuilt incrementally after content/recipes/augment.md");
    assert!(line.contains("pages reload"), "{line}");
    // The listing shows the new title after a front-matter edit.
    site.write(AUGMENT, augment("Text.", "Augment pictures"));
    events.expect("reload");
    assert!(server.get("/recipes/").body.contains("Augment pictures"));
    assert!(server.get("/tags/vision/").body.contains("Augment pictures"));
    // The search index follows the page, right after the reload: a new
    // version in its entry, its files under the same names.
    std::thread::sleep(Duration::from_millis(500));
    assert_ne!(server.get("/search/entry.js").body, entry, "the index was rebuilt");
    assert_eq!(server.get("/search/t/p.js?v=any").status, 200, "the shard of `pictures` is served");
}

#[test]
fn a_broken_page_shows_the_overlay_keeps_the_old_page_and_clears_when_fixed() {
    let site = TestSite::fixture("basic");
    let server = DevServer::start(site.path());
    let events = server.events();
    site.write(AUGMENT, "---\ntitle: [unclosed\n---\nBody\n");
    let overlay: serde_json::Value = serde_json::from_str(&events.expect("failed")).unwrap();
    assert_eq!(overlay["location"], "content/recipes/augment.md:2:8");
    assert!(overlay["text"].as_str().unwrap().contains("2 | title: [unclosed"), "the overlay quotes the source");
    assert_eq!(overlay["count"], 1);
    let old = server.get("/recipes/augment/");
    assert_eq!(old.status, 200);
    assert!(old.body.contains("Augment images"), "the last good page is still served");
    // A browser that connects now learns of the failure at once.
    let late = server.events();
    late.expect("failed");
    site.write(AUGMENT, augment("Fixed.", "Augment images"));
    events.expect("reload");
    late.expect("reload");
    assert!(server.get("/recipes/augment/").body.contains("Fixed."));
}

#[test]
fn a_fix_that_restores_the_last_good_page_clears_the_overlay_without_reload() {
    let site = TestSite::fixture("basic");
    let original = std::fs::read_to_string(site.path().join(AUGMENT)).unwrap();
    let server = DevServer::start(site.path());
    let events = server.events();
    site.write(AUGMENT, "---\ntitle: [unclosed\n---\n");
    events.expect("failed");
    site.write(AUGMENT, &original);
    events.expect("ok");
}

#[test]
fn added_and_deleted_pages_update_listings_and_tag_pages() {
    let site = TestSite::fixture("basic");
    let server = DevServer::start(site.path());
    let events = server.events();
    site.write(
        "content/recipes/denoise.md",
        "---\ntitle: Denoise photos\nsummary: Less grain.\ntags: [vision, data]\ndate: 2030-01-01\n---\nBody.\n",
    );
    events.expect("reload");
    assert_eq!(server.get("/recipes/denoise/").status, 200);
    for listing in ["/recipes/", "/tags/vision/", "/tags/data/", "/"] {
        assert!(server.get(listing).body.contains("Denoise photos"), "{listing} lists the new page");
    }
    site.remove("content/recipes/denoise.md");
    events.expect("reload");
    let gone = server.get("/recipes/denoise/");
    assert_eq!(gone.status, 404);
    assert!(gone.body.contains("<title>"), "the site's own 404 page");
    for listing in ["/recipes/", "/tags/vision/", "/tags/data/"] {
        assert!(!server.get(listing).body.contains("Denoise photos"), "{listing} forgot the page");
    }
}

#[test]
fn a_stylesheet_change_swaps_styles_without_reload() {
    let site = TestSite::fixture("basic");
    site.write("themes/default/static/assets/extra.css", "body { color: black; }\n");
    let server = DevServer::start(site.path());
    let events = server.events();
    site.write("themes/default/static/assets/extra.css", "body { color: navy; }\n");
    events.expect("styles");
    let css = server.get("/assets/extra.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.body.contains("navy"));
    // Touching a file without changing the site sends nothing.
    site.write("themes/default/static/assets/extra.css", "body { color: navy; }\n");
    assert!(events.quiet_for(Duration::from_millis(800)));
}

#[test]
fn no_trick_reaches_a_file_outside_the_site() {
    let outer = TestSite::empty();
    outer.write("secret.txt", "TOP-SECRET");
    outer.write("site/secret.txt", "TOP-SECRET");
    let site_dir = outer.path().join("site");
    common::copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"), &site_dir);
    let server = DevServer::start(&site_dir);
    let secret_path = outer.path().join("secret.txt");
    let absolute = secret_path.to_str().unwrap();
    let tricks = [
        "/../secret.txt".to_owned(),
        "/../../secret.txt".to_owned(),
        "/recipes/../../secret.txt".to_owned(),
        "/%2e%2e/secret.txt".to_owned(),
        "/%2E%2E%2Fsecret.txt".to_owned(),
        "/recipes%2f..%2f..%2fsecret.txt".to_owned(),
        "/..%5csecret.txt".to_owned(),
        "/..\\secret.txt".to_owned(),
        "/%5c..%5c..%5csecret.txt".to_owned(),
        format!("/{absolute}"),
        format!("/{}", absolute.trim_start_matches('/')),
        "/secret.txt".to_owned(),
        "/book.toml".to_owned(),
        "/content/recipes/augment.md".to_owned(),
        "/.%2e/secret.txt".to_owned(),
        "/%252e%252e/secret.txt".to_owned(),
    ];
    for trick in &tricks {
        let response = server.get(trick);
        assert!(!response.body.contains("TOP-SECRET"), "{trick} leaked a file");
        assert!(!response.body.contains("[site]"), "{trick} leaked book.toml");
        assert!(matches!(response.status, 400 | 404), "{trick}: {}", response.status);
    }
    // Content files copied into the site are served, with their type.
    let image = server.get("/recipes/img/cover.png");
    assert_eq!(image.status, 200);
    assert_eq!(image.header("content-type"), Some("image/png"));
}

#[test]
fn folders_without_a_slash_redirect_and_unknown_paths_get_the_404_page() {
    let site = TestSite::fixture("basic");
    let server = DevServer::start(site.path());
    let moved = server.get("/recipes");
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), Some("/recipes/"));
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("live.js"), "the 404 page reloads too");
    assert_eq!(server.get("/assets/primer.js").header("content-type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(server.get("/").header("cache-control"), Some("no-store"));
}

#[test]
fn editor_scratch_files_do_not_rebuild() {
    let site = TestSite::fixture("basic");
    let server = DevServer::start(site.path());
    let events = server.events();
    // vim's swap and backup files and its write test, Emacs's lock and
    // autosave files.
    // `sed -i` writes `sedXXXXXX` beside the file it edits.
    for scratch in [".augment.md.swp", "augment.md~", "4913", ".#augment.md", "#augment.md#", "sedbs9AGE"] {
        site.write(&format!("content/recipes/{scratch}"), "scratch");
    }
    assert!(events.quiet_for(Duration::from_millis(800)), "a scratch file caused a rebuild");
    // The watcher is alive: a real edit still reloads.
    site.write(AUGMENT, augment("Edited after the scratch files.", "Augment images"));
    events.expect("reload");
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let site = TestSite::fixture("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_primer"))
        .args(["serve", "--port", &port])
        .current_dir(site.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("primer serve kept running on a port in use");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success());
    assert!(stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")), "{stderr}");
    assert!(stderr.contains("--port"), "says how to fix it: {stderr}");
    drop(taken);
}

#[test]
fn serve_reports_what_build_refuses_an_asset_over_a_page_and_a_misspelled_language() {
    let site = TestSite::fixture("basic");
    let server = DevServer::start(site.path());
    let events = server.events();
    site.write("content/recipes/augment/index.html", "<p>mine</p>");
    let overlay: serde_json::Value = serde_json::from_str(&events.expect("failed")).unwrap();
    assert_eq!(overlay["location"], "content/recipes/augment/index.html");
    assert!(overlay["text"].as_str().unwrap().contains("would both be written"), "{overlay}");
    site.remove("content/recipes/augment/index.html");
    events.expect("ok");
    let text = std::fs::read_to_string(site.path().join(AUGMENT)).unwrap();
    site.write(AUGMENT, format!("{text}\n```pythn\nprint(1)\n```\n"));
    let overlay: serde_json::Value = serde_json::from_str(&events.expect("failed")).unwrap();
    assert!(overlay["text"].as_str().unwrap().contains("unknown language `pythn`"), "{overlay}");
}
