//! Hostile input, round two: what a page, a committed file under
//! `.primer/` or a snippet does never reaches readers, never escapes the
//! output folder, and never outlives the run. One test per attack.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;

/// Builds the `basic` fixture broken by `edit`; `build` and `check` must
/// both fail naming every `expected` fragment and leave the output as it was.
fn refused(edit: impl FnOnce(&TestSite), expected: &[&str]) -> TestSite {
    common::refused(edit, &["build", "check"], expected).0
}

/// A site with one recipe whose body is `body`, and `book.toml` extras.
fn page_site(config: &str, body: &str) -> TestSite {
    let site = TestSite::empty();
    site.write("book.toml", format!("[site]\ntitle = \"Attacks\"\n{config}\n"));
    site.write("content/recipes/page.md", format!("---\ntitle: Page\nsummary: S\n---\n{body}"));
    site
}

/// What in the article of the page `html` would run script: `on*`
/// attributes, `<script>` elements, `javascript:` URLs. Empty when
/// nothing does.
fn scripts_in(html: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let article = document.select(&scraper::Selector::parse("article").unwrap()).next().expect("an article");
    let mut found = Vec::new();
    for node in article.descendants() {
        let Some(element) = node.value().as_element() else { continue };
        if element.name() == "script" {
            found.push("<script>".to_owned());
        }
        for (name, value) in element.attrs() {
            let squeezed: String = value.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
            if name.starts_with("on") || squeezed.starts_with("javascript:") {
                found.push(format!("<{} {name}={value:?}>", element.name()));
            }
        }
    }
    found
}

/// A site whose one page ran a Python block in `primer test`, with
/// `.primer/results.json` then edited as a pull request could: the block
/// shows the stored output `file` of `kind`.
fn site_with_stored_output(kind: &str, file: &str) -> TestSite {
    let site = page_site("", "```python\nprint(1)\n```\n");
    let run = site.run(&["test"]);
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    let path = site.path().join(".primer/results.json");
    let mut results: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    results["pages"]["recipes/page.md"]["blocks"][0]["rich"] = serde_json::json!([{ "kind": kind, "file": file }]);
    std::fs::write(&path, serde_json::to_vec(&results).unwrap()).unwrap();
    site
}

#[test]
fn a_committed_result_cannot_publish_a_local_file() {
    for name in ["../../../../proc/self/environ", "output-0123456789abcdef.html/../../../../proc/self/environ"] {
        let site = site_with_stored_output("html", name);
        let run = site.run_command(site.command(&["build"]).env("PRIMER_PROBE_SECRET", "s3cr3t-probe"));
        assert!(!run.success, "{}", run.stdout);
        assert!(run.stderr.contains(".primer/results.json"), "{}", run.stderr);
        assert!(run.stderr.contains("page `recipes/page.md`: block 1: output"), "{}", run.stderr);
        assert!(!site.out("recipes/page/index.html").exists());
    }
    // A results file that is not JSON names its line.
    let site = page_site("", "Body\n");
    site.write(".primer/results.json", "{\n  \"pages\": nope\n}\n");
    let run = site.run(&["build"]);
    assert!(run.stderr.contains(".primer/results.json:2:"), "{}", run.stderr);
}

#[test]
fn a_state_folder_that_is_a_symbolic_link_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let site = page_site("", "Body\n");
    std::fs::create_dir_all(site.path().join(".primer")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path().join(".primer/cache")).unwrap();
    let run = site.run(&["build"]);
    assert!(!run.success);
    assert!(run.stderr.contains(".primer/cache is a symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing is written through the link");
}

#[test]
fn heading_attributes_other_than_id_and_class_are_errors() {
    refused(
        |site| {
            site.write(
                "content/recipes/xss.md",
                "---\ntitle: T\nsummary: S\n---\n\n## Hi {#hi .big tabindex=0 autofocus onfocus=alert(2)}\n",
            );
        },
        &["heading attribute `onfocus` is not allowed", "content/recipes/xss.md:6:1", "`{#id .class}`"],
    );
}

#[test]
fn the_sanitizer_cannot_be_made_to_splice_generated_html_into_an_attribute() {
    for mark in
        ["&#xF8FF;0&#xF8FF;", "\u{F8FF}0\u{F8FF}", "&lt;primer-slot data-n=&quot;0&quot;&gt;&lt;/primer-slot&gt;"]
    {
        let body = format!(
            "[a](/onerror=alert(1)//)\n\n<img src=\"a.png\" alt=\"{mark}\">\n\n\
             <primer-slot data-n=\"0\"></primer-slot>\n\nText.\n"
        );
        let site = page_site("", &body);
        site.build();
        let html = site.read("recipes/page/index.html");
        assert_eq!(scripts_in(&html), Vec::<String>::new(), "{html}");
        assert!(html.contains("Text."), "{html}");
    }
}

#[test]
fn raw_html_that_swallows_the_rest_of_the_page_is_an_error() {
    for (opened, column) in [("<math><mi>x</mi>", 1), ("x <textarea>", 3), ("<p>a <img alt=\"x", 1)] {
        let body = format!("\nBefore.\n\n{opened}\n\nAfter, in **Markdown**.\n");
        let site = page_site("", &body);
        let run = site.run(&["build"]);
        assert!(!run.success, "{opened}: {}", run.stdout);
        assert!(run.stderr.contains("raw HTML swallows the page content after it"), "{}", run.stderr);
        assert!(run.stderr.contains(&format!("content/recipes/page.md:8:{column}")), "{opened}: {}", run.stderr);
    }
}

#[test]
fn deeply_nested_raw_html_fails_fast_at_its_line() {
    let body = format!("\nIntro.\n\n{}x\n", "<div>".repeat(200_000));
    let site = page_site("", &body);
    let started = std::time::Instant::now();
    let run = site.run(&["build"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "took {:?}", started.elapsed());
    assert!(!run.success);
    assert!(run.stderr.contains("raw HTML nested too deep to clean"), "{}", run.stderr);
    assert!(run.stderr.contains("content/recipes/page.md:8:"), "{}", run.stderr);
}

#[test]
fn a_script_url_hidden_by_a_reference_without_semicolon_is_reported() {
    refused(
        |site| {
            site.write(
                "content/recipes/xss.md",
                "---\ntitle: T\nsummary: S\n---\n\n<a href=\"&#106avascript:alert(1)\">x</a>\n",
            );
        },
        &["`javascript:` URL in raw HTML `href`", "content/recipes/xss.md:6:10"],
    );
}

#[test]
fn an_output_folder_that_links_into_the_sources_is_refused() {
    let site = page_site("\n[build]\noutput = \"out\"\n", "Body\n");
    std::os::unix::fs::symlink(site.path().join("content"), site.path().join("out")).unwrap();
    let run = site.run(&["build"]);
    assert!(!run.success, "{}", run.stdout);
    assert!(run.stderr.contains("it holds the site's sources"), "{}", run.stderr);
    assert!(!site.path().join("content/index.html").exists());
}

/// A notebook page whose one code cell saved `outputs`.
fn notebook_with_outputs(outputs: &serde_json::Value) -> String {
    serde_json::json!({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": { "primer": { "title": "Outputs", "summary": "Saved outputs." } },
        "cells": [{ "cell_type": "code", "metadata": {}, "execution_count": 1, "source": "print(1)", "outputs": outputs }]
    })
    .to_string()
}

#[test]
fn notebook_outputs_are_shown_clean_and_never_run() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"><script>alert(2)</script>\
               <rect width=\"4\" height=\"4\"/></svg>";
    let notebook = notebook_with_outputs(&serde_json::json!([
        { "output_type": "display_data", "metadata": {}, "data": { "image/svg+xml": svg } },
        { "output_type": "display_data", "metadata": {},
          "data": { "text/markdown": "Read this:\n\n```bash\ntouch ran-from-output\n\necho two\n```\n" } },
        { "output_type": "display_data", "metadata": {},
          "data": { "text/html": "<table><tr><td onmouseover=\"alert(3)\">x</td></tr></table><script>alert(4)</script>" } }
    ]));
    // Even where the site trusts its authors' raw HTML, outputs are what
    // code printed, and are cleaned.
    let site = page_site("\n[build]\nraw_html = \"allow\"\n", "Body\n");
    site.write("content/recipes/outputs.ipynb", notebook);
    site.build();
    let html = site.read("recipes/outputs/index.html");
    assert_eq!(scripts_in(&html), Vec::<String>::new(), "{html}");
    assert!(html.contains("<td>x</td>"), "{html}");
    assert!(html.contains("touch ran-from-output\n\necho two"), "the Markdown output is shown whole: {html}");
    let figures: Vec<_> = std::fs::read_dir(site.out("recipes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .collect();
    assert_eq!(figures.len(), 1, "{figures:?}");
    let published = std::fs::read_to_string(&figures[0]).unwrap();
    assert!(!published.contains("alert") && published.contains("<rect"), "{published}");
    let run = site.run(&["test", "--no-cache"]);
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    assert!(!site.path().join("content/recipes/ran-from-output").exists());
    assert!(run.stdout.contains("1 passed"), "only the code cell runs: {}", run.stdout);
}

#[test]
fn a_committed_figure_is_published_clean() {
    let name = "output-0123456789abcdef.svg";
    let site = site_with_stored_output("svg", name);
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script><circle r=\"2\"/></svg>";
    site.write(&format!(".primer/cache/outputs/{name}"), svg);
    site.build();
    let published = site.read(&format!("recipes/page/{name}"));
    assert!(!published.contains("alert") && published.contains("<circle"), "{published}");
}

#[test]
fn passed_values_are_masked_in_tables_and_across_the_output_limit() {
    let site = page_site(
        "\n[test]\nenv = [\"API_TOKEN\"]\noutput_limit = 100\n",
        "```python\nimport os\nprint('x' * 95 + os.environ['API_TOKEN'])\n```\n\n\
         ```python\nimport os\nclass Table:\n    def _repr_html_(self):\n        return '<table><tr><td>' + os.environ['API_TOKEN'] + '</td></tr></table>'\nTable()\n```\n",
    );
    let token = "tok-0123456789";
    let run = site.run_command(site.command(&["test", "--no-cache"]).env("API_TOKEN", token));
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    site.build();
    let mut stored = vec![std::fs::read_to_string(site.path().join(".primer/results.json")).unwrap()];
    for entry in std::fs::read_dir(site.path().join(".primer/cache/outputs")).unwrap() {
        stored.push(std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    stored.push(site.read("recipes/page/index.html"));
    for text in &stored {
        assert!(!text.contains("tok-0"), "a passed value, whole or in part, in {text}");
    }
    assert!(stored.last().unwrap().contains("<td>***</td>"), "the table is shown, masked");
}

#[test]
fn block_and_book_toml_timeouts_of_years_are_errors_not_panics() {
    let site = page_site("\n[test]\ntimeout = 18446744073709551615\n", "```bash\necho hi\n```\n");
    for command in ["check", "test"] {
        let run = site.run(&[command]);
        assert!(!run.success);
        assert!(run.stderr.contains("`timeout = 18446744073709551615` is out of range"), "{}", run.stderr);
        assert!(run.stderr.contains("book.toml:5:1"), "{}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    let site = page_site("", "```bash timeout=18446744073709551615\necho hi\n```\n");
    for command in ["check", "test"] {
        let run = site.run(&[command]);
        assert!(!run.success);
        assert!(run.stderr.contains("`timeout=18446744073709551615` is out of range"), "{}", run.stderr);
        assert!(run.stderr.contains("content/recipes/page.md:5:1"), "{}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

#[test]
fn primer_search_prints_no_escape_sequences_from_titles() {
    let site = TestSite::empty();
    site.write("book.toml", "[site]\ntitle = \"Attacks\"\n");
    site.write("content/recipes/bell.md", "---\ntitle: \"Zebra \\e]0;pwned\\a\"\nsummary: S\n---\nZebra body.\n");
    let run = site.run(&["search", "zebra"]);
    assert!(run.success, "{}", run.stderr);
    assert!(run.stdout.contains("Zebra \\u{1b}]0;pwned\\u{7}"), "{:?}", run.stdout);
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}'), "{:?}", run.stdout);
}

#[test]
fn the_dev_server_answers_only_its_own_hosts_and_closes_idle_connections() {
    use std::io::Read;
    let site = TestSite::fixture("basic");
    let server =
        common::serve::DevServer::start_with(site.path(), &["--idle-timeout", "1", "--allow-host", "docs.lan"]);
    assert_eq!(server.get("/").status, 200);
    for host in ["localhost", "[::1]", "docs.lan:8080"] {
        assert_eq!(server.get_from("/", host).status, 200, "{host}");
    }
    // DNS rebinding: a foreign name that resolves to loopback.
    let refused = server.get_from("/", &format!("rebind.attacker.example:{}", server.port));
    assert_eq!(refused.status, 421, "{}", refused.body);
    assert!(refused.body.contains("--allow-host"), "{}", refused.body);
    // A connection that sends nothing is closed, by the server.
    let mut idle = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    idle.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    let started = std::time::Instant::now();
    let mut byte = [0u8; 1];
    assert_eq!(idle.read(&mut byte).unwrap(), 0, "the server closes the silent connection");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "took {:?}", started.elapsed());
}

/// Runs `primer test --no-cache` on a page of `body` with `config` under
/// `[test]` (or `[test.runners.python]` settings), with a probe secret in
/// primer's environment; returns the run and everything it stored or
/// published after a build.
fn run_snippets(config: &str, body: &str) -> (common::Run, String) {
    let site = page_site(config, body);
    let run = site.run_command(site.command(&["test", "--no-cache"]).env("PRIMER_PROBE_SECRET", "s3cr3t-probe-value"));
    let mut kept = std::fs::read_to_string(site.path().join(".primer/results.json")).unwrap_or_default();
    if site.run(&["build"]).success {
        kept.push_str(&site.read("recipes/page/index.html"));
    }
    (run, kept)
}

/// Reads every `environ` in `/proc` a snippet can see, and its ancestors'.
const ENVIRON_THIEF_BASH: &str = "```bash\nfor f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null || true; done | grep -a PRIMER_PROBE || true\n\
    p=$$\nwhile [ \"$p\" -gt 1 ]; do (tr '\\0' '\\n' < /proc/$p/environ | grep -a PRIMER_PROBE) 2>/dev/null || true; p=$(cut -d' ' -f4 /proc/$p/stat 2>/dev/null || echo 0); done\necho done\n```\n";

const ENVIRON_THIEF_PYTHON: &str = "```python\nimport glob\nfor path in glob.glob('/proc/[0-9]*/environ'):\n    try:\n        data = open(path, 'rb').read()\n    except OSError:\n        continue\n    if b'PRIMER_PROBE' in data:\n        print(data.decode(errors='replace'))\nprint('done')\n```\n";

#[test]
fn snippets_cannot_read_primers_environment_through_proc() {
    for (config, body) in [
        ("", ENVIRON_THIEF_BASH),
        ("\n[test.runners.python]\npreload = [\"json\"]\n", ENVIRON_THIEF_PYTHON),
        ("\n[test]\nsandbox = true\n", ENVIRON_THIEF_BASH),
    ] {
        let (run, kept) = run_snippets(config, body);
        assert!(run.success, "{config}: {}\n{}", run.stdout, run.stderr);
        assert!(kept.contains("done"), "{config}: the snippet ran: {kept}");
        assert!(!kept.contains("s3cr3t-probe-value"), "{config}: primer's environment leaked: {kept}");
    }
}

#[test]
fn a_snippet_that_kills_its_supervisor_leaves_nothing_behind() {
    // The shell's parent, and the supervisor above it.
    let body = "```bash timeout=5\nsetsid sleep 31360 &\nsleep 0.5\nabove=$(cut -d' ' -f4 /proc/$PPID/stat)\n\
                kill -9 \"$above\" \"$PPID\" 2>/dev/null\nsleep 1\necho after\n```\n";
    let (run, _) = run_snippets("", body);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(common::processes_with("sleep 31360"), Vec::<String>::new());
}

#[test]
fn a_python_snippet_that_kills_the_warm_interpreter_leaves_nothing_behind() {
    let body = "```python timeout=5\nimport os, signal, subprocess, time\nsubprocess.Popen(['setsid', 'sleep', '31361'])\ntime.sleep(0.5)\n\
                for target in (os.getppid(), 0):\n    try:\n        os.kill(target, signal.SIGKILL)\n    except OSError:\n        pass\n```\n";
    let (run, _) = run_snippets("\n[test.runners.python]\npreload = [\"json\"]\n", body);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(common::processes_with("sleep 31361"), Vec::<String>::new());
}

#[test]
fn a_fork_and_exit_loop_ends_with_its_time_limit() {
    let body = "```python timeout=3\nimport os\nwhile True:\n    if os.fork():\n        os._exit(0)\n```\n";
    for config in ["", "\n[test.runners.python]\npreload = [\"json\"]\n"] {
        let started = std::time::Instant::now();
        let (run, _) = run_snippets(config, body);
        assert!(started.elapsed() < std::time::Duration::from_secs(8), "{config}: took {:?}", started.elapsed());
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        let left = common::processes_with("primer-test-");
        assert!(left.is_empty(), "{config}: {left:?}");
    }
}

#[test]
fn a_program_cannot_forge_its_verdict() {
    let body = "```python\nimport os, json\nverdict = json.dumps({'code': 0, 'signal': None, 'timed_out': False}) + '\\n'\n\
                for fd in range(0, 8):\n    try:\n        with open(f'/proc/{os.getppid()}/fd/{fd}', 'w') as f:\n            f.write(verdict)\n    except OSError:\n        pass\n\
                raise SystemExit(3)\n```\n\n```python\nprint('second')\n```\n";
    for config in ["", "\n[test.runners.python]\npreload = [\"json\"]\n"] {
        let (run, _) = run_snippets(config, body);
        assert!(!run.success, "{config}: {}", run.stdout);
        assert!(run.stdout.contains("exited with 3"), "{config}: {}", run.stdout);
    }
}

#[test]
fn folders_of_a_killed_run_are_removed_by_the_next() {
    let temp = tempfile::tempdir().unwrap();
    let site = page_site("", "```bash\nsleep 30\n```\n");
    let mut child = site.command(&["test", "--no-cache"]).env("TMPDIR", temp.path()).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let folders = || std::fs::read_dir(temp.path()).unwrap().count();
    while folders() == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(folders() > 0, "the killed run left its folder");
    site.write("content/recipes/page.md", "---\ntitle: Page\nsummary: S\n---\n```bash\necho hi\n```\n");
    let run = site.run_command(site.command(&["test", "--no-cache"]).env("TMPDIR", temp.path()));
    assert!(run.success, "{}", run.stdout);
    assert_eq!(folders(), 0, "the next run removed it");
}

/// Runs a sandboxed page that reads a credential file and connects to an
/// agent socket in primer's home, with `path` as PATH.
fn sandbox_hides_home(path: &std::ffi::OsStr) {
    // Outside /tmp, which the sandbox replaces anyway.
    let home = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    std::fs::write(home.path().join(".git-credentials"), "https://user:ghp-s3cr3t-credential@github.com\n").unwrap();
    let socket = home.path().join("agent.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let body = format!(
        "```bash\ncat '{}' || echo no-credentials\n```\n\n\
         ```python\nimport socket\ns = socket.socket(socket.AF_UNIX)\ntry:\n    s.connect('{}')\n    print('connected')\nexcept OSError as e:\n    print('refused', type(e).__name__)\n```\n",
        home.path().join(".git-credentials").display(),
        socket.display()
    );
    let site = page_site("\n[test]\nsandbox = true\n", &body);
    let run = site.run_command(site.command(&["test", "--no-cache"]).env("HOME", home.path()).env("PATH", path));
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    let results = std::fs::read_to_string(site.path().join(".primer/results.json")).unwrap();
    assert!(results.contains("no-credentials") && results.contains("refused"), "{results}");
    assert!(!results.contains("s3cr3t") && !results.contains("connected"), "{results}");
}

#[test]
fn the_bubblewrap_sandbox_hides_home_and_its_sockets() {
    if !common::bubblewrap_installed() {
        return;
    }
    sandbox_hides_home(&std::env::var_os("PATH").unwrap());
}

#[test]
fn the_namespace_sandbox_hides_home_and_its_sockets() {
    // PATH without bwrap: the programs it needs, linked one by one.
    let bin = tempfile::tempdir().unwrap();
    for tool in ["sh", "bash", "cat", "unshare"] {
        let found = std::env::split_paths(&std::env::var_os("PATH").unwrap())
            .map(|dir| dir.join(tool))
            .find(|p| p.is_file())
            .unwrap_or_else(|| panic!("{tool} on PATH"));
        std::os::unix::fs::symlink(found.canonicalize().unwrap(), bin.path().join(tool)).unwrap();
    }
    // The interpreter itself, not a version manager's shim.
    let python =
        std::process::Command::new("python3").args(["-c", "import sys; print(sys.executable)"]).output().unwrap();
    let python = String::from_utf8(python.stdout).unwrap();
    std::os::unix::fs::symlink(python.trim(), bin.path().join("python3")).unwrap();
    sandbox_hides_home(bin.path().as_os_str());
}

#[test]
fn a_link_inside_the_output_folder_is_never_written_or_deleted_through() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("keep.txt"), "theirs").unwrap();
    let site = TestSite::fixture("basic");
    site.build();
    // The output's recipes folder is swapped for a link to a folder
    // outside, and the manifest claims a file there.
    std::fs::remove_dir_all(site.out("recipes")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.out("recipes")).unwrap();
    let manifest_path = site.path().join(".primer/cache/output.json");
    let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    manifest["files"]["recipes/keep.txt"] = serde_json::json!({ "content": "x", "len": 6, "modified": 0 });
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let run = site.run(&["build"]);
    assert!(!run.success, "{}", run.stdout);
    assert!(run.stderr.contains("is a symbolic link: primer never writes through one"), "{}", run.stderr);
    let left: Vec<_> = std::fs::read_dir(outside.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["keep.txt"], "nothing written or deleted outside");
}

#[test]
fn a_name_too_long_for_the_file_system_is_refused_before_anything_is_written() {
    let long = "a".repeat(250);
    refused(
        |site| {
            let page = site.read_source("content/recipes/augment.md");
            site.write("content/recipes/augment.md", page.replace("## ", "## Edited "));
            site.write(&format!("content/recipes/{long}.png"), "png");
        },
        &[&format!("content/recipes/{long}.png"), "has a name longer than 200 bytes"],
    );
}

#[test]
fn a_write_that_fails_half_way_puts_the_previous_output_back() {
    let site = TestSite::fixture("basic");
    site.build();
    // A file someone left where a new page's folder must go: primer does
    // not own it and cannot write the page; the edit of another page must
    // not land alone.
    site.write("public/recipes/brand-new", "someone's file");
    let before_with_foreign = site.output_snapshot();
    let page = site.read_source("content/recipes/augment.md");
    site.write("content/recipes/augment.md", page.replace("## ", "## Edited "));
    site.write("content/recipes/brand-new.md", "---\ntitle: New\nsummary: S\n---\nNew.\n");
    let run = site.run(&["build"]);
    assert!(!run.success, "{}", run.stdout);
    assert!(run.stderr.contains("public/recipes/brand-new/index.html"), "the error names the file: {}", run.stderr);
    let after = site.output_snapshot();
    assert_eq!(after.keys().collect::<Vec<_>>(), before_with_foreign.keys().collect::<Vec<_>>());
    assert!(after == before_with_foreign, "the previous output is back as it was");
}

#[test]
fn without_namespaces_primer_test_names_the_risk_once() {
    let bin = tempfile::tempdir().unwrap();
    for tool in ["sh", "bash"] {
        std::os::unix::fs::symlink(format!("/bin/{tool}"), bin.path().join(tool)).unwrap();
    }
    let site = page_site("", "```bash\necho one\n```\n\n```bash\necho two\n```\n");
    let run = site.run_command(site.command(&["test", "--no-cache"]).env("PATH", bin.path()));
    assert!(run.success, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.stderr.matches("snippets run without namespaces of their own").count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("can read the environment of primer's parent processes"), "{}", run.stderr);
}

#[test]
fn state_files_that_link_elsewhere_are_never_read_through() {
    let site = page_site("", "```python\nprint(1)\n```\n");
    std::fs::create_dir_all(site.path().join(".primer/cache")).unwrap();
    for cache in ["highlight.bin", "output.json", "search.json", "programs.json"] {
        std::os::unix::fs::symlink("/dev/zero", site.path().join(".primer/cache").join(cache)).unwrap();
    }
    // A cache that links away is ignored: the build finishes, and quickly.
    let mut build = site.command(&["build"]).stdout(std::process::Stdio::null()).spawn().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        if let Some(status) = build.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = build.kill();
            panic!("the build read a linked cache without end");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success());
    // The results, which are not a cache, are an error naming the file.
    std::os::unix::fs::symlink("/dev/zero", site.path().join(".primer/results.json")).unwrap();
    let run = site.run(&["build"]);
    assert!(!run.success);
    assert!(run.stderr.contains(".primer/results.json"), "{}", run.stderr);
    assert!(run.stderr.contains("is not a regular file"), "{}", run.stderr);
}
