//! One small helper for integration tests: a site in a temporary folder,
//! built by the real `primer` binary, with output that tests can query.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::needless_pass_by_value)]

pub mod browser;
pub mod cookbook;
pub mod serve;
pub mod server;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

/// A site in a temporary folder.
pub struct TestSite {
    dir: tempfile::TempDir,
}

/// What a run of `primer` printed, with the temporary path masked as
/// `[ROOT]` and timings as `[TIME]`.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        let site = Self::empty();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        copy_dir(&from, site.path());
        site
    }

    /// An empty folder.
    pub fn empty() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file of the site, creating folders as needed.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Self {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        std::fs::remove_file(self.path().join(rel)).unwrap();
        self
    }

    /// `primer` with `args`, to run in the site folder.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_primer"));
        command.args(args).current_dir(self.path()).env("NO_COLOR", "1");
        command
    }

    /// Runs `primer` with `args` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_command(&mut self.command(args))
    }

    /// Runs a command made by [`TestSite::command`], masking its output.
    pub fn run_command(&self, command: &mut Command) -> Run {
        let output = command.output().unwrap();
        let mask = |bytes: &[u8]| mask(&String::from_utf8_lossy(bytes), self.path());
        Run { success: output.status.success(), stdout: mask(&output.stdout), stderr: mask(&output.stderr) }
    }

    /// Builds the site and fails the test if the build fails.
    pub fn build(&self) -> Run {
        let run = self.run(&["build"]);
        assert!(run.success, "build failed:\n{}", run.stderr);
        run
    }

    /// Builds the site and fails the test if the build succeeds.
    pub fn build_fails(&self) -> Run {
        let run = self.run(&["build"]);
        assert!(!run.success, "build succeeded but should fail:\n{}", run.stdout);
        run
    }

    pub fn out(&self, rel: &str) -> PathBuf {
        self.path().join("public").join(rel)
    }

    /// A file of the built site as text.
    /// A source file of the site (`book.toml`, `content/…`).
    pub fn read_source(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.out(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// A page of the built site, parsed.
    pub fn html(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.read(rel)))
    }

    /// Every file of the output and its bytes, and every folder, to compare
    /// two builds.
    pub fn output_snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let root = self.path().join("public");
        walkdir::WalkDir::new(&root)
            .min_depth(1)
            .into_iter()
            .map(Result::unwrap)
            .map(|e| {
                let rel = e.path().strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                // Folders count too: a failed build must not leave new ones.
                if e.file_type().is_dir() {
                    (format!("{rel}/"), Vec::new())
                } else {
                    (rel, std::fs::read(e.path()).unwrap())
                }
            })
            .collect()
    }
}

/// Builds the `basic` fixture, breaks it with `edit`, then runs each of
/// `commands` and checks that it fails without a panic, that its stderr
/// holds every `expected` fragment, and that the first build's output is
/// byte-for-byte unchanged. Returns the site and the first command's
/// stderr.
pub fn refused(edit: impl FnOnce(&TestSite), commands: &[&str], expected: &[&str]) -> (TestSite, String) {
    let site = TestSite::fixture("basic");
    site.build();
    let before = site.output_snapshot();
    edit(&site);
    let mut first = None;
    for command in commands {
        let run = site.run(&[command]);
        assert!(!run.success, "`primer {command}` succeeded:\n{}", run.stdout);
        for fragment in expected {
            assert!(run.stderr.contains(fragment), "`primer {command}`: expected {fragment:?} in:\n{}", run.stderr);
        }
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        first.get_or_insert(run.stderr);
    }
    let after = site.output_snapshot();
    // Paths first, so a stray file shows by its name.
    assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>(), "no file or folder comes or goes");
    assert!(after == before, "the previous output must stay as it was");
    (site, first.unwrap_or_default())
}

/// A parsed HTML page with CSS-selector queries.
pub struct Page(pub Html);

impl Page {
    /// Text of every element matching `selector`, whitespace collapsed.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        self.0
            .select(&selector)
            .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// Value of `attr` on every element matching `selector`.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let selector = Selector::parse(selector).unwrap();
        self.0.select(&selector).filter_map(|e| e.value().attr(attr).map(str::to_owned)).collect()
    }

    pub fn count(&self, selector: &str) -> usize {
        self.0.select(&Selector::parse(selector).unwrap()).count()
    }

    /// Inner HTML of the first element matching `selector`.
    pub fn inner(&self, selector: &str) -> String {
        let selector = Selector::parse(selector).unwrap();
        self.0.select(&selector).next().map(|e| e.inner_html()).unwrap_or_default()
    }
}

/// Command lines of the running processes that contain `needle`.
pub fn processes_with(needle: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " "))
        .filter(|cmd| cmd.contains(needle))
        .collect()
}

/// The processes below `pid` with their command lines, read from /proc.
pub fn descendants(pid: u32) -> Vec<(u32, String)> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(child) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some(end) = stat.rfind(')') else { continue };
        if let Some(parent) = stat[end + 1..].split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
            parents.push((child, parent));
        }
    }
    let mut found = Vec::new();
    let mut queue = vec![pid];
    while let Some(next) = queue.pop() {
        for &(child, _) in parents.iter().filter(|(_, parent)| *parent == next) {
            found.push((child, cmdline(child)));
            queue.push(child);
        }
    }
    found
}

/// Those of `processes` that still run the same command (a reused pid
/// runs another; a zombie has none).
pub fn still_running(processes: &[(u32, String)]) -> Vec<(u32, String)> {
    processes.iter().filter(|(pid, cmd)| !cmd.is_empty() && cmdline(*pid) == *cmd).cloned().collect()
}

fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " ").trim_end().to_owned())
        .unwrap_or_default()
}

fn mask(text: &str, root: &Path) -> String {
    let mut masked = text.replace(&root.display().to_string(), "[ROOT]");
    // "in 12.34ms" → "in [TIME]"
    while let Some(start) = masked.find(" in ").map(|i| i + 4) {
        let end = masked[start..].find(' ').map_or(masked.len(), |i| start + i);
        if !masked[start..end].starts_with(|c: char| c.is_ascii_digit()) {
            break;
        }
        masked.replace_range(start..end, "[TIME]");
    }
    masked
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Whether bubblewrap is installed; where it is not, says the test is
/// skipped, and fails it under `CI=true`, which must install it.
pub fn bubblewrap_installed() -> bool {
    if Command::new("bwrap").arg("--version").output().is_ok() {
        return true;
    }
    assert!(std::env::var_os("CI").is_none(), "CI must install bubblewrap");
    eprintln!("skipped: bubblewrap is not installed");
    false
}

/// Whether `python3` can import `modules` (`"matplotlib, pandas"`); under
/// `CI=true` it must (`.ci/run` installs them), elsewhere the caller skips.
pub fn python_can_import(modules: &str) -> bool {
    let found = std::process::Command::new("python3")
        .args(["-c", &format!("import {modules}")])
        .status()
        .is_ok_and(|status| status.success());
    assert!(found || std::env::var("CI").is_err(), "python3 cannot import {modules} under CI");
    if !found {
        eprintln!("skipped: python3 cannot import {modules}");
    }
    found
}
