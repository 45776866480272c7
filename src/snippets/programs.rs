//! The real program behind a runner's command, found once and remembered.
//!
//! `python3` on `PATH` is often a version manager's shim (pyenv, asdf,
//! mise) that takes a fifth of a second to pick an interpreter. primer
//! asks once per run (python for its `sys.executable`, rustc for its
//! sysroot) and keeps the answer in `.primer/cache/programs.json`. The
//! answer is reused while everything a shim reads to choose is
//! unchanged: the snippets' environment, the file found on `PATH`, the
//! answer itself, and the version files of common managers
//! (`.python-version`, `.tool-versions`, `rust-toolchain.toml`… in the
//! site root and above it, pyenv's global `version`, rustup's
//! `settings.toml`). Anything else asks again.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// Files a version manager reads to choose a toolchain, looked for in the
/// site root and each folder above it.
const VERSION_FILES: [&str; 8] = [
    ".python-version",
    ".tool-versions",
    ".mise.toml",
    "mise.toml",
    "rust-toolchain",
    "rust-toolchain.toml",
    ".node-version",
    ".nvmrc",
];

/// Python's executable, version and import path, a line each.
const PYTHON_ABOUT: &str =
    "import sys, platform; print(sys.executable); print(platform.python_version()); print('\\n'.join(sys.path))";

/// The first version number in a program's `--version` text:
/// `cargo 1.83.0 (5ffbef321 2024-10-29)` → `1.83.0`.
pub(crate) fn version_in(text: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '+'))
        .map(|word| word.trim_start_matches('v'))
        .find(|word| {
            let mut parts = word.split('.');
            parts.next().is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                && parts.next().is_some_and(|p| p.bytes().next().is_some_and(|b| b.is_ascii_digit()))
        })
        .map(str::to_owned)
}

/// One remembered answer, and what it depended on.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Answer {
    real: String,
    watched: Vec<(PathBuf, Option<(u64, u128)>)>,
    /// Absent in answers of older primers, which are asked again.
    #[serde(default)]
    about: Option<About>,
}

/// What a program says of itself: its version, and for Python the
/// folders it imports from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct About {
    /// `3.11.7`, `1.83.0`: the first version number the program prints
    /// for `--version`.
    pub(crate) version: Option<String>,
    /// Python's `sys.path`, absolute folders only.
    pub(crate) paths: Vec<String>,
}

/// A program found: its real path, and what it says of itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) real: String,
    pub(crate) about: About,
}

/// Finds real programs for one run, reading and writing the cache once.
pub(crate) struct Finder<'a> {
    root: &'a Path,
    env: &'a [(OsString, OsString)],
    answers: BTreeMap<String, Answer>,
    changed: bool,
}

impl<'a> Finder<'a> {
    pub(crate) fn new(root: &'a Path, env: &'a [(OsString, OsString)]) -> Self {
        let answers = crate::paths::read_state(
            &crate::paths::SitePaths::new(root).programs_cache(),
            crate::paths::MAX_STATE_FILE,
        )
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
        Self { root, env, answers, changed: false }
    }

    /// The real path of `program` as the snippets would start it, and
    /// its version; `None` when it cannot be found, or is written as a
    /// path or with shell syntax.
    pub(crate) fn real(&mut self, program: &str) -> Option<Found> {
        if program.contains(['/', '\'', '"', '$', '{']) {
            return None;
        }
        let key = self.key(program);
        let on_path = self.on_path(program)?;
        if let Some(answer) = self.answers.get(&key)
            && let Some(about) = &answer.about
            && answer.watched == self.watched(&on_path, Path::new(&answer.real))
        {
            return Some(Found { real: answer.real.clone(), about: about.clone() });
        }
        let (real, about) = self.ask(program)?;
        let watched = self.watched(&on_path, Path::new(&real));
        self.answers.insert(key, Answer { real: real.clone(), watched, about: Some(about.clone()) });
        self.changed = true;
        Some(Found { real, about })
    }

    /// Writes the answers found, when any is new. A cache that cannot be
    /// written only costs the next run a question.
    pub(crate) fn save(self) {
        if !self.changed {
            return;
        }
        let path = crate::paths::SitePaths::new(self.root).programs_cache();
        if let Ok(text) = serde_json::to_vec_pretty(&self.answers) {
            let _ = crate::paths::write_state(&path, &text);
        }
    }

    /// The program and the environment it is asked in.
    fn key(&self, program: &str) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(program.as_bytes());
        hasher.update(self.root.as_os_str().as_encoded_bytes());
        for (name, value) in self.env {
            hasher.update(b"\0");
            hasher.update(name.as_encoded_bytes());
            hasher.update(b"=");
            hasher.update(value.as_encoded_bytes());
        }
        format!("{program} {}", &hasher.finalize().to_hex()[..16])
    }

    fn var(&self, name: &str) -> Option<&OsString> {
        self.env.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The file `program` names on the snippets' `PATH`.
    fn on_path(&self, program: &str) -> Option<PathBuf> {
        let path = self.var("PATH").cloned().unwrap_or_default();
        std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| candidate.is_file())
    }

    /// Asks the program itself where it really is, and its version.
    fn ask(&self, program: &str) -> Option<(String, About)> {
        let output = |args: &[&str]| -> Option<(String, String)> {
            let output = Command::new(program)
                .args(args)
                .current_dir(self.root)
                .env_clear()
                .envs(self.env.iter().map(|(k, v)| (k, v)))
                .stdin(Stdio::null())
                .output()
                .ok()?;
            let stdout = String::from_utf8(output.stdout).ok()?;
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            output.status.success().then(|| (stdout.trim().to_owned(), stderr))
        };
        // An answer is what the program prints: a shim's warnings on
        // stderr are not part of it.
        let run = |args: &[&str]| output(args).map(|(stdout, _)| stdout);
        // Some programs print their version on stderr (Python 2).
        let version =
            || output(&["--version"]).and_then(|(stdout, stderr)| version_in(&stdout).or_else(|| version_in(&stderr)));
        let (real, about) = match program {
            "python" | "python3" => {
                let text = run(&["-c", PYTHON_ABOUT])?;
                let mut lines = text.lines();
                let real = PathBuf::from(lines.next()?);
                let version = lines.next().map(str::to_owned);
                let paths = lines.filter(|line| Path::new(line).is_absolute()).map(str::to_owned).collect();
                (real, About { version, paths })
            }
            "rustc" => {
                let real = run(&["--print", "sysroot"]).map(|sysroot| Path::new(&sysroot).join("bin").join("rustc"))?;
                (real, About { version: version(), paths: Vec::new() })
            }
            _ => (self.on_path(program)?, About { version: version(), paths: Vec::new() }),
        };
        (real.is_absolute() && real.is_file()).then(|| (real.to_string_lossy().into_owned(), about))
    }

    /// The files whose change may change the answer, with their
    /// modification times and sizes (`None` when absent).
    fn watched(&self, on_path: &Path, real: &Path) -> Vec<(PathBuf, Option<(u64, u128)>)> {
        let home = |var: &str, default: &str| {
            self.var(var).map(PathBuf::from).or_else(|| std::env::home_dir().map(|home| home.join(default)))
        };
        let mut files = vec![on_path.to_path_buf(), real.to_path_buf()];
        files.extend(home("PYENV_ROOT", ".pyenv").map(|dir| dir.join("version")));
        files.extend(home("RUSTUP_HOME", ".rustup").map(|dir| dir.join("settings.toml")));
        files.extend(std::env::home_dir().map(|dir| dir.join(".tool-versions")));
        for dir in self.root.ancestors() {
            files.extend(VERSION_FILES.iter().map(|name| dir.join(name)));
        }
        files
            .into_iter()
            .map(|file| {
                let stamp = std::fs::metadata(&file).ok().map(|meta| {
                    let modified = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok());
                    (meta.len(), modified.map_or(0, |d| d.as_nanos()))
                });
                (file, stamp)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shim that counts its starts and answers with `target`.
    fn shim(dir: &Path, target: &Path) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).expect("bin");
        let shim = bin.join("python3");
        let script = format!("#!/bin/sh\necho run >> {}/starts\necho {}\n", dir.display(), target.display());
        std::fs::write(&shim, script).expect("shim");
        std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        bin
    }

    #[test]
    fn a_shim_is_asked_once_until_a_version_file_changes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir(&root).expect("site");
        let target = dir.path().join("python3.12");
        std::fs::write(&target, "").expect("target");
        let bin = shim(dir.path(), &target);
        let env = vec![(OsString::from("PATH"), bin.into_os_string())];
        let starts = || std::fs::read_to_string(dir.path().join("starts")).unwrap_or_default().lines().count();
        let find = || {
            let mut finder = Finder::new(&root, &env);
            let real = finder.real("python3").map(|found| found.real);
            finder.save();
            real
        };
        assert_eq!(find().as_deref(), Some(target.to_str().expect("utf-8")));
        assert_eq!(find().as_deref(), Some(target.to_str().expect("utf-8")));
        assert_eq!(starts(), 1, "the second run reuses the answer");
        std::fs::write(root.join(".python-version"), "3.11\n").expect("version file");
        assert_eq!(find().as_deref(), Some(target.to_str().expect("utf-8")));
        assert_eq!(starts(), 2, "a new version file asks again");
        let other = vec![(OsString::from("PYENV_VERSION"), OsString::from("3.10")), env[0].clone()];
        // The answer is checked too: a start that failed (say, a fork
        // refused on a loaded machine) shows as `None`, not as a cache hit.
        let found = Finder::new(&root, &other).real("python3").map(|found| found.real);
        assert_eq!(found.as_deref(), Some(target.to_str().expect("utf-8")));
        assert_eq!(starts(), 3, "another environment asks again");
    }

    #[test]
    fn paths_and_shell_syntax_are_left_as_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut finder = Finder::new(dir.path(), &[]);
        assert_eq!(finder.real("/usr/bin/python3"), None);
        assert_eq!(finder.real("$PYTHON"), None);
        assert_eq!(finder.real("no-such-program-here"), None);
    }

    #[test]
    fn a_shims_warnings_on_stderr_are_not_part_of_its_answer() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("python3.12");
        std::fs::write(&target, "").expect("target");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).expect("bin");
        let shim = bin.join("python3");
        let script = format!(
            "#!/bin/sh\necho '/opt/shim/python3: warning: its settings are old' >&2\necho {}\necho 3.12.1\n",
            target.display()
        );
        std::fs::write(&shim, script).expect("shim");
        std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let env = vec![(OsString::from("PATH"), bin.into_os_string())];
        let found = Finder::new(dir.path(), &env).real("python3").expect("found");
        assert_eq!(found.real, target.to_str().expect("utf-8"));
        assert_eq!(found.about.version.as_deref(), Some("3.12.1"));
        assert!(found.about.paths.is_empty(), "{:?}", found.about.paths);
    }

    #[test]
    fn a_version_is_the_first_version_number_printed() {
        assert_eq!(version_in("Python 3.11.7").as_deref(), Some("3.11.7"));
        assert_eq!(version_in("cargo 1.83.0 (5ffbef321 2024-10-29)").as_deref(), Some("1.83.0"));
        assert_eq!(version_in("v20.11.1").as_deref(), Some("20.11.1"));
        assert_eq!(version_in("GNU bash, version 5.2.15(1)-release").as_deref(), Some("5.2.15"));
        assert_eq!(version_in("sh: illegal option"), None);
    }
}
