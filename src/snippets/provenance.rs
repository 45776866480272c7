//! What a page's results depend on, beyond its own code: the runners and
//! their versions, the packages and crates the page uses, lockfiles, and
//! the input files named in `[test] inputs` or the page's `inputs:`.
//!
//! Each is one named part of the page's cache key ([`Parts`]), so a
//! change to any of them reruns the page and `--explain` can say which
//! changed. After a run, the page's record names the runners, packages
//! and crates it ran with ([`Tool`]), which the build shows as "Verified
//! on … with …".

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::runners::Runner;
use crate::results::Tool;

/// The parts of a page's cache key, by what they are: `runner python`,
/// `block at line 12`, `package pandas`, `input data/train.csv`… Values
/// are short descriptions or hashes, compared by `--explain`.
pub(crate) type Parts = BTreeMap<String, String>;

/// The cache key made of `parts`.
pub(crate) fn key(parts: &Parts) -> String {
    let mut hasher = blake3::Hasher::new();
    for (name, value) in parts {
        hasher.update(name.as_bytes()).update(b"\0").update(value.as_bytes()).update(b"\0");
    }
    hasher.finalize().to_hex()[..32].to_owned()
}

/// A short hash of some bytes, for parts whose text is long.
pub(crate) fn short_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..12].to_owned()
}

/// Lockfiles and manifests a Python page depends on, in the site root,
/// besides `requirements*.txt`.
const PYTHON_LOCKFILES: [&str; 4] = ["uv.lock", "poetry.lock", "Pipfile.lock", "pyproject.toml"];

/// The lockfiles of the Python environment in the site root, with the
/// hash of each.
pub(crate) fn python_lockfiles(root: &Path) -> Vec<(String, String)> {
    let mut names: BTreeSet<String> = PYTHON_LOCKFILES.iter().map(|name| (*name).to_owned()).collect();
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("requirements") && name.ends_with(".txt") {
            names.insert(name);
        }
    }
    names
        .into_iter()
        .filter_map(|name| std::fs::read(root.join(&name)).ok().map(|bytes| (name, short_hash(&bytes))))
        .collect()
}

/// How a runner is shown to readers: `Python`, `Rust`.
pub(crate) fn runner_label(name: &str) -> String {
    match crate::codeblock::canonical(name) {
        "python" => "Python".to_owned(),
        "rust" => "Rust".to_owned(),
        "javascript" => "Node.js".to_owned(),
        "bash" => "Bash".to_owned(),
        other => other.to_owned(),
    }
}

/// The runner as a tool a page ran with, when its version is known.
pub(crate) fn runner_tool(runner: &Runner) -> Option<Tool> {
    let version = runner.about.version.clone()?;
    Some(Tool { name: runner_label(&runner.name), version, kind: "runner".to_owned() })
}

/// A Python distribution's name as pip compares them: `Scikit_Learn` and
/// `scikit-learn` are one.
fn normalized(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The distributions installed where a Python interpreter imports from
/// (`paths`, its `sys.path`), by normalized name: read from the names of
/// their metadata folders (`pandas-2.2.3.dist-info`), the first on the
/// path winning, as imports do. No interpreter is started.
pub(crate) fn installed(paths: &[String]) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for dir in paths {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(stem) = name.strip_suffix(".dist-info").or_else(|| name.strip_suffix(".egg-info")) else {
                continue;
            };
            let mut parts = stem.split('-');
            let (Some(dist), Some(version)) = (parts.next(), parts.next()) else { continue };
            found.entry(normalized(dist)).or_insert_with(|| version.to_owned());
        }
    }
    found
}

/// The installed version of a distribution, or `not installed`.
pub(crate) fn installed_version(installed: &BTreeMap<String, String>, name: &str) -> String {
    installed.get(&normalized(name)).cloned().unwrap_or_else(|| "not installed".to_owned())
}

/// What a Python program's preamble wrote: the interpreter's version and
/// the packages its imports named. A file a program wrote itself is read
/// as carefully as any: bounded, and only plain names and versions.
pub(crate) fn python_tools(folder: &Path) -> Vec<Tool> {
    #[derive(serde::Deserialize)]
    struct Written {
        python: String,
        #[serde(default)]
        packages: BTreeMap<String, String>,
    }
    let path = folder.join("versions.json");
    let Ok(bytes) = crate::paths::read_state(&path, 64 * 1024) else { return Vec::new() };
    let Ok(written) = serde_json::from_slice::<Written>(&bytes) else { return Vec::new() };
    let mut tools = vec![Tool { name: "Python".to_owned(), version: written.python, kind: "runner".to_owned() }];
    tools.extend(written.packages.into_iter().map(|(name, version)| Tool { name, version, kind: "python".to_owned() }));
    tools.retain(Tool::is_plain);
    tools
}

/// The crates of a Cargo manifest that snippets may use, by the name
/// code writes (`serde_json`), with their package names.
#[derive(Debug, Clone, Default)]
pub(crate) struct Crates {
    /// Code name → package name.
    names: BTreeMap<String, String>,
    /// Package name → the versions of it and of every crate it depends
    /// on, from the lockfile.
    locked: BTreeMap<String, (String, String)>,
}

impl Crates {
    /// Reads the manifest's dependencies (and its own library) and the
    /// lockfile beside it, or above it in a workspace, or else the one
    /// Cargo made for the snippets' package (`fallback`).
    pub(crate) fn read(manifest: &Path, fallback: &Path) -> Self {
        let Some(table) = std::fs::read_to_string(manifest).ok().and_then(|t| t.parse::<toml::Table>().ok()) else {
            return Self::default();
        };
        let mut names = BTreeMap::new();
        if let Some(name) = table.get("package").and_then(|p| p.get("name")).and_then(toml::Value::as_str) {
            names.insert(name.replace('-', "_"), name.to_owned());
        }
        for section in ["dependencies", "dev-dependencies"] {
            for (key, spec) in table.get(section).and_then(toml::Value::as_table).into_iter().flatten() {
                let package = spec.get("package").and_then(toml::Value::as_str).unwrap_or(key);
                names.insert(key.replace('-', "_"), package.to_owned());
            }
        }
        let lock = manifest_lock(manifest).or_else(|| fallback.is_file().then(|| fallback.to_path_buf()));
        let locked = lock.map(|path| locked_versions(&path, names.values())).unwrap_or_default();
        Self { names, locked }
    }

    /// The crates `code` uses (`use serde_json::…`, `serde_json::to_string`),
    /// by package name, with the locked version and a hash of the versions
    /// of everything they depend on.
    pub(crate) fn used_by<'a>(&'a self, code: &str) -> Vec<(&'a str, &'a str, &'a str)> {
        let words = code_paths(code);
        self.names
            .iter()
            .filter(|(ident, _)| words.contains(ident.as_str()))
            .filter_map(|(_, package)| {
                let (version, closure) = self.locked.get(package)?;
                Some((package.as_str(), version.as_str(), closure.as_str()))
            })
            .collect()
    }
}

/// The lockfile of a Cargo manifest: beside it, or above it in a
/// workspace.
pub(crate) fn manifest_lock(manifest: &Path) -> Option<PathBuf> {
    manifest
        .parent()
        .into_iter()
        .flat_map(Path::ancestors)
        .map(|dir| dir.join("Cargo.lock"))
        .find(|path| path.is_file())
}

/// The first segment of every path in Rust code (`a` of `a::b`, `use a;`,
/// `extern crate a`).
fn code_paths(code: &str) -> BTreeSet<&str> {
    static PATH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:^|[^\w:])([A-Za-z_]\w*)::|\b(?:use|crate)\s+([A-Za-z_]\w*)\s*[;{]")
            .expect("a valid pattern")
    });
    PATH.captures_iter(code).filter_map(|c| c.get(1).or_else(|| c.get(2)).map(|m| m.as_str())).collect()
}

/// For each of `packages`, its locked version and a hash of the name and
/// version of every package it depends on, directly or not.
fn locked_versions<'a>(lock: &Path, packages: impl Iterator<Item = &'a String>) -> BTreeMap<String, (String, String)> {
    let Some(table) = std::fs::read_to_string(lock).ok().and_then(|t| t.parse::<toml::Table>().ok()) else {
        return BTreeMap::new();
    };
    // name → [(version, dependencies as written: `name` or `name version …`)]
    let mut graph: BTreeMap<&str, Vec<(&str, Vec<&str>)>> = BTreeMap::new();
    for package in table.get("package").and_then(toml::Value::as_array).into_iter().flatten() {
        let (Some(name), Some(version)) =
            (package.get("name").and_then(toml::Value::as_str), package.get("version").and_then(toml::Value::as_str))
        else {
            continue;
        };
        let dependencies = package
            .get("dependencies")
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
            .collect();
        graph.entry(name).or_default().push((version, dependencies));
    }
    let mut found = BTreeMap::new();
    for package in packages {
        let Some((version, _)) = graph.get(package.as_str()).and_then(|versions| versions.last()) else { continue };
        let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
        let mut queue = vec![(package.as_str(), Some(*version))];
        while let Some((name, wanted)) = queue.pop() {
            for (version, dependencies) in graph.get(name).into_iter().flatten() {
                if wanted.is_some_and(|w| w != *version) || !seen.insert((name, version)) {
                    continue;
                }
                for dependency in dependencies {
                    let mut words = dependency.split_whitespace();
                    if let Some(dep) = words.next() {
                        queue.push((dep, words.next()));
                    }
                }
            }
        }
        let closure: Vec<String> = seen.iter().map(|(name, version)| format!("{name} {version}")).collect();
        found.insert(package.clone(), ((*version).to_owned(), short_hash(closure.join("\n").as_bytes())));
    }
    found
}

/// Every file of the site that a glob may name: all but primer's state,
/// version control and the output folder. Walked once per run, and only
/// when some glob asks.
pub(crate) fn site_files(root: &Path, output: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0
                || !(name == ".git" || name == crate::paths::STATE_DIR || name == "target" || entry.path() == output)
        })
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| entry.path().strip_prefix(root).ok().map(|rel| rel.to_string_lossy().replace('\\', "/")))
        .collect()
}

/// A page's glob as a glob relative to the site root: relative to the
/// page's folder, or to the root with a leading `/`; `..` steps out.
pub(crate) fn rooted_glob(page_dir: &str, glob: &str) -> String {
    let joined = match glob.strip_prefix('/') {
        Some(rooted) => rooted.to_owned(),
        None if page_dir.is_empty() => glob.to_owned(),
        None => format!("{page_dir}/{glob}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// The files of `files` that `globs` name, with the hash of each.
pub(crate) fn input_parts(root: &Path, files: &[String], globs: &[String]) -> Vec<(String, String)> {
    let mut builder = globset::GlobSetBuilder::new();
    for glob in globs {
        if let Ok(glob) = crate::paths::input_glob(glob) {
            builder.add(glob);
        }
    }
    let Ok(set) = builder.build() else { return Vec::new() };
    files
        .iter()
        .filter(|file| set.is_match(file.as_str()))
        .map(|file| {
            let hash = std::fs::read(root.join(file)).map_or_else(|e| format!("unreadable: {e}"), |b| short_hash(&b));
            (file.clone(), hash)
        })
        .collect()
}

/// Why a page ran or was cached, from its key's parts now and at its
/// last run (`before`).
pub(crate) fn explain(now: &Parts, before: Option<&Parts>, cached: bool, no_cache: bool) -> Vec<String> {
    if cached {
        return vec!["cached: nothing it depends on changed since it last passed".to_owned()];
    }
    if no_cache {
        return vec!["ran: --no-cache".to_owned()];
    }
    let Some(before) = before else {
        return vec!["ran: no earlier run of it is recorded here".to_owned()];
    };
    // The kept parts are a file anyone could have written: shown as text,
    // never as terminal control sequences.
    let shown = |text: &str| text.chars().flat_map(char::escape_debug).collect::<String>();
    let before: Parts = before.iter().map(|(name, value)| (shown(name), shown(value))).collect();
    let before = &before;
    let mut why = Vec::new();
    for (name, value) in now {
        match before.get(name) {
            Some(old) if old == value => {}
            Some(old) => why.push(format!("ran: {name} changed: {old} → {value}")),
            None => why.push(format!("ran: {name} is new: {value}")),
        }
    }
    for (name, old) in before.iter().filter(|(name, _)| !now.contains_key(*name)) {
        why.push(format!("ran: {name} is gone (was {old})"));
    }
    if why.is_empty() {
        why.push("ran: it did not pass last time, and only passing pages are kept".to_owned());
    }
    why
}

/// Where the parts of a page's last run are kept, for `--explain`.
pub(crate) fn parts_path(root: &Path, rel: &str) -> PathBuf {
    crate::paths::SitePaths::new(root).cache().join(format!("why-{}.json", short_hash(rel.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_the_crates_it_uses() {
        let code = "use serde_json::json;\nextern crate rand;\nfn main() { let x = regex::Regex::new(\"a::b\"); std::mem::drop(x); }";
        let paths = code_paths(code);
        for name in ["serde_json", "rand", "regex", "std"] {
            assert!(paths.contains(name), "{name} in {paths:?}");
        }
        assert!(!paths.contains("json"), "{paths:?}");
    }

    #[test]
    fn globs_of_a_page_are_rooted_at_its_folder() {
        assert_eq!(rooted_glob("content/recipes", "data/*.csv"), "content/recipes/data/*.csv");
        assert_eq!(rooted_glob("content/recipes", "../shared/x.txt"), "content/shared/x.txt");
        assert_eq!(rooted_glob("content/recipes", "/data/**"), "data/**");
    }

    #[test]
    fn distributions_are_found_by_their_metadata_folders() {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in ["scikit_learn-1.5.0.dist-info", "PyYAML-6.0.1.dist-info", "old-0.1-py3.11.egg-info", "numpy"] {
            std::fs::create_dir(dir.path().join(name)).expect("folder");
        }
        let found = installed(&[dir.path().display().to_string()]);
        assert_eq!(installed_version(&found, "scikit-learn"), "1.5.0");
        assert_eq!(installed_version(&found, "pyyaml"), "6.0.1");
        assert_eq!(installed_version(&found, "old"), "0.1");
        assert_eq!(installed_version(&found, "numpy"), "not installed");
    }

    #[test]
    fn an_explanation_names_what_changed() {
        let before: Parts = [("package pandas".to_owned(), "2.2.3".to_owned())].into();
        let now: Parts = [("package pandas".to_owned(), "2.3.0".to_owned())].into();
        assert_eq!(explain(&now, Some(&before), false, false), ["ran: package pandas changed: 2.2.3 → 2.3.0"]);
        assert_eq!(
            explain(&now, Some(&now), true, false),
            ["cached: nothing it depends on changed since it last passed"]
        );
        let hostile: Parts = [("package pandas".to_owned(), "\u{1b}[2J".to_owned())].into();
        assert_eq!(explain(&now, Some(&hostile), false, false), ["ran: package pandas changed: \\u{1b}[2J → 2.3.0"]);
    }
}
