//! Running the code blocks of one page.
//!
//! Blocks of one language run in order as one program, like the cells of a
//! notebook: the runner's separator prints a marker between blocks, and the
//! output is split at the markers so each block gets what it printed. A
//! page in `isolated` mode, a runner without a separator, and blocks marked
//! `should_fail` or expecting an exit status run alone. Every page works in
//! a temporary folder of its own, holding a copy of the files next to it.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::expect::{self, Normalizers};
use super::extract::{Snippet, Stream};
use super::preload;
use super::process::{self, Job, Outcome, Running};
use super::runners::{Runner, Runners, shell_quote};
use super::rustdoc;
use super::supervisor::{Orders, Sandbox, SandboxKind};
use crate::codeblock::canonical;
use crate::model::{Normalize, Page, TestMode};
use crate::paths::keep_output;
use crate::results::{BlockResult, RichOutput, Status, Tool, code_hash};

/// The files a program's preamble wrote to `folder` (`<block>-<n>.<ext>`),
/// moved into the store, by block position. Tables and SVG figures are
/// text, and have the `secrets` masked like printed output; a PNG cannot.
fn collect_rich(root: &Path, folder: &Path, blocks: usize, secrets: &[String]) -> Vec<Vec<RichOutput>> {
    let mut found: Vec<Vec<(usize, RichOutput)>> = vec![Vec::new(); blocks];
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let store = crate::paths::SitePaths::new(root).output_store();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((stem, kind)) = name.split_once('.') else { continue };
        let Some((block, n)) = stem.split_once('-') else { continue };
        let (Ok(block), Ok(n)) = (block.parse::<usize>(), n.parse::<usize>()) else { continue };
        if !matches!(kind, "png" | "svg" | "html" | "md") || block >= blocks {
            continue;
        }
        let masked = |bytes: Vec<u8>| match (kind, String::from_utf8(bytes)) {
            ("png", Ok(text)) => text.into_bytes(),
            (_, Ok(text)) => process::mask(&text, secrets).into_bytes(),
            (_, Err(not_text)) => not_text.into_bytes(),
        };
        let kept = std::fs::read(entry.path()).map(masked).and_then(|bytes| keep_output(&store, &bytes, kind));
        let file = match kept {
            Ok(file) => file,
            Err(error) => {
                // The block's result stands; only the figure is missing.
                eprintln!("warning: a figure or table of a block is not kept in {}: {error}", store.display());
                continue;
            }
        };
        found[block].push((n, RichOutput { kind: kind.to_owned(), file }));
    }
    found
        .into_iter()
        .map(|mut outputs| {
            outputs.sort_by_key(|(n, _)| *n);
            outputs.into_iter().map(|(_, output)| output).collect()
        })
        .collect()
}

/// The edition of `{edition}` in runner commands when a block names none.
const DEFAULT_EDITION: u16 = 2021;
/// The exit status of a Rust program that panicked.
const RUST_PANIC_STATUS: i32 = 101;

/// Limits and surroundings shared by every program of a run.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Bytes kept of each output stream.
    pub(crate) output_bytes: usize,
    /// Largest heap of a program, in bytes.
    pub(crate) memory: u64,
    /// Largest file a program may write, in bytes.
    pub(crate) file_size: u64,
    /// The environment of every program, but for `HOME` and `TMPDIR`,
    /// which lie in the page's working folder.
    pub(crate) env: Vec<(OsString, OsString)>,
    /// Values of variables passed through `[test] env`, shown as `***`.
    pub(crate) secrets: Vec<String>,
    /// The site's output normalisers, `[test] normalize`.
    pub(crate) normalize: Vec<Normalize>,
    /// What sandboxes programs, if anything: no network, read-only file
    /// system but for the page's folders.
    pub(crate) sandbox: Option<SandboxKind>,
    /// What a sandbox hides, and shows again read-only.
    pub(crate) sandbox_views: (Vec<PathBuf>, Vec<PathBuf>),
    /// Whether programs start in namespaces of their own.
    pub(crate) isolated: bool,
    /// Warm Python interpreters, when the python runner preloads modules.
    pub(crate) zygotes: Option<Arc<preload::Pool>>,
    pub(crate) running: Running,
}

/// One program to run: the blocks (indices into the page's snippets) it holds.
struct Program<'a> {
    runner: &'a Runner,
    blocks: Vec<usize>,
    kind: ProgramKind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ProgramKind {
    Run,
    Check,
}

/// Runs every runnable block of `page`; returns their results, and the
/// runners and Python packages its programs ran with.
pub(crate) fn run_page(
    root: &Path,
    page: &Page,
    snippets: &[Snippet],
    runners: &Runners,
    limits: &Limits,
) -> (Vec<BlockResult>, Vec<Tool>) {
    let mut results: Vec<BlockResult> = snippets.iter().map(pending).collect();
    let mut with = Vec::new();
    let Plan { programs, not_run } = plan(page, snippets, runners);
    for (i, reason) in not_run {
        results[i].status = Status::NotRun(reason);
    }
    if programs.is_empty() {
        return (results, with);
    }
    let dir = match Workspace::new(root, page, &limits.running) {
        Ok(dir) => dir,
        Err(error) => {
            for program in &programs {
                for &i in &program.blocks {
                    results[i].status = Status::Failed(format!("cannot create a working folder: {error}"));
                }
            }
            return (results, with);
        }
    };
    let normalizers = Normalizers::new(limits.normalize.iter().chain(&page.meta.normalize));
    let page_run = PageRun { root, page, snippets, workspace: &dir, limits, normalizers: &normalizers };
    for (n, program) in programs.iter().enumerate() {
        execute(&page_run, program, n, &mut results);
        if program.kind == ProgramKind::Run {
            // The preamble of a Python program says what it ran with.
            let told = super::provenance::python_tools(&workspace_rich_folder(&dir, n));
            if told.is_empty() {
                with.extend(super::provenance::runner_tool(program.runner));
            } else {
                with.extend(told);
            }
        }
    }
    (results, with)
}

/// Where the preamble of the `n`th program keeps figures, tables and
/// the versions it ran with.
fn workspace_rich_folder(workspace: &Workspace, n: usize) -> PathBuf {
    workspace.work().join(format!(".primer-outputs-{n}"))
}

/// The programs of `page` that build in the Cargo package of runner
/// `name` and name their own edition, by binary name.
pub(crate) fn bin_editions(page: &Page, snippets: &[Snippet], runners: &Runners, name: &str) -> Vec<(String, u16)> {
    plan(page, snippets, runners)
        .programs
        .iter()
        .enumerate()
        .filter(|(_, program)| program.runner.name == name)
        .filter_map(|(n, program)| {
            let edition = program.blocks.iter().find_map(|&i| snippets[i].attrs.edition)?;
            Some((super::cargo::bin_name(&page.source.rel, n), edition))
        })
        .collect()
}

fn pending(snippet: &Snippet) -> BlockResult {
    BlockResult {
        line: snippet.line,
        lang: snippet.lang.clone(),
        name: snippet.attrs.name.clone(),
        status: Status::NotRun(String::new()),
        stdout: String::new(),
        stderr: String::new(),
        diff: None,
        command: None,
        seconds: 0.0,
        code_hash: code_hash(&snippet.lang, &snippet.code),
        rich: Vec::new(),
    }
}

/// Which blocks of a page run, in which programs, and why the others do
/// not.
struct Plan<'a> {
    programs: Vec<Program<'a>>,
    /// Blocks that do not run, by index, and why.
    not_run: Vec<(usize, String)>,
}

/// Why a block does not run, if it does not.
fn why_not_run(page: &Page, snippet: &Snippet, runner: Option<&Runner>) -> Option<String> {
    match (&page.meta.test, runner) {
        (TestMode::Skip(reason), _) => Some(format!("page skipped: {reason}")),
        _ if snippet.lang.is_empty() => Some("no language".to_owned()),
        _ if snippet.attrs.ignore => Some("marked `ignore`".to_owned()),
        (_, None) => Some(format!("no runner for `{}`", snippet.lang)),
        (_, Some(runner)) if snippet.attrs.no_run && runner.check.is_none() => {
            Some(format!("`no_run`, and the {} runner has no check command", runner.name))
        }
        (_, Some(runner)) if snippet.attrs.compile_fail && runner.check.is_none() => {
            Some(format!("`compile_fail`, and the {} runner has no check command", runner.name))
        }
        _ => None,
    }
}

/// Decides which blocks run, in which programs, and why the others do not.
fn plan<'a>(page: &Page, snippets: &[Snippet], runners: &'a Runners) -> Plan<'a> {
    let mut programs: Vec<Program<'a>> = Vec::new();
    let mut not_run = Vec::new();
    // The session program of each language, by runner name.
    let mut sessions: HashMap<String, usize> = HashMap::new();
    for (i, snippet) in snippets.iter().enumerate() {
        let runner = runners.get(&snippet.lang);
        if let Some(reason) = why_not_run(page, snippet, runner) {
            not_run.push((i, reason));
            continue;
        }
        let Some(runner) = runner else { continue };
        let checked_only = snippet.attrs.no_run || snippet.attrs.compile_fail;
        let alone = checked_only
            || snippet.attrs.should_fail
            || snippet.attrs.should_panic
            || snippet.attrs.edition.is_some()
            || snippet.expected_exit().is_some()
            || runner.separator.is_none()
            || page.meta.test == TestMode::Isolated;
        let kind = if checked_only { ProgramKind::Check } else { ProgramKind::Run };
        match sessions.get(&runner.name) {
            Some(&index) if !alone => programs[index].blocks.push(i),
            _ => {
                if !alone {
                    sessions.insert(runner.name.clone(), programs.len());
                }
                programs.push(Program { runner, blocks: vec![i], kind });
            }
        }
    }
    Plan { programs, not_run }
}

/// The temporary folder of a page: `work/` holds copies of the files
/// next to the page and is where programs run, `home/` and `tmp/` are
/// their `HOME` and `TMPDIR`, and the supervisors' verdicts lie beside
/// them, out of the programs' reach when sandboxed.
struct Workspace {
    dir: tempfile::TempDir,
    running: Running,
}

impl Workspace {
    fn new(root: &Path, page: &Page, running: &Running) -> std::io::Result<Self> {
        let dir = running.new_folder()?;
        let workspace = Self { dir, running: running.clone() };
        for folder in [workspace.work(), workspace.home(), workspace.tmp()] {
            std::fs::create_dir(folder)?;
        }
        if let Some(folder) = root.join(&page.source.display).parent() {
            copy_siblings(folder, &workspace.work())?;
        }
        Ok(workspace)
    }

    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn tmp(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        // Removed before it is forgotten: a stop signal arriving meanwhile
        // still finds it on the list and removes whatever is left.
        let _ = std::fs::remove_dir_all(self.dir.path());
        self.running.remove_folder(self.dir.path());
    }
}

fn copy_siblings(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_file() && path.extension().is_none_or(|e| e != "md") {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// A program's source, and where each block starts in it (1-based line).
fn assemble(program: &Program<'_>, snippets: &[Snippet], marker: &str) -> (String, Vec<usize>) {
    let runner = program.runner;
    let mut source = String::new();
    let mut starts = Vec::new();
    let push = |source: &mut String, text: &str| {
        source.push_str(text);
        if !text.ends_with('\n') {
            source.push('\n');
        }
    };
    if !runner.prelude.is_empty() {
        push(&mut source, &runner.prelude);
    }
    for (position, &i) in program.blocks.iter().enumerate() {
        let snippet = &snippets[i];
        if let (Some(separator), ProgramKind::Run) = (&runner.separator, program.kind) {
            push(&mut source, &separator.replace("{marker}", &format!("{marker}{position}")));
        }
        let (code, inserted) = if runner.wrap_main {
            rustdoc::program(&snippet.code)
        } else {
            (crate::codeblock::program_text(&snippet.lang, &snippet.code), 0)
        };
        starts.push(source.lines().count() + 1 + inserted);
        push(&mut source, &code);
    }
    (source, starts)
}

/// What every program of a page shares.
struct PageRun<'a> {
    root: &'a Path,
    page: &'a Page,
    snippets: &'a [Snippet],
    workspace: &'a Workspace,
    limits: &'a Limits,
    normalizers: &'a Normalizers,
}

/// The environment of a program: the limits' own, its `HOME` and `TMPDIR`,
/// and for Python the folder where its preamble keeps figures and tables.
fn program_env(
    limits: &Limits,
    workspace: &Workspace,
    program: &Program<'_>,
    rich_folder: &Path,
) -> Vec<(OsString, OsString)> {
    let mut env = limits.env.clone();
    env.push(("HOME".into(), workspace.home().into()));
    env.push(("TMPDIR".into(), workspace.tmp().into()));
    if canonical(&program.runner.name) == "python"
        && program.kind == ProgramKind::Run
        && std::fs::create_dir_all(rich_folder).is_ok()
    {
        env.push(("PRIMER_OUTPUTS".into(), rich_folder.into()));
    }
    env
}

/// Where the `n`th program of a page is written, and the command that
/// runs it.
struct Launch {
    file: PathBuf,
    /// The program's binary in a Cargo package.
    bin: String,
    command: String,
}

fn launch(run: &PageRun<'_>, program: &Program<'_>, n: usize) -> Launch {
    let runner = program.runner;
    let dir = run.workspace.work();
    // In a Cargo package, the program is one of its binaries.
    let bin = super::cargo::bin_name(&run.page.source.rel, n);
    let file = match &runner.project {
        Some(project) => project.join("src").join("bin").join(format!("{bin}.rs")),
        None => dir.join(format!("{}-{n}.{}", canonical(&runner.name), runner.extension)),
    };
    let template = match program.kind {
        ProgramKind::Run => runner.command.as_str(),
        ProgramKind::Check => runner.check.as_deref().unwrap_or_default(),
    };
    let edition = program.blocks.iter().find_map(|&i| run.snippets[i].attrs.edition).unwrap_or(DEFAULT_EDITION);
    let command = template
        .replace("{file}", &quote(&file))
        .replace("{dir}", &quote(&dir))
        .replace("{edition}", &edition.to_string())
        .replace("{project}", &runner.project.as_deref().map(quote).unwrap_or_default())
        .replace("{bin}", &bin);
    Launch { file, bin, command }
}

/// What the supervisor is told for a program: its folder, time limit,
/// limits and sandbox.
fn orders(run: &PageRun<'_>, program: &Program<'_>, command: &str) -> Orders {
    let PageRun { workspace, limits, snippets, .. } = *run;
    let runner = program.runner;
    let dir = workspace.work();
    let timeout: Duration =
        program.blocks.iter().map(|&i| snippets[i].attrs.timeout.map_or(runner.timeout, Duration::from_secs)).sum();
    Orders {
        command: command.to_owned(),
        dir: dir.clone(),
        timeout,
        memory: limits.memory,
        file_size: limits.file_size,
        isolated: limits.isolated,
        parent: i32::try_from(std::process::id()).unwrap_or(i32::MAX),
        sandbox: limits.sandbox.map(|kind| Sandbox {
            kind,
            writable: [dir, workspace.home(), workspace.tmp()].into_iter().chain(runner.project.clone()).collect(),
            hidden: limits.sandbox_views.0.clone(),
            shown: limits.sandbox_views.1.clone(),
        }),
    }
}

fn execute(run: &PageRun<'_>, program: &Program<'_>, n: usize, results: &mut [BlockResult]) {
    let PageRun { root, page, snippets, workspace, limits, normalizers } = *run;
    let runner = program.runner;
    let marker = format!("@@primer-block-{}-", std::process::id());
    let (source, starts) = assemble(program, snippets, &marker);
    let Launch { file, bin, command } = launch(run, program, n);
    let rich_folder = workspace_rich_folder(workspace, n);
    let env = program_env(limits, workspace, program, &rich_folder);
    let job = Job {
        orders: orders(run, program, &command),
        env: &env,
        output_limit: limits.output_bytes,
        secrets: &limits.secrets,
    };
    let zygotes = limits.zygotes.as_ref().filter(|_| {
        canonical(&runner.name) == "python" && program.kind == ProgramKind::Run && page.meta.test != TestMode::Isolated
    });
    let outcome = std::fs::write(&file, &source).and_then(|()| match zygotes {
        Some(pool) => run_in_zygote(pool, &job, &file, workspace, n),
        None => process::run(&job, &limits.running),
    });
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            for &i in &program.blocks {
                results[i].status = Status::Failed(format!("cannot run `{command}`: {error}"));
            }
            return;
        }
    };
    // Cargo names a binary's source relative to its package.
    let names = [file.display().to_string(), format!("src/bin/{bin}.rs")];
    // What the program printed was masked as it was read (`read_capped`).
    let remap = |text: &str| {
        names.iter().fold(text.to_owned(), |text, name| {
            remap_lines(&text, name, &page.source.display, &starts, program, snippets)
        })
    };
    let stdout = split(&remap(&outcome.stdout), &marker, program.blocks.len());
    let stderr = split(&remap(&outcome.stderr), &marker, program.blocks.len());
    let reached = stdout.reached.max(stderr.reached);
    let seconds = outcome.elapsed.as_secs_f64() / program.blocks.len() as f64;
    let mut rich = collect_rich(root, &rich_folder, program.blocks.len(), &limits.secrets);
    for (position, &i) in program.blocks.iter().enumerate() {
        let result = &mut results[i];
        result.rich = rich.get_mut(position).map(std::mem::take).unwrap_or_default();
        result.command = Some(command.clone());
        result.seconds = seconds;
        result.stdout = stdout.parts.get(position).cloned().unwrap_or_default();
        result.stderr = stderr.parts.get(position).cloned().unwrap_or_default();
        let last = position + 1 == program.blocks.len();
        result.status = if program.kind == ProgramKind::Check {
            match (outcome.status, snippets[i].attrs.compile_fail) {
                (Some(0), false) => Status::Checked,
                (_, false) => Status::Failed("the check failed".to_owned()),
                (Some(0), true) => Status::Failed("`compile_fail`, but it compiled".to_owned()),
                (_, true) => Status::Passed,
            }
        } else if outcome_failed(&outcome) && position > reached.unwrap_or(0) {
            Status::NotRun("an earlier block in the session failed".to_owned())
        } else {
            let fails_here = outcome_failed(&outcome) && (position == reached.unwrap_or(0) || last);
            judge(&snippets[i], &outcome, fails_here, normalizers, result)
        };
    }
}

/// Runs a python program in a warm interpreter: the same file, folder,
/// environment, limits and time limit, its output through files.
fn run_in_zygote(
    pool: &preload::Pool,
    job: &Job<'_>,
    file: &Path,
    workspace: &Workspace,
    n: usize,
) -> std::io::Result<Outcome> {
    let started = Instant::now();
    let orders = &job.orders;
    let (stdout, stderr) = preload::output_files(workspace.dir.path(), n);
    let env =
        job.env.iter().map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned())).collect();
    let request = preload::Request {
        file,
        dir: &orders.dir,
        env,
        stdout: &stdout,
        stderr: &stderr,
        timeout: orders.timeout.as_secs_f64(),
        memory: orders.memory,
        file_size: orders.file_size,
        isolate: orders.isolated,
        uid: super::isolation::inner_ids().0,
        gid: super::isolation::inner_ids().1,
    };
    let verdict = pool.run(&request, job.env)?;
    let read = |path: &Path| {
        std::fs::File::open(path).map(|f| process::read_capped(f, job.output_limit, job.secrets)).unwrap_or_default()
    };
    Ok(Outcome {
        status: verdict.code,
        signal: verdict.signal,
        timed_out: verdict.timed_out,
        stdout: read(&stdout),
        stderr: read(&stderr),
        elapsed: started.elapsed(),
    })
}

fn outcome_failed(outcome: &Outcome) -> bool {
    outcome.timed_out || outcome.status != Some(0)
}

/// Decides a block's status from its output and the program's exit.
fn judge(
    snippet: &Snippet,
    outcome: &Outcome,
    ended_here: bool,
    normalizers: &Normalizers,
    result: &mut BlockResult,
) -> Status {
    let expected_exit = snippet.expected_exit();
    if outcome.timed_out && ended_here {
        return Status::Failed(format!("timed out after {:.0?}", outcome.elapsed));
    }
    if snippet.attrs.should_panic {
        if outcome.status != Some(RUST_PANIC_STATUS) {
            return Status::Failed(format!("`should_panic`, but it {}", ending(outcome)));
        }
    } else if snippet.attrs.should_fail || expected_exit.is_some() {
        match (expected_exit, outcome.status) {
            (Some(want), Some(got)) if want != got => {
                return Status::Failed(format!("exited with {got}, expected {want}"));
            }
            (None, Some(0)) => return Status::Failed("`should_fail`, but it exited with 0".to_owned()),
            _ => {}
        }
    } else if ended_here {
        return Status::Failed(ending(outcome));
    }
    for (stream, actual) in [(Stream::Stdout, &result.stdout), (Stream::Stderr, &result.stderr)] {
        if let Some(expected) = snippet.expected(stream) {
            let (wanted, actual) = (normalizers.apply(&expected.text), normalizers.apply(actual));
            if !expect::matches(&wanted, &actual) {
                result.diff = Some(expect::diff(&wanted, &actual));
                let name = if stream == Stream::Stdout { "stdout" } else { "stderr" };
                return Status::Failed(format!("{name} differs from the output block at line {}", expected.line));
            }
        }
    }
    Status::Passed
}

/// How a program that failed ended, in words.
fn ending(outcome: &Outcome) -> String {
    match (outcome.status, outcome.signal.map(nix::sys::signal::Signal::try_from)) {
        (Some(code), _) => format!("exited with {code}"),
        (None, Some(Ok(nix::sys::signal::Signal::SIGXFSZ))) => {
            "was killed by SIGXFSZ: it wrote a file larger than `file_size_limit_mib` allows".to_owned()
        }
        (None, Some(Ok(signal))) => format!("was killed by {signal}"),
        _ => "was killed".to_owned(),
    }
}

/// Output split at the markers: one part per block.
struct Parts {
    parts: Vec<String>,
    /// The last block whose marker was printed.
    reached: Option<usize>,
}

fn split(output: &str, marker: &str, count: usize) -> Parts {
    let mut parts = vec![String::new(); count.max(1)];
    let mut current = 0;
    let mut reached = None;
    for line in output.split_inclusive('\n') {
        if let Some(index) = line.trim_end().strip_prefix(marker).and_then(|n| n.parse::<usize>().ok()) {
            current = index.min(count.saturating_sub(1));
            reached = Some(current);
            continue;
        }
        parts[current].push_str(line);
    }
    Parts { parts, reached }
}

/// Points error messages at the page: `file.py", line 12` becomes
/// `content/page.md", line 40` (and likewise `file:12` and `file: line 12`).
fn remap_lines(
    text: &str,
    file: &str,
    display: &str,
    starts: &[usize],
    program: &Program<'_>,
    snippets: &[Snippet],
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(file) {
        out.push_str(&rest[..at]);
        rest = &rest[at + file.len()..];
        let (separator, after) = ["\", line ", ": line ", ":"]
            .iter()
            .find_map(|sep| rest.strip_prefix(sep).map(|after| (*sep, after)))
            .unwrap_or(("", rest));
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let mapped = after[..digits].parse::<usize>().ok().and_then(|line| {
            let position = starts.iter().rposition(|&start| start <= line)?;
            let snippet = &snippets[program.blocks[position]];
            Some(snippet.line + 1 + (line - starts[position]))
        });
        out.push_str(display);
        match mapped {
            Some(line) if digits > 0 => {
                out.push_str(separator);
                out.push_str(&line.to_string());
                rest = &after[digits..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

/// Quotes a path for `sh -c`.
fn quote(path: &Path) -> String {
    shell_quote(&path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_splits_at_markers() {
        let parts = split("pre\n@@m-0\na\n@@m-1\nb\nc\n", "@@m-", 2);
        assert_eq!(parts.parts, ["pre\na\n", "b\nc\n"]);
        assert_eq!(parts.reached, Some(1));
    }
}
