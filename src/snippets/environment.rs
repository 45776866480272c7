//! The environment snippets run in: only what a program needs to start,
//! never the rest of primer's environment, where tokens and passwords
//! live.
//!
//! Programs get `PATH` (with this primer's folder first), the locale and
//! time zone, the variables that tell version managers and toolchains
//! where they live (rustup, pyenv, a virtualenv…), `PRIMER_TEST=1`, and
//! the variables `[test] env` names. `HOME` and `TMPDIR` are set per page,
//! inside its working folder. Values passed through `[test] env` are
//! masked as `***` in captured output, so they reach neither
//! `.primer/results.json` nor the built pages.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::config::Config;

/// Passed on as they are, when set: locale, time zone and where
/// toolchains are installed. None of them is a secret.
const PASSED: [&str; 16] = [
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "RUSTUP_HOME",
    "CARGO_HOME",
    "RUSTUP_TOOLCHAIN",
    "PYENV_ROOT",
    "PYENV_VERSION",
    "VIRTUAL_ENV",
    "CONDA_PREFIX",
    "NVM_DIR",
    "NODE_PATH",
    "JAVA_HOME",
    "GOROOT",
    "PYTHONPATH",
];

/// Toolchain homes that default to a folder of `HOME`: with `HOME` moved
/// into the working folder, they are set to where they really are.
const HOME_DEFAULTS: [(&str, &str); 3] =
    [("RUSTUP_HOME", ".rustup"), ("CARGO_HOME", ".cargo"), ("PYENV_ROOT", ".pyenv")];

/// Values shorter than this are not masked: they cannot be secrets, and
/// masking them would garble ordinary output.
const SHORTEST_SECRET: usize = 4;

/// The environment of every program (but `HOME` and `TMPDIR`), and the
/// values to mask.
pub(crate) fn base(config: &Config) -> (Vec<(OsString, OsString)>, Vec<String>) {
    build(config, |name| std::env::var_os(name))
}

fn build(config: &Config, lookup: impl Fn(&str) -> Option<OsString>) -> (Vec<(OsString, OsString)>, Vec<String>) {
    let mut env: Vec<(OsString, OsString)> = Vec::new();
    let mut set = |name: &str, value: OsString| {
        env.retain(|(k, _)| k != OsStr::new(name));
        env.push((name.into(), value));
    };
    set("PATH", search_path(lookup("PATH").unwrap_or_default()));
    set("LANG", "C.UTF-8".into());
    set("TZ", "UTC".into());
    if let Some(home) = lookup("HOME").map(PathBuf::from) {
        for (name, folder) in HOME_DEFAULTS {
            if home.join(folder).is_dir() {
                set(name, home.join(folder).into());
            }
        }
    }
    for name in PASSED {
        if let Some(value) = lookup(name) {
            set(name, value);
        }
    }
    set("PYTHONUNBUFFERED", "1".into());
    set("PRIMER_TEST", "1".into());
    let mut secrets = Vec::new();
    for name in &config.test.env {
        if let Some(value) = lookup(name) {
            if let Some(text) = value.to_str().filter(|t| t.len() >= SHORTEST_SECRET) {
                secrets.push(text.to_owned());
            }
            set(name, value);
        }
    }
    // Longest first, so a secret that holds another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    (env, secrets)
}

/// Variables that name where a toolchain lives.
const TOOLCHAIN_FOLDERS: [&str; 8] =
    ["RUSTUP_HOME", "CARGO_HOME", "PYENV_ROOT", "VIRTUAL_ENV", "CONDA_PREFIX", "NVM_DIR", "JAVA_HOME", "GOROOT"];

/// What a sandbox hides, and what of that it shows again read-only.
/// Hidden: the user's real home (credentials, keys, agent sockets) and
/// `/run` (the sockets of services). Shown again: where the programs'
/// `PATH` and toolchain variables point (the first folder below the
/// hidden one: `~/.pyenv`, `~/.cargo`), and the site itself.
pub(crate) fn sandbox_views(env: &[(OsString, OsString)], root: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let home = std::env::var_os("HOME").map(PathBuf::from).filter(|h| h.is_absolute() && h.parent().is_some());
    let hidden: Vec<PathBuf> = home
        .into_iter()
        .chain([PathBuf::from("/run")])
        .filter(|dir| dir.is_dir())
        .map(|d| crate::paths::resolved(&d))
        .collect();
    let named = env.iter().flat_map(|(name, value)| match name.to_str() {
        Some("PATH") => std::env::split_paths(value).collect(),
        Some(name) if TOOLCHAIN_FOLDERS.contains(&name) => vec![PathBuf::from(value)],
        _ => Vec::new(),
    });
    let mut shown: Vec<PathBuf> = named
        .filter(|dir| dir.is_absolute())
        .map(|dir| crate::paths::resolved(&dir))
        .filter_map(|dir| {
            let inside = hidden.iter().find_map(|h| dir.strip_prefix(h).ok().map(|rest| (h, rest.to_path_buf())))?;
            let first = inside.1.components().next()?;
            Some(inside.0.join(first))
        })
        .collect();
    let root = crate::paths::resolved(root);
    if hidden.iter().any(|h| root.starts_with(h)) {
        shown.push(root);
    }
    shown.sort();
    shown.dedup();
    shown.retain(|dir| dir.exists());
    (hidden, shown)
}

/// `PATH` with this primer's own folder first, so snippets that run
/// `primer` get the same one that is testing them.
fn search_path(current: OsString) -> OsString {
    let Some(dir) = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf)) else {
        return current;
    };
    std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(&current))).unwrap_or(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_named_variables_pass_and_their_values_are_secrets() {
        let mut config = crate::config::tests::minimal();
        config.test.env = vec!["API_TOKEN".to_owned(), "SHORT".to_owned()];
        let outside = |name: &str| match name {
            "PATH" => Some("/usr/bin".into()),
            "AWS_SECRET_ACCESS_KEY" => Some("hunter2hunter2".into()),
            "API_TOKEN" => Some("tok-123456".into()),
            "SHORT" => Some("ab".into()),
            "LANG" => Some("de_DE.UTF-8".into()),
            _ => None,
        };
        let (env, secrets) = build(&config, outside);
        let names: Vec<&str> = env.iter().map(|(k, _)| k.to_str().expect("utf-8")).collect();
        assert!(!names.contains(&"AWS_SECRET_ACCESS_KEY"), "{names:?}");
        assert!(names.contains(&"API_TOKEN") && names.contains(&"SHORT"), "{names:?}");
        let lang = env.iter().find(|(k, _)| k == "LANG").map(|(_, v)| v.clone());
        assert_eq!(lang, Some("de_DE.UTF-8".into()));
        assert_eq!(secrets, ["tok-123456"]);
    }
}
