//! Runners: how the code blocks of each language are run.
//!
//! Built-in runners cover python, bash and sh, javascript (node) and rust
//! (compiled with rustc, wrapped in `fn main` when it has none, as rustdoc
//! does). `[test.runners.NAME]` in `book.toml` adds a runner or changes any
//! field of a built-in one. Language names are matched through aliases
//! (`py`, `js`, `rs`…).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::codeblock::canonical;
use crate::config::{Config, RunnerSettings};
use crate::diagnostic::{Diagnostic, did_you_mean};

/// The rust runner's commands when blocks build in a Cargo package:
/// `{project}` is the package folder, `{bin}` the block's binary.
const CARGO_RUN: &str = "cargo build --quiet --message-format=short --manifest-path {project}/Cargo.toml --bin {bin} \
     && {project}/target/debug/{bin}";
const CARGO_CHECK: &str = "cargo check --quiet --message-format=short --manifest-path {project}/Cargo.toml --bin {bin}";

/// Seconds a block may run unless its runner or the block says otherwise.
const DEFAULT_TIMEOUT: u64 = 60;

/// A resolved runner for one language.
#[derive(Debug, Clone)]
pub(crate) struct Runner {
    pub(crate) name: String,
    /// Shell command; `{file}` is the program, `{dir}` its folder,
    /// `{edition}` the block's Rust edition.
    pub(crate) command: String,
    /// Shell command that checks without running, for `no_run`.
    pub(crate) check: Option<String>,
    pub(crate) extension: String,
    pub(crate) prelude: String,
    pub(crate) timeout: Duration,
    /// Code printing `{marker}` on stdout and stderr; `None` runs every
    /// block alone.
    pub(crate) separator: Option<String>,
    /// Wrap blocks without `fn main` in one (rust).
    pub(crate) wrap_main: bool,
    /// A `Cargo.toml` whose dependencies the blocks use (rust), and the
    /// line of book.toml that names it.
    pub(crate) manifest: Option<(PathBuf, usize)>,
    /// The Cargo package the blocks build in, once prepared.
    pub(crate) project: Option<PathBuf>,
    /// Modules a warm interpreter imports once before forking each
    /// program (python); `None` for runners that start every program
    /// afresh.
    pub(crate) preload: Option<Vec<String>>,
    /// The real path of the program the command starts, once resolved.
    pub(crate) program: Option<String>,
    /// What that program says of itself (version, Python's import path),
    /// once resolved.
    pub(crate) about: super::programs::About,
}

impl Runner {
    /// Text that identifies the runner's behaviour, for the cache key.
    pub(crate) fn fingerprint(&self) -> String {
        format!(
            "{}\0{}\0{:?}\0{}\0{}\0{}\0{:?}\0{}\0{:?}",
            self.name,
            self.command,
            self.check,
            self.extension,
            self.prelude,
            self.timeout.as_secs(),
            self.separator,
            self.wrap_main,
            (
                self.manifest.as_ref().map(|(path, _)| std::fs::read(path).map(|b| blake3::hash(&b).to_hex()).ok()),
                &self.preload
            )
        )
    }
}

/// Before each Python block: the marker, printed by the preamble's
/// `__primer_next`, which also keeps the previous block's figures, or
/// printed here when the preamble is not there.
const PYTHON_SEPARATOR: &str = "(globals().get('__primer_next') or (lambda m: (print(m, flush=True), __import__('sys').stderr.write(m + '\\n'), __import__('sys').stderr.flush())))('{marker}')";

/// What Python blocks show besides their text: see `rich.py`.
const RICH_PREAMBLE: &str = include_str!("rich.py");

/// The preamble, told how many lines it has, so it can run the blocks
/// after it again without itself.
fn python_preamble() -> String {
    let lines = RICH_PREAMBLE.lines().count();
    RICH_PREAMBLE.replace("PRIMER_PREAMBLE_LINES = 0", &format!("PRIMER_PREAMBLE_LINES = {lines}"))
}

fn built_in(name: &str) -> Option<Runner> {
    let runner = |command: &str, check: &str, extension: &str, prelude: &str, separator: &str| Runner {
        name: name.to_owned(),
        command: command.to_owned(),
        check: Some(check.to_owned()),
        extension: extension.to_owned(),
        prelude: prelude.to_owned(),
        timeout: Duration::from_secs(DEFAULT_TIMEOUT),
        separator: Some(separator.to_owned()),
        wrap_main: false,
        manifest: None,
        project: None,
        preload: None,
        program: None,
        about: super::programs::About::default(),
    };
    Some(match name {
        // A warm interpreter forks each program: no start-up per page.
        "python" => Runner {
            preload: Some(Vec::new()),
            ..runner("python3 {file}", "python3 -m py_compile {file}", "py", &python_preamble(), PYTHON_SEPARATOR)
        },
        "bash" => runner("bash {file}", "bash -n {file}", "sh", "set -e", "echo '{marker}'; echo '{marker}' >&2"),
        "sh" => runner("sh {file}", "sh -n {file}", "sh", "set -e", "echo '{marker}'; echo '{marker}' >&2"),
        "javascript" => runner(
            "node {file}",
            "node --check {file}",
            "js",
            "",
            "console.log('{marker}'); console.error('{marker}');",
        ),
        "rust" => Runner {
            separator: None,
            wrap_main: true,
            ..runner(
                "rustc --edition {edition} -A warnings -o {dir}/main {file} && {dir}/main",
                "rustc --edition {edition} -A warnings --emit=metadata -o {dir}/main.rmeta {file}",
                "rs",
                "",
                "",
            )
        },
        _ => return None,
    })
}

/// Every runner of a site: the built-in ones, changed and extended by
/// `[test.runners]`.
#[derive(Debug)]
pub(crate) struct Runners {
    by_name: BTreeMap<String, Runner>,
}

impl Runners {
    pub(crate) fn new(config: &Config) -> Result<Self, Vec<Diagnostic>> {
        let mut by_name: BTreeMap<String, Runner> = ["python", "bash", "sh", "javascript", "rust"]
            .into_iter()
            .filter_map(|name| built_in(name).map(|r| (name.to_owned(), r)))
            .collect();
        let mut problems = Vec::new();
        for (name, settings) in &config.test.runners {
            let name = canonical(name).to_owned();
            if settings.command.is_some() && settings.preload.as_ref().is_some_and(|modules| !modules.is_empty()) {
                problems.push(
                    config
                        .problem_at_key("preload", format!("`preload` and `command` do not combine in [test.runners.{name}]"))
                        .with_hint(
                            "a warm interpreter is the runner's own program, not the one a command starts: remove \
                             `preload`, or remove `command` and put your interpreter first on PATH (activate the virtualenv)",
                        ),
                );
            }
            match merge(by_name.remove(&name), &name, settings) {
                Some(mut runner) => {
                    if let Some(manifest) = &settings.manifest {
                        let line = config.line_of(manifest).unwrap_or(1);
                        if !config.root.join(manifest).is_file() {
                            problems.push(
                                config
                                    .problem_at(line, manifest, format!("manifest `{manifest}` not found"))
                                    .with_hint("give the path of a Cargo.toml, relative to book.toml"),
                            );
                        }
                        runner.manifest = Some((config.root.join(manifest), line));
                        if settings.command.is_none() {
                            runner.command = CARGO_RUN.to_owned();
                        }
                        if settings.check.is_none() {
                            runner.check = Some(CARGO_CHECK.to_owned());
                        }
                    }
                    by_name.insert(name, runner);
                }
                None => problems.push(
                    Diagnostic::file(config.config_path(), format!("runner `{name}` has no `command`"))
                        .with_hint("add `command = \"…{file}\"` under [test.runners.NAME]"),
                ),
            }
        }
        if let Some(seconds) = config.test.timeout {
            for runner in
                by_name.values_mut().filter(|r| config.test.runners.get(&r.name).is_none_or(|s| s.timeout.is_none()))
            {
                runner.timeout = Duration::from_secs(seconds);
            }
        }
        let runners = Self { by_name };
        for (lang, line) in &config.test.require {
            if runners.get(lang).is_none() {
                let mut problem =
                    config.problem_at(*line, lang, format!("`require` names `{lang}`, which has no runner"));
                problem = match runners.suggest(lang) {
                    Some(best) => problem.with_hint(format!("did you mean `{best}`?")),
                    None => problem.with_hint(format!("add a [test.runners.{lang}] table with a `command`")),
                };
                problems.push(problem);
            }
        }
        if problems.is_empty() { Ok(runners) } else { Err(problems) }
    }

    /// The runner for an info-string language.
    pub(crate) fn get(&self, lang: &str) -> Option<&Runner> {
        self.by_name.get(canonical(lang))
    }

    /// Replaces the program each runner of `langs` starts (`python3`,
    /// `node`, `rustc`…) by its real path, found once per run from the
    /// site root with the snippets' environment (see `programs`): a
    /// version manager's shim (pyenv, asdf, rustup) is then paid at most
    /// once, not once per page. A program that cannot be found stays as
    /// written, to fail with the shell's own message.
    pub(crate) fn resolve_programs<'a>(
        &mut self,
        root: &Path,
        env: &[(OsString, OsString)],
        langs: impl IntoIterator<Item = &'a str>,
    ) {
        let mut names: Vec<String> = langs.into_iter().map(|lang| canonical(lang).to_owned()).collect();
        names.sort();
        names.dedup();
        let mut finder = super::programs::Finder::new(root, env);
        let mut found: BTreeMap<String, Option<super::programs::Found>> = BTreeMap::new();
        for name in names {
            let Some(runner) = self.by_name.get_mut(&name) else { continue };
            if runner.program.is_some() {
                continue;
            }
            for command in std::iter::once(&mut runner.command).chain(runner.check.as_mut()) {
                let Some(program) = command.split_whitespace().next().map(str::to_owned) else { continue };
                let real = found.entry(program.clone()).or_insert_with(|| finder.real(&program));
                if let Some(real) = real {
                    *command = format!("{}{}", shell_quote(&real.real), &command[program.len()..]);
                    if runner.program.is_none() {
                        runner.program = Some(real.real.clone());
                        runner.about = real.about.clone();
                    }
                }
            }
        }
        finder.save();
    }

    /// Runners whose blocks build in a Cargo package (`manifest`), with
    /// their names.
    pub(crate) fn with_manifest(&self) -> impl Iterator<Item = (&str, &Path, usize)> {
        self.by_name
            .iter()
            .filter_map(|(name, r)| r.manifest.as_ref().map(|(path, line)| (name.as_str(), path.as_path(), *line)))
    }

    /// Records the prepared Cargo package of runner `name`.
    pub(crate) fn set_project(&mut self, name: &str, project: PathBuf) {
        if let Some(runner) = self.by_name.get_mut(name) {
            runner.project = Some(project);
        }
    }

    /// A runner name close to a misspelled language.
    pub(crate) fn suggest(&self, lang: &str) -> Option<&str> {
        let names = self.by_name.keys().map(String::as_str).chain(["py", "js", "rs", "node", "shell"]);
        did_you_mean(lang, names)
    }
}

/// Quotes a word for `sh -c`.
pub(crate) fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

fn merge(base: Option<Runner>, name: &str, settings: &RunnerSettings) -> Option<Runner> {
    let mut runner = match base {
        Some(runner) => runner,
        None => Runner {
            name: name.to_owned(),
            command: settings.command.clone()?,
            check: None,
            extension: name.to_owned(),
            prelude: String::new(),
            timeout: Duration::from_secs(DEFAULT_TIMEOUT),
            separator: None,
            wrap_main: false,
            manifest: None,
            project: None,
            preload: None,
            program: None,
            about: super::programs::About::default(),
        },
    };
    if let Some(command) = &settings.command {
        runner.command.clone_from(command);
    }
    if settings.check.is_some() {
        runner.check.clone_from(&settings.check);
    }
    if let Some(extension) = &settings.extension {
        runner.extension = extension.trim_start_matches('.').to_owned();
    }
    if let Some(prelude) = &settings.prelude {
        runner.prelude.clone_from(prelude);
    }
    if let Some(seconds) = settings.timeout {
        runner.timeout = Duration::from_secs(seconds);
    }
    if settings.separator.is_some() {
        runner.separator.clone_from(&settings.separator);
    }
    // A command of one's own runs as written; an empty `preload` list
    // asks for a fresh interpreter per program.
    if settings.command.is_some() {
        runner.preload = None;
    }
    if let Some(preload) = &settings.preload {
        runner.preload = (!preload.is_empty()).then(|| preload.clone());
    }
    Some(runner)
}
