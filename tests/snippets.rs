//! `primer test` on small sites: snippets run, their output is checked,
//! and failures name the page and line.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TestSite, processes_with};

const CONFIG: &str = "[site]\ntitle = \"Snippets\"\n";

/// A site with one recipe holding `body`.
fn site_with(body: &str) -> TestSite {
    let site = TestSite::empty();
    site.write("book.toml", CONFIG);
    site.write("content/recipes/page.md", format!("---\ntitle: Page\nsummary: S\n---\n{body}"));
    site
}

fn test(site: &TestSite, args: &[&str]) -> common::Run {
    let mut all = vec!["test", "-j", "2"];
    all.extend_from_slice(args);
    site.run(&all)
}

#[test]
fn passing_blocks_in_every_built_in_language() {
    let site = site_with(
        "```python\nprint(6 * 7)\n```\n\n```output\n42\n```\n\n\
         ```bash\necho \"$((6 * 7))\"\n```\n\n```output\n42\n```\n\n\
         ```sh\nexpr 6 \\* 7\n```\n\n```output\n42\n```\n\n\
         ```javascript\nconsole.log(6 * 7)\n```\n\n```output\n42\n```\n\n\
         ```rust\nprintln!(\"{}\", 6 * 7);\n```\n\n```output\n42\n```\n",
    );
    let run = test(&site, &[]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("5 passed, 0 failed, 0 skipped"), "{}", run.stdout);
}

#[test]
fn failing_blocks_in_every_built_in_language_name_page_and_line() {
    let site = site_with(
        "```python\nraise SystemExit(3)\n```\n\n\
         ```bash\nfalse\n```\n\n\
         ```sh\nexit 4\n```\n\n\
         ```javascript\nthrow new Error('boom')\n```\n\n\
         ```rust\nlet x: u32 = \"not a number\";\n```\n",
    );
    let run = test(&site, &[]);
    assert!(!run.success);
    assert!(run.stdout.contains("0 passed, 5 failed, 0 skipped"), "{}", run.stdout);
    for line in [5, 9, 13, 17, 21] {
        assert!(run.stdout.contains(&format!("--> content/recipes/page.md:{line}\n")), "line {line}:\n{}", run.stdout);
    }
    // Errors point at the page, not at the temporary program.
    assert!(run.stdout.contains("content/recipes/page.md:18"), "node's stack trace is remapped:\n{}", run.stdout);
}

#[test]
fn blocks_of_a_page_share_a_session_unless_the_page_is_isolated() {
    let body = "```python\ngreeting = 'hi'\n```\n\nText.\n\n```python\nprint(greeting)\n```\n\n```output\nhi\n```\n";
    let site = site_with(body);
    let run = test(&site, &[]);
    assert!(run.success, "{}", run.stdout);
    assert!(run.stdout.contains("2 passed, 0 failed"), "{}", run.stdout);
    let isolated = site_with(body);
    isolated.write("content/recipes/page.md", format!("---\ntitle: Page\nsummary: S\ntest: isolated\n---\n{body}"));
    let run = test(&isolated, &[]);
    assert!(!run.success);
    assert!(run.stdout.contains("NameError: name 'greeting' is not defined"), "{}", run.stdout);
    assert!(run.stdout.contains("--> content/recipes/page.md:12"), "{}", run.stdout);
}

#[test]
fn a_failure_stops_the_session_and_later_blocks_are_listed_as_not_run() {
    let site = site_with("```python\nprint('a')\n```\n\n```python\n1 / 0\n```\n\n```python\nprint('c')\n```\n");
    let run = test(&site, &[]);
    assert!(!run.success);
    assert!(run.stdout.contains("1 passed, 1 failed, 1 skipped"), "{}", run.stdout);
    assert!(
        run.stdout.contains("content/recipes/page.md:13 python: an earlier block in the session failed"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("ZeroDivisionError"), "{}", run.stdout);
}

#[test]
fn ignore_no_run_and_should_fail() {
    let site = site_with(
        "```python ignore\nthis is not python\n```\n\n\
         ```python no_run\nimport module_that_does_not_exist\n```\n\n\
         ```python no_run\ndef broken(:\n```\n\n\
         ```bash should_fail\nexit 1\n```\n\n\
         ```bash should_fail\ntrue\n```\n",
    );
    let run = test(&site, &[]);
    assert!(!run.success);
    // ignore: not run; no_run: compiles (ok) or not (fail); should_fail: the
    // one that fails passes, the one that succeeds fails.
    assert!(run.stdout.contains("2 passed, 2 failed, 1 skipped"), "{}", run.stdout);
    assert!(run.stdout.contains("content/recipes/page.md:5 python: marked `ignore`"), "{}", run.stdout);
    assert!(run.stdout.contains("--> content/recipes/page.md:13"), "{}", run.stdout);
    assert!(run.stdout.contains("`should_fail`, but it exited with 0"), "{}", run.stdout);
}

#[test]
fn hidden_lines_run_but_are_not_rendered() {
    let site = site_with("```python\n#~ import math\nprint(math.floor(2.5))\n```\n\n```output\n2\n```\n");
    let run = test(&site, &[]);
    assert!(run.success, "{}", run.stdout);
    site.build();
    let page = site.html("recipes/page/index.html");
    let code = page.texts("code.language-python").join("\n");
    assert!(code.contains("print(math.floor(2.5))"), "{code}");
    assert!(!code.contains("import math"), "hidden line is not shown: {code}");
}

#[test]
fn expected_output_supports_ellipsis_streams_and_exit_codes_with_a_diff_on_mismatch() {
    let site = site_with(
        "```python\nimport sys\nprint('start')\nfor i in range(3): print(i)\nprint('end')\nprint('warn', file=sys.stderr)\n```\n\n\
         ```output\nstart\n...\nend\n```\n\n```output stderr\nwarn\n```\n\n\
         ```sh\necho out; exit 3\n```\n\n```output exit=3\nout\n```\n\n\
         ```python\nprint('actual')\n```\n\n```output\nexpected\n```\n",
    );
    let run = test(&site, &[]);
    assert!(!run.success);
    assert!(run.stdout.contains("2 passed, 1 failed"), "{}", run.stdout);
    assert!(run.stdout.contains("stdout differs from the output block at line 35"), "{}", run.stdout);
    assert!(run.stdout.contains("-expected\n") && run.stdout.contains("+actual\n"), "{}", run.stdout);
}

#[test]
fn bless_rewrites_only_mismatching_output_blocks() {
    let body = "Intro  with  odd   spacing.\n\n```python\nprint('new value')\n```\n\n```output\nold value\n```\n\n\
                ```python\nprint('kept')\n```\n\n```output\n...\n```\n\nOutro.\n";
    let site = site_with(body);
    let before = std::fs::read_to_string(site.path().join("content/recipes/page.md")).unwrap();
    let run = test(&site, &["--bless"]);
    assert!(run.success, "{}", run.stdout);
    let after = std::fs::read_to_string(site.path().join("content/recipes/page.md")).unwrap();
    assert_eq!(after, before.replace("old value", "new value"));
    let run = test(&site, &["--no-cache"]);
    assert!(run.success, "{}", run.stdout);
}

#[test]
fn unknown_attribute_and_misspelled_language_are_errors_with_suggestions() {
    let site = site_with("```python shuold_fail\nx\n```\n\n```pyhton\nprint(1)\n```\n");
    let run = test(&site, &[]);
    assert!(!run.success);
    assert!(run.stderr.contains("unknown code block attribute `shuold_fail`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/recipes/page.md:5:1"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `should_fail`?"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown language `pyhton`"), "{}", run.stderr);
    assert!(run.stderr.contains("content/recipes/page.md:9:4"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `python`?"), "{}", run.stderr);
}

#[test]
fn a_timeout_kills_the_block_and_everything_it_started() {
    let site =
        site_with("```bash timeout=1\nsleep 31337 &\nsleep 31338\n```\n\n```python\nprint('other pages go on')\n```\n");
    let started = std::time::Instant::now();
    let run = test(&site, &[]);
    assert!(!run.success);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(run.stdout.contains("timed out after"), "{}", run.stdout);
    assert!(run.stdout.contains("1 passed, 1 failed"), "{}", run.stdout);
    assert_eq!(processes_with("sleep 3133"), Vec::<String>::new(), "no snippet process survives");
}

#[test]
fn an_output_flood_is_capped_with_a_note() {
    let site = site_with("```bash\nyes primer | head -c 5000000\n```\n");
    site.write("book.toml", format!("{CONFIG}\n[test]\noutput_limit = 1000\n"));
    let run = test(&site, &[]);
    assert!(run.success, "{}", run.stdout);
    site.build();
    let html = site.read("recipes/page/index.html");
    // The cap counts the session's block markers too, so the exact count
    // varies by a few bytes.
    assert!(html.contains("[primer: output truncated, 49990"), "the note reaches the page");
    assert!(html.len() < 100_000, "the page holds the capped output only");
}

#[test]
fn a_language_without_a_runner_is_listed_and_an_error_when_required() {
    let site = site_with("```ruby\nputs 1\n```\n");
    let run = test(&site, &[]);
    assert!(run.success, "{}", run.stdout);
    assert!(run.stdout.contains("content/recipes/page.md:5 ruby: no runner for `ruby`"), "{}", run.stdout);
    assert!(run.stdout.contains("0 passed, 0 failed, 1 skipped"), "{}", run.stdout);
    site.write("book.toml", format!("{CONFIG}\n[test]\nrequire = [\"ruby\"]\n"));
    let run = test(&site, &[]);
    assert!(!run.success);
    assert!(run.stderr.contains("`require` names `ruby`, which has no runner"), "{}", run.stderr);
    assert!(run.stderr.contains("book.toml:5:"), "{}", run.stderr);
    // A runner from book.toml makes it runnable.
    site.write(
        "book.toml",
        format!(
            "{CONFIG}\n[test]\nrequire = [\"ruby\"]\n[test.runners.ruby]\ncommand = \"sh -c 'echo ran {{file}}'\"\n"
        ),
    );
    let run = test(&site, &[]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("1 passed"), "{}", run.stdout);
}

#[test]
fn the_cache_skips_unchanged_pages_and_an_edit_runs_them_again() {
    let site = site_with("```python\nprint('x')\n```\n");
    assert!(!test(&site, &[]).stdout.contains("cached"));
    let second = test(&site, &[]);
    assert!(second.stdout.contains("ok   content/recipes/page.md (1 passed, 0 failed, cached"), "{}", second.stdout);
    site.write("content/recipes/page.md", "---\ntitle: Page\nsummary: S\n---\n```python\nprint('y')\n```\n");
    assert!(!test(&site, &[]).stdout.contains("cached"));
    assert!(!test(&site, &["--no-cache"]).stdout.contains("cached"));
}

#[test]
fn junit_report_has_a_test_case_per_block() {
    let site = site_with("```python\nprint(1)\n```\n\n```python\n1/0\n```\n\n```toml\na = 1\n```\n");
    let run = test(&site, &["--junit", "report.xml"]);
    assert!(!run.success);
    let xml = std::fs::read_to_string(site.path().join("report.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("3"));
    assert_eq!(root.attribute("failures"), Some("1"));
    assert_eq!(root.attribute("skipped"), Some("1"));
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), 3);
    assert!(cases.iter().all(|c| c.attribute("classname") == Some("content/recipes/page.md")));
    assert_eq!(cases[1].children().filter(|n| n.has_tag_name("failure")).count(), 1);
    assert_eq!(cases[2].children().filter(|n| n.has_tag_name("skipped")).count(), 1);
    assert!(cases.iter().all(|c| c.attribute("time").is_some_and(|t| t.parse::<f64>().is_ok())));
}

#[test]
fn built_pages_show_captured_output_and_when_they_were_verified() {
    let site = site_with("```python\nprint('from the run')\n```\n");
    let run = test(&site, &[]);
    assert!(run.success, "{}", run.stdout);
    site.build();
    let page = site.html("recipes/page/index.html");
    assert_eq!(page.texts(".output-block.captured samp"), ["from the run"]);
    let verified = page.texts(".verified");
    assert_eq!(verified.len(), 1);
    assert!(verified[0].starts_with("Verified on 20"), "{verified:?}");
    site.write("content/recipes/page.md", "---\ntitle: Page\nsummary: S\n---\n```python\nraise SystemExit(1)\n```\n");
    assert!(!test(&site, &[]).success);
    site.build();
    assert_eq!(site.html("recipes/page/index.html").count(".verify-failed"), 1);
}

#[test]
fn shards_split_pages_without_overlap() {
    let site = TestSite::empty();
    site.write("book.toml", CONFIG);
    for n in 0..6 {
        site.write(
            &format!("content/recipes/p{n}.md"),
            format!("---\ntitle: P{n}\nsummary: S\n---\n```python\nprint({n})\n```\n"),
        );
    }
    let mut seen = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let run = test(&site, &["--no-cache", "--shard", shard]);
        assert!(run.success, "{}", run.stdout);
        seen.extend(
            run.stdout
                .lines()
                .filter(|l| l.starts_with("ok "))
                .map(|l| l.split_whitespace().nth(1).unwrap().to_owned()),
        );
    }
    seen.sort();
    let expected: Vec<String> = (0..6).map(|n| format!("content/recipes/p{n}.md")).collect();
    assert_eq!(seen, expected);
    assert!(!test(&site, &["--shard", "4/3"]).success);
}

/// Starts `primer test` on `site`, waits until `needle` runs below it,
/// sends `signal` and returns the exit code, the processes primer had
/// started, and the temporary folder primer used.
fn stop_with(site: &TestSite, signal: nix::sys::signal::Signal, needle: &str) -> (Option<i32>, Vec<(u32, String)>) {
    let tmp = site.path().join(".tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut child = site
        .command(&["test", "--no-cache"])
        .env("TMPDIR", &tmp)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut started = common::descendants(child.id());
    while !started.iter().any(|(_, cmd)| cmd.contains(needle)) {
        assert!(std::time::Instant::now() < deadline, "the snippet never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
        started = common::descendants(child.id());
    }
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap());
    nix::sys::signal::kill(pid, signal).unwrap();
    let status = child.wait().unwrap();
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "working folders left behind: {left:?}");
    (status.code(), started)
}

#[test]
fn ctrl_c_stops_every_snippet_process() {
    let site = site_with("```bash\nsleep 31339 &\nsetsid sleep 31341 &\nsleep 31340\n```\n");
    let (code, started) = stop_with(&site, nix::sys::signal::Signal::SIGINT, "sleep 31340");
    assert_eq!(code, Some(130));
    assert!(started.iter().any(|(_, cmd)| cmd.contains("sleep 31339")), "{started:?}");
    assert_eq!(common::still_running(&started), Vec::new(), "nothing primer started is left running");
}

#[test]
fn sigterm_and_sighup_stop_every_snippet_process_like_ctrl_c() {
    for signal in [nix::sys::signal::Signal::SIGTERM, nix::sys::signal::Signal::SIGHUP] {
        let site = site_with("```bash\n(setsid sleep 31342 &)\nsleep 31343\n```\n");
        let (code, started) = stop_with(&site, signal, "sleep 31343");
        assert_eq!(code, Some(130), "{signal}");
        assert_eq!(common::still_running(&started), Vec::new(), "{signal}: nothing is left running");
    }
}

#[test]
fn paths_and_filter_choose_pages_and_update_durations_records_them() {
    let site = TestSite::empty();
    site.write("book.toml", CONFIG);
    site.write("content/recipes/alpha.md", "---\ntitle: A\nsummary: S\n---\n```python\nprint(1)\n```\n");
    site.write("content/recipes/beta.md", "---\ntitle: B\nsummary: S\n---\n```python name=setup\nprint(2)\n```\n");
    site.write("content/tutorials/gamma.md", "---\ntitle: G\nsummary: S\n---\n```python\nprint(3)\n```\n");
    let ran = |run: &common::Run| -> Vec<String> {
        run.stdout
            .lines()
            .filter(|l| l.starts_with("ok "))
            .map(|l| l.split_whitespace().nth(1).unwrap().to_owned())
            .collect()
    };
    let run = test(&site, &["--no-cache", "content/recipes"]);
    assert_eq!(ran(&run), ["content/recipes/alpha.md", "content/recipes/beta.md"]);
    let run = test(&site, &["--no-cache", "content/tutorials/gamma.md"]);
    assert_eq!(ran(&run), ["content/tutorials/gamma.md"]);
    let run = test(&site, &["--no-cache", "--filter", "setup"]);
    assert_eq!(ran(&run), ["content/recipes/beta.md"], "a block name matches");
    assert!(!site.path().join(".primer/durations.json").exists());
    let run = test(&site, &["--no-cache", "--update-durations"]);
    assert!(run.success, "{}", run.stdout);
    let durations: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.path().join(".primer/durations.json")).unwrap()).unwrap();
    let pages: Vec<&String> = durations.as_object().unwrap().keys().collect();
    assert_eq!(pages, ["recipes/alpha.md", "recipes/beta.md", "tutorials/gamma.md"]);
    assert!(durations["recipes/alpha.md"].as_f64().unwrap() > 0.0);
}

#[test]
fn rustdoc_fences_editions_should_panic_compile_fail_and_question_marks() {
    let site = site_with(
        "```rust,edition2015\nlet async = 1;\nprintln!(\"{}\", async);\n```\n\n```output\n1\n```\n\n\
         ```rust,should_panic\npanic!(\"boom\");\n```\n\n\
         ```rust,should_panic\nlet quiet = 1;\n```\n\n\
         ```rust,compile_fail\nlet x: i32 = \"text\";\n```\n\n\
         ```rust compile_fail\nlet fine = 1;\n```\n\n\
         ```rust,no_run\nloop {}\n```\n\n\
         ```rust\n#![allow(unused)]\n# use std::collections::HashMap;\nlet n: i32 = \"4\".parse()?;\nprintln!(\"{n}\");\n```\n\n\
         ```output\n4\n```\n",
    );
    let run = test(&site, &["--no-cache"]);
    assert!(run.stdout.contains("5 passed, 2 failed"), "{}", run.stdout);
    assert!(run.stdout.contains("`should_panic`, but it exited with 0"), "{}", run.stdout);
    assert!(run.stdout.contains("`compile_fail`, but it compiled"), "{}", run.stdout);
    assert!(run.stdout.contains("content/recipes/page.md:18"), "the quiet block is named: {}", run.stdout);
    let site = site_with("```rust,edition2019\nfn main() {}\n```\n");
    let run = test(&site, &[]);
    assert!(!run.success);
    assert!(run.stderr.contains("unknown code block attribute `edition2019`"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `edition20"), "{}", run.stderr);
}

#[test]
fn normalizers_from_book_toml_and_front_matter_rewrite_output_before_comparing() {
    let site = TestSite::empty();
    site.write("book.toml", format!("{CONFIG}\n[test]\nnormalize = [{{ regex = '0x[0-9a-f]+', replace = '0x…' }}]\n"));
    site.write(
        "content/recipes/page.md",
        "---\ntitle: Page\nsummary: S\nnormalize:\n  - regex: 'took \\d+ ms'\n    replace: took N ms\n---\n\
         ```python\nimport random\nprint(hex(id(object())))\nprint(f'took {random.randint(10, 99)} ms')\n```\n\n\
         ```output\n0xdeadbeef\ntook 0 ms\n```\n",
    );
    let run = test(&site, &["--no-cache"]);
    assert!(run.success, "{}", run.stdout);
    assert!(run.stdout.contains("1 passed, 0 failed"), "{}", run.stdout);
    site.write("book.toml", format!("{CONFIG}\n[test]\nnormalize = [{{ regex = '0x[0-9a-f+', replace = '' }}]\n"));
    let run = test(&site, &[]);
    assert!(!run.success);
    assert!(run.stderr.contains("`normalize` regex does not compile"), "{}", run.stderr);
    assert!(run.stderr.contains("book.toml:5:25"), "{}", run.stderr);
    assert!(run.stderr.contains("unclosed character class"), "{}", run.stderr);
}

#[test]
fn a_version_manager_shim_is_asked_once_per_run_not_once_per_page() {
    let real =
        std::process::Command::new("python3").args(["-c", "import sys; print(sys.executable)"]).output().unwrap();
    let real = String::from_utf8(real.stdout).unwrap().trim().to_owned();
    let site = TestSite::empty();
    site.write("book.toml", CONFIG);
    for n in 0..4 {
        site.write(
            format!("content/recipes/p{n}.md").as_str(),
            "---\ntitle: P\nsummary: S\n---\n```python\nprint(1)\n```\n",
        );
    }
    let bin = site.path().join("shims");
    let count = site.path().join("shim-calls");
    site.write("shims/python3", format!("#!/bin/sh\necho call >> '{}'\nexec '{real}' \"$@\"\n", count.display()));
    std::fs::set_permissions(bin.join("python3"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let run = site.run_command(site.command(&["test", "--no-cache", "-j", "2"]).env("PATH", path));
    assert!(run.stdout.contains("4 passed, 0 failed"), "{}\n{}", run.stdout, run.stderr);
    assert_eq!(std::fs::read_to_string(&count).unwrap().lines().count(), 1, "the shim runs once, to find python");
}

/// Modification times of the compiled dependencies of a Cargo package.
fn compiled_dependencies(site: &TestSite) -> Vec<(String, std::time::SystemTime)> {
    let deps = site.path().join(".primer/rust/target/debug/deps");
    let mut found: Vec<(String, std::time::SystemTime)> = std::fs::read_dir(deps)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".rlib"))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().modified().unwrap()))
        .collect();
    found.sort();
    found
}

#[test]
fn rust_blocks_use_the_manifests_crates_built_once_and_kept() {
    // `editions.md` holds an `edition2015` block that only compiles as
    // Rust 2015, in a crate of edition 2021.
    let site = TestSite::fixture("rust-crates");
    let run = test(&site, &["--no-cache"]);
    assert!(run.stdout.contains("3 passed, 0 failed"), "{}\n{}", run.stdout, run.stderr);
    let built = compiled_dependencies(&site);
    let names: Vec<&str> = built.iter().map(|(n, _)| n.as_str()).collect();
    for name in ["libitoa", "libfastrand", "libwidgets"] {
        assert!(names.iter().any(|n| n.starts_with(name)), "{name} in {names:?}");
    }
    let run = test(&site, &["--no-cache"]);
    assert!(run.stdout.contains("3 passed, 0 failed"), "{}", run.stdout);
    assert_eq!(compiled_dependencies(&site), built, "a second run compiles no dependency again");
    // A compile error names the page and line.
    site.write("content/recipes/broken.md", "---\ntitle: B\nsummary: S\n---\n\n```rust\nlet n: i32 = \"text\";\n```\n");
    let run = test(&site, &["--no-cache", "content/recipes/broken.md"]);
    assert!(run.stdout.contains("0 passed, 1 failed"), "{}", run.stdout);
    assert!(run.stdout.contains("content/recipes/broken.md:7:"), "{}", run.stdout);
    assert!(run.stdout.contains("mismatched types"), "{}", run.stdout);
}

#[test]
fn a_missing_manifest_is_an_error_at_its_line_for_test_and_check() {
    let site = site_with("```rust\nprintln!(\"hi\");\n```\n");
    site.write("book.toml", format!("{CONFIG}\n[test.runners.rust]\nmanifest = \"crate/Cargo.toml\"\n"));
    for command in ["test", "check"] {
        let run = site.run(&[command]);
        assert!(!run.success, "{command}");
        assert!(run.stderr.contains("manifest `crate/Cargo.toml` not found"), "{command}: {}", run.stderr);
        assert!(run.stderr.contains("book.toml:5:13"), "{command}: {}", run.stderr);
    }
}

#[test]
fn preloaded_python_forks_a_fresh_child_per_page_and_a_crash_fails_alone() {
    let site = TestSite::empty();
    site.write("book.toml", format!("{CONFIG}\n[test.runners.python]\npreload = [\"json\", \"decimal\"]\n"));
    let page = |name: &str, body: &str| {
        site.write(&format!("content/recipes/{name}.md"), format!("---\ntitle: {name}\nsummary: S\n---\n{body}"));
    };
    // Pages that would see each other's state if it leaked.
    for n in 0..3 {
        page(
            &format!("state{n}"),
            "```python\nimport json, os, sys\nprint(hasattr(json, 'leak'), os.environ.get('LEAK'), 'decimal' in sys.modules)\n\
             json.leak = 1\nos.environ['LEAK'] = '1'\n```\n\n```output\nFalse None True\n```\n\n\
             ```python\nprint(json.leak)\n```\n\n```output\n1\n```\n",
        );
    }
    page("crash", "```python\nimport ctypes\nctypes.string_at(0)\n```\n");
    page("slow", "```python timeout=1\nimport time\ntime.sleep(30)\n```\n");
    page(
        "cwd",
        "```python\nimport os\nopen('here.txt', 'w').write('x')\nprint(os.path.basename(os.getcwd()))\n```\n\n```output\nwork\n```\n",
    );
    let started = std::time::Instant::now();
    let run = test(&site, &["--no-cache"]);
    assert!(run.stdout.contains("7 passed, 2 failed"), "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("was killed by SIGSEGV"), "the crash fails its page only: {}", run.stdout);
    assert!(run.stdout.contains("timed out after"), "{}", run.stdout);
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "{:?}", started.elapsed());
}

#[test]
fn a_stop_ends_preloaded_programs_and_what_they_started() {
    let site =
        site_with("```python\nimport subprocess, time\nsubprocess.Popen(['sleep', '31346'])\ntime.sleep(60)\n```\n");
    site.write("book.toml", format!("{CONFIG}\n[test.runners.python]\npreload = [\"json\"]\n"));
    let (code, started) = stop_with(&site, nix::sys::signal::Signal::SIGTERM, "sleep 31346");
    assert_eq!(code, Some(130));
    assert_eq!(common::still_running(&started), Vec::new(), "nothing primer started is left running");
}

#[test]
fn a_preloaded_program_ends_as_a_fresh_interpreter_ends_it() {
    let site = TestSite::empty();
    let page = |name: &str, body: &str| {
        site.write(&format!("content/recipes/{name}.md"), format!("---\ntitle: {name}\nsummary: S\n---\n{body}"));
    };
    // Threads still running are joined and atexit functions run before
    // the end; `sys.exit` with a message fails with the message.
    page(
        "ending",
        "```python\nimport atexit, threading, time\natexit.register(lambda: print('atexit ran'))\n\
         def later():\n    time.sleep(0.2)\n    print('thread done')\n\
         threading.Thread(target=later).start()\nprint('main done')\n```\n\n\
         ```output\nmain done\nthread done\natexit ran\n```\n",
    );
    page("exiting", "```python\nimport sys\nsys.exit('stopped on purpose')\n```\n");
    let mut outcomes = Vec::new();
    for preload in ["[\"json\"]", "[]"] {
        site.write("book.toml", format!("{CONFIG}\n[test.runners.python]\npreload = {preload}\n"));
        let run = test(&site, &["--no-cache"]);
        assert!(run.stdout.contains("1 passed, 1 failed"), "{preload}: {}\n{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("stopped on purpose"), "{preload}: {}", run.stdout);
        outcomes.push(run.stdout.lines().filter(|l| l.contains("ending") || l.contains("exiting")).count());
    }
    assert_eq!(outcomes[0], outcomes[1]);
}
