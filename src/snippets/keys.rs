//! A page's cache key: the named parts that `primer test` works out for
//! every selected page before anything runs, from what
//! [`provenance`](super::provenance) reads of the site and of the
//! runners' environment. Reads files only, starts no program; hands the
//! parts to `mod.rs`, which hashes them into the key and keeps them for
//! `--explain`.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::extract::Snippet;
use super::provenance::{self, Parts};
use super::runners::{Runner, Runners};
use crate::codeblock::canonical;
use crate::config::Config;
use crate::model::Page;
use crate::results::{Tool, load_results};

/// What every page's key reads of the site and its environment, found
/// once per run.
pub(super) struct KeyInputs {
    /// Lockfiles of the Python environment, with their hashes.
    python_lockfiles: Vec<(String, String)>,
    /// Installed Python distributions, by normalized name.
    installed: BTreeMap<String, String>,
    /// The crates of each runner with a manifest, by runner name.
    crates: HashMap<String, provenance::Crates>,
    /// Files of the site, when some glob names inputs.
    files: Vec<String>,
    /// `[test] inputs`, with their hashes.
    site_inputs: Vec<(String, String)>,
    /// The packages each page imported at its last run.
    last_packages: HashMap<String, Vec<String>>,
}

impl KeyInputs {
    pub(super) fn new<'a>(config: &Config, runners: &Runners, mut pages: impl Iterator<Item = &'a Page>) -> Self {
        let python = runners.get("python");
        let wants_files = !config.test.inputs.is_empty() || pages.any(|page| !page.meta.inputs.is_empty());
        let files = if wants_files { provenance::site_files(&config.root, &config.output_dir) } else { Vec::new() };
        let last = load_results(&config.root).unwrap_or_default();
        let last_packages = last
            .pages
            .into_iter()
            .map(|(rel, record)| {
                let names = record.with.into_iter().filter(|t| t.kind == "python").map(|t| t.name).collect();
                (rel, names)
            })
            .collect();
        Self {
            python_lockfiles: provenance::python_lockfiles(&config.root),
            installed: python.map(|p| provenance::installed(&p.about.paths)).unwrap_or_default(),
            crates: runners
                .with_manifest()
                .map(|(name, manifest, _)| {
                    let fallback = crate::paths::SitePaths::new(&config.root).rust_project().join("Cargo.lock");
                    (name.to_owned(), provenance::Crates::read(manifest, &fallback))
                })
                .collect(),
            site_inputs: provenance::input_parts(&config.root, &files, &config.test.inputs),
            files,
            last_packages,
        }
    }
}

/// A page and its blocks, whose key is worked out.
pub(super) struct PageKey<'a> {
    pub(super) page: &'a Page,
    pub(super) snippets: &'a [Snippet],
}

/// The parts of a page's key, with the Python packages it imported at
/// its last run; and the crates its Rust code uses, for its record.
pub(super) fn key_parts(
    config: &Config,
    runners: &Runners,
    inputs: &KeyInputs,
    key: &PageKey<'_>,
    folders: &mut HashMap<PathBuf, String>,
) -> (Parts, Vec<Tool>) {
    let PageKey { page, snippets } = *key;
    let packages = inputs.last_packages.get(&page.source.rel).map(Vec::as_slice).unwrap_or_default();
    let mut used_crates = Vec::new();
    let mut parts = Parts::new();
    parts.insert("primer".to_owned(), env!("CARGO_PKG_VERSION").to_owned());
    let settings = format!("{:?}{:?}{:?}", page.meta.test, page.meta.normalize, config.test.normalize);
    parts.insert("page settings".to_owned(), provenance::short_hash(settings.as_bytes()));
    let mut used: BTreeMap<&str, &Runner> = BTreeMap::new();
    for snippet in snippets {
        if let Some(runner) = runners.get(&snippet.lang) {
            used.insert(&runner.name, runner);
        }
        let mut block = format!("{:?}\0{}\0{}", snippet.attrs, snippet.lang, snippet.code);
        for output in &snippet.outputs {
            block.push_str(&format!("{:?}{:?}\0{}", output.stream, output.exit, output.text));
        }
        parts.insert(format!("block at line {}", snippet.line), provenance::short_hash(block.as_bytes()));
    }
    for (name, runner) in used {
        let version = runner.about.version.as_deref().unwrap_or("version unknown");
        let program = runner.program.as_deref().unwrap_or("as the command starts it");
        let settings = provenance::short_hash(runner.fingerprint().as_bytes());
        parts.insert(format!("runner {name}"), format!("{version} ({program}), settings {settings}"));
        if canonical(name) == "python" {
            for (file, hash) in &inputs.python_lockfiles {
                parts.insert(format!("lockfile {file}"), hash.clone());
            }
        }
        if let Some(crates) = inputs.crates.get(name) {
            let code: String = snippets
                .iter()
                .filter(|s| runners.get(&s.lang).is_some_and(|r| r.name == *name))
                .map(|s| s.code.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            for (package, version, closure) in crates.used_by(&code) {
                parts.insert(format!("crate {package}"), format!("{version}, with dependencies {closure}"));
                used_crates.push(Tool {
                    name: package.to_owned(),
                    version: version.to_owned(),
                    kind: "crate".to_owned(),
                });
            }
        }
    }
    parts.insert(
        "files beside the page".to_owned(),
        provenance::short_hash(sibling_fingerprint(config, page, folders).as_bytes()),
    );
    for package in packages {
        parts.insert(format!("package {package}"), provenance::installed_version(&inputs.installed, package));
    }
    for (file, hash) in &inputs.site_inputs {
        parts.insert(format!("input {file}"), hash.clone());
    }
    if !page.meta.inputs.is_empty() {
        let dir = page.source.display.rsplit_once('/').map_or("", |(dir, _)| dir);
        let globs: Vec<String> = page.meta.inputs.iter().map(|glob| provenance::rooted_glob(dir, glob)).collect();
        for (file, hash) in provenance::input_parts(&config.root, &inputs.files, &globs) {
            parts.insert(format!("input {file}"), hash);
        }
    }
    (parts, used_crates)
}

/// The parts the next run will work out for a page that just ran with
/// `with`: the packages it imported now, at the versions installed now.
/// The installed packages are read again, not taken from [`KeyInputs`]: a
/// page may install one as it runs (`!pip install …`).
pub(super) fn after_run(parts: &Parts, runners: &Runners, with: &[Tool]) -> Parts {
    let mut parts = parts.clone();
    parts.retain(|name, _| !name.starts_with("package "));
    let packages: Vec<&Tool> = with.iter().filter(|tool| tool.kind == "python").collect();
    if packages.is_empty() {
        return parts;
    }
    let installed = runners.get("python").map(|p| provenance::installed(&p.about.paths)).unwrap_or_default();
    for package in packages {
        parts.insert(format!("package {}", package.name), provenance::installed_version(&installed, &package.name));
    }
    parts
}

/// Names, sizes and times of the files next to a page: they are copied
/// into its working folder, so a change to them invalidates the cache.
/// Pages share their folder's: it is read once and kept in `folders`.
fn sibling_fingerprint(config: &Config, page: &Page, folders: &mut HashMap<PathBuf, String>) -> String {
    let path = config.root.join(&page.source.display);
    let Some(folder) = path.parent() else { return String::new() };
    folders
        .entry(folder.to_path_buf())
        .or_insert_with(|| {
            let mut entries: Vec<String> = std::fs::read_dir(folder)
                .into_iter()
                .flatten()
                .flatten()
                // Pages are not copied: skip them before asking for metadata.
                .filter(|entry| !entry.file_name().to_string_lossy().ends_with(".md"))
                .filter_map(|entry| {
                    let meta = entry.metadata().ok()?;
                    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
                    Some(format!("{}:{}:{modified}", entry.file_name().to_string_lossy(), meta.len()))
                })
                .collect();
            entries.sort();
            entries.join("\n")
        })
        .clone()
}
