//! Hostile and careless input: nothing is written outside the output
//! folder, nothing a user made is replaced silently, and `check` refuses
//! what `build` and `test` refuse.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TestSite, processes_with};

/// Breaks the built `basic` fixture with `edit`, then checks that `build`
/// and `check` both fail naming every `expected` fragment, and leave the
/// previous output as it was.
fn refused(edit: impl FnOnce(&TestSite), expected: &[&str]) -> TestSite {
    common::refused(edit, &["build", "check"], expected).0
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

/// A site with one recipe holding `body`, and `[test]` settings.
fn snippet_site(test_settings: &str, body: &str) -> TestSite {
    let site = TestSite::empty();
    site.write("book.toml", format!("[site]\ntitle = \"Hostile\"\n\n[test]\n{test_settings}\n"));
    site.write("content/recipes/page.md", format!("---\ntitle: Page\nsummary: S\n---\n{body}"));
    site
}

#[test]
fn snippets_never_see_primers_environment_and_passed_values_are_masked() {
    let site = snippet_site(
        "env = [\"API_TOKEN\"]",
        "```bash\necho \"leak:${CI_SECRET:-none}\"\necho \"token:$API_TOKEN\"\nenv\n```\n",
    );
    let run = site.run_command(
        site.command(&["test", "--no-cache"]).env("CI_SECRET", "s3cr3t-from-ci").env("API_TOKEN", "tok-0123456789"),
    );
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    site.build();
    let results = std::fs::read_to_string(site.path().join(".primer/results.json")).unwrap();
    let html = site.read("recipes/page/index.html");
    for stored in [&results, &html] {
        assert!(stored.contains("leak:none"), "the snippet ran and its output was kept");
        assert!(!stored.contains("s3cr3t-from-ci"), "primer's environment must not reach snippets");
        assert!(stored.contains("token:***"), "a value passed through [test] env is masked");
        assert!(!stored.contains("tok-0123456789"));
    }
}

#[test]
fn a_background_child_in_its_own_session_neither_blocks_nor_outlives_its_block() {
    let site = snippet_site("", "```bash timeout=3\nsetsid sleep 31350 &\necho started\n```\n");
    let started = std::time::Instant::now();
    let run = site.run(&["test", "--no-cache"]);
    assert!(run.success, "{}", run.stdout);
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(processes_with("sleep 31350"), Vec::<String>::new());
}

#[test]
fn a_timeout_fails_within_seconds_of_its_limit_even_when_a_double_fork_holds_the_pipes() {
    let site = snippet_site("", "```bash timeout=2\n(setsid sleep 31351 &)\nsleep 31352\n```\n");
    let started = std::time::Instant::now();
    let run = site.run(&["test", "--no-cache"]);
    assert!(!run.success);
    assert!(run.stdout.contains("timed out after"), "{}", run.stdout);
    assert!(started.elapsed() < std::time::Duration::from_secs(6), "took {:?}", started.elapsed());
    assert_eq!(processes_with("sleep 3135"), Vec::<String>::new());
}

#[test]
fn memory_and_file_size_limits_stop_greedy_snippets() {
    let site = snippet_site(
        "memory_limit_mib = 256\nfile_size_limit_mib = 1",
        "```python\nblob = bytearray(1024 * 1024 * 1024)\n```\n\n\
         ```bash\nhead -c 5000000 /dev/zero > big.bin\n```\n\n\
         ```bash\nulimit -d unlimited\n```\n",
    );
    std::fs::write(site.path().join("content/recipes/page.md"), {
        let text = std::fs::read_to_string(site.path().join("content/recipes/page.md")).unwrap();
        text.replace("summary: S\n", "summary: S\ntest: isolated\n")
    })
    .unwrap();
    let run = site.run(&["test", "--no-cache"]);
    assert!(!run.success);
    assert!(run.stdout.contains("MemoryError"), "{}", run.stdout);
    // The third block tries to lift its own memory limit.
    assert!(run.stdout.contains("0 passed, 3 failed"), "{}", run.stdout);
}

/// Runs a page that writes in its folder, connects to a listener on
/// loopback and writes outside, with `sandbox = true` and `path` as PATH;
/// then without the sandbox.
fn sandbox_blocks_network_and_outside_writes(path: &std::ffi::OsStr) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let outside = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let target = outside.path().join("written.txt");
    let body = format!(
        "```bash\necho ok > mine.txt\nread -r line < mine.txt\necho \"$line\"\n```\n\n\
         ```bash\necho hi > /dev/tcp/127.0.0.1/{port}\n```\n\n\
         ```bash\necho x > '{}'\n```\n",
        target.display()
    );
    let site = snippet_site("sandbox = true", &body);
    let page = site.path().join("content/recipes/page.md");
    let text = std::fs::read_to_string(&page).unwrap().replace("summary: S\n", "summary: S\ntest: isolated\n");
    std::fs::write(&page, text).unwrap();
    let run = site.run_command(site.command(&["test", "--no-cache"]).env("PATH", path));
    assert!(run.stdout.contains("1 passed, 2 failed"), "{}\n{}", run.stdout, run.stderr);
    // Read-only, or hidden under the sandbox's own /tmp when the target
    // folder lies below /tmp.
    let refused = ["Read-only file system", "No such file or directory"];
    assert!(refused.iter().any(|why| run.stdout.contains(why)), "{}", run.stdout);
    assert!(!target.exists(), "the sandbox must not write outside the working folder");
    // Without the sandbox the same page reaches the listener and writes.
    site.write("book.toml", "[site]\ntitle = \"Hostile\"\n");
    let run = site.run_command(site.command(&["test", "--no-cache"]).env("PATH", path));
    assert!(run.stdout.contains("3 passed, 0 failed"), "{}", run.stdout);
    assert!(target.exists());
}

#[test]
fn the_bubblewrap_sandbox_blocks_the_network_and_writes_outside_the_working_folder() {
    if !common::bubblewrap_installed() {
        return;
    }
    sandbox_blocks_network_and_outside_writes(&std::env::var_os("PATH").unwrap());
}

#[test]
fn without_bubblewrap_the_sandbox_uses_namespaces_of_its_own() {
    // A PATH with a shell and nothing else, so bwrap is not found.
    let bin = tempfile::tempdir().unwrap();
    for tool in ["sh", "bash"] {
        std::os::unix::fs::symlink(format!("/bin/{tool}"), bin.path().join(tool)).unwrap();
    }
    sandbox_blocks_network_and_outside_writes(bin.path().as_os_str());
}

#[test]
fn a_sandbox_that_cannot_be_made_is_a_clear_error() {
    let site = snippet_site("sandbox = true", "```bash\necho hi\n```\n");
    let run = site.run_command(site.command(&["test"]).env("PATH", "/nonexistent"));
    assert!(!run.success);
    assert!(run.stderr.contains("book.toml:5:1"), "{}", run.stderr);
    assert!(run.stderr.contains("`sandbox = true`, but bubblewrap (`bwrap`) cannot be started"), "{}", run.stderr);
}

#[test]
fn a_test_path_that_matches_no_page_is_a_usage_error_with_a_suggestion() {
    let site = snippet_site("", "```bash\necho hi\n```\n");
    let run = site.run(&["test", "content/recipes/pgae.md"]);
    assert_eq!(site.command(&["test", "content/recipes/pgae.md"]).status().unwrap().code(), Some(2));
    assert!(run.stderr.contains("`content/recipes/pgae.md` matches no page"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `content/recipes/page.md`?"), "{}", run.stderr);
    assert!(!run.stdout.contains("0 passed"), "{}", run.stdout);
}

#[test]
fn script_urls_in_markdown_links_images_and_raw_html_are_errors_at_their_line() {
    refused(
        |site| {
            site.write(
                "content/recipes/xss.md",
                "---\ntitle: T\nsummary: S\n---\n\n[click](javascript:alert(1))\n\n![i](data:text/html,x)\n\n\
                 <a href=\"JaVaScRiPt:alert(2)\">raw</a>\n",
            );
        },
        &[
            "link to a `javascript:` URL",
            "content/recipes/xss.md:6:1",
            "image to a `data:` URL",
            "content/recipes/xss.md:8:1",
            "`javascript:` URL in raw HTML `href`",
            "content/recipes/xss.md:10:10",
            "3 problems found",
        ],
    );
}

#[test]
fn script_urls_in_book_toml_links_are_errors_at_their_line() {
    refused(
        |site| {
            let config = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
            let config = config.replace("https://github.com/example/fixture", "javascript:alert(1)");
            site.write(
                "book.toml",
                format!("{config}\n[[home.callouts]]\ntitle = \"Go\"\nlink = \"vbscript:msgbox(1)\"\n"),
            );
        },
        &["`repository` is a `javascript:` URL", "book.toml:6:15", "`link` is a `vbscript:` URL"],
    );
}

/// The recipe `body` built with `[build] raw_html = mode` (or the default).
fn raw_html_page(mode: Option<&str>, body: &str) -> String {
    let site = TestSite::empty();
    let build = mode.map(|m| format!("\n[build]\nraw_html = \"{m}\"\n")).unwrap_or_default();
    site.write("book.toml", format!("[site]\ntitle = \"Raw\"\n{build}"));
    site.write("content/recipes/page.md", format!("---\ntitle: Page\nsummary: S\n---\n{body}"));
    site.build();
    site.html("recipes/page/index.html").inner("article")
}

const RAW: &str = "<details>\n<summary>More</summary>\n\nSome *Markdown* inside.\n\n</details>\n\n\
    <img src=\"a.png\" onerror=\"alert(1)\">\n\n<script>alert(2)</script>\n\nPress <kbd>Ctrl</kbd>.\n";

#[test]
fn raw_html_is_sanitized_by_default_keeping_ordinary_html() {
    let html = raw_html_page(None, RAW);
    assert!(html.contains("<details>\n<summary>More</summary>"), "{html}");
    assert!(html.contains("<em>Markdown</em> inside.</p>\n</details>"), "details wraps the Markdown: {html}");
    assert!(html.contains("<kbd>Ctrl</kbd>"), "{html}");
    assert!(html.contains("<img src=\"a.png\">"), "{html}");
    assert!(!html.contains("alert"), "scripts and handlers go: {html}");
}

#[test]
fn raw_html_can_be_escaped_or_allowed() {
    let escaped = raw_html_page(Some("escape"), RAW);
    assert!(escaped.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), "{escaped}");
    assert!(!escaped.contains("<kbd>"), "{escaped}");
    let allowed = raw_html_page(Some("allow"), RAW);
    assert!(allowed.contains("<script>alert(2)</script>"), "{allowed}");
    let site = TestSite::empty();
    site.write("book.toml", "[site]\ntitle = \"Raw\"\n\n[build]\nraw_html = \"sanitise\"\n");
    site.write("content/index.md", "Home\n");
    let run = site.build_fails();
    assert!(run.stderr.contains("unknown raw_html `sanitise`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `sanitize`?"), "{}", run.stderr);
}

#[test]
fn a_control_character_in_yaml_and_a_nul_in_the_body_are_errors_at_their_place() {
    refused(
        |site| {
            site.write("content/recipes/bell.md", "---\ntitle: T\ntags: [data]\nsummary: S\u{7}x\n---\nBody\n");
            site.write("content/recipes/nul.md", "---\ntitle: T\nsummary: S\n---\n\nBody\u{0}here\n");
        },
        &[
            "control character U+0007 is not allowed",
            "content/recipes/bell.md:4:11",
            "file holds a NUL byte",
            "content/recipes/nul.md:6:5",
        ],
    );
}

#[test]
fn escape_sequences_in_content_never_reach_the_terminal() {
    let site = refused(
        |site| {
            // YAML's `\e` and `\a` escapes make ESC and BEL characters.
            site.write("content/recipes/esc.md", "---\ntitle: T\nsummary: S\ntags: [\"\\e[2J\\e]0;pwned\\a\"]\n---\n");
        },
        &["unknown tag `\\u{1b}[2J\\u{1b}]0;pwned\\u{7}`", "content/recipes/esc.md:4:"],
    );
    let run = site.run(&["build"]);
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
}

#[test]
fn warm_python_children_get_the_same_environment_and_limits() {
    let site = snippet_site(
        "memory_limit_mib = 256",
        "```python\nimport os\nprint(os.environ.get('CI_SECRET'), os.environ['HOME'].endswith('/home'))\n```\n\n\
         ```output\nNone True\n```\n\n```python\nblob = bytearray(1024 * 1024 * 1024)\n```\n",
    );
    let run = site.run_command(site.command(&["test", "--no-cache"]).env("CI_SECRET", "s3cr3t-from-ci"));
    assert!(run.stdout.contains("1 passed, 1 failed"), "{}", run.stdout);
    assert!(run.stdout.contains("MemoryError"), "{}", run.stdout);
    // A module that cannot be preloaded fails the blocks with its name.
    site.write("book.toml", "[site]\ntitle = \"Hostile\"\n\n[test.runners.python]\npreload = [\"no_such_module\"]\n");
    let run = site.run(&["test", "--no-cache"]);
    assert!(run.stdout.contains("cannot preload `no_such_module`"), "{}", run.stdout);
}
