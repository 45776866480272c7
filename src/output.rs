//! Stage 7: write the output.
//!
//! First [`check_paths`] makes sure that every rendered file and every
//! asset has an output path of its own, made of plain relative segments:
//! two sources that would write one file, or a file that would land where
//! a folder must be, are errors naming both. Then [`write`] updates the
//! output folder in place: a file is written only when its content
//! changed since the last build (a manifest under `.primer/` records what
//! was written), each through a temporary file and a rename, and files
//! primer made before and no longer makes are deleted. Every stage before
//! this one runs in memory, so a build that fails changes nothing; one
//! stopped while writing leaves each file old or new, never cut short.
//! Every path is joined through [`confined`]: nothing is ever written
//! outside the output folder.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Asset;
use crate::paths::absolute;
use crate::render::OutputFile;

/// Checks that every output path is relative, free of empty, `.` and `..`
/// segments, and written by one source only.
/// `kept` are files of the last build kept as they are.
pub(crate) fn check_paths(files: &[OutputFile], kept: &[String], assets: &[Asset]) -> Result<(), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut owners: HashMap<&str, String> = HashMap::with_capacity(files.len() + assets.len());
    let sources = files
        .iter()
        .map(|file| (file.path.as_str(), file.source.clone()))
        .chain(kept.iter().map(|path| (path.as_str(), None)))
        .chain(assets.iter().map(|asset| (asset.rel.as_str(), Some(format!("content/{}", asset.rel)))));
    for (path, source) in sources {
        let owner = source.unwrap_or_else(|| format!("primer's generated /{path}"));
        if let Err(why) = relative_segments(path) {
            problems.push(Diagnostic::file(&owner, format!("output path `{path}` {why}")));
        } else if let Some(first) = owners.get(path) {
            problems.push(collision(first, &owner, path));
        } else {
            owners.insert(path, owner);
        }
    }
    // A file where another output needs a folder cannot be written either.
    let folders: HashSet<&str> =
        owners.keys().flat_map(|path| path.match_indices('/').map(|(i, _)| &path[..i])).collect();
    let mut clashes: Vec<&str> = owners.keys().copied().filter(|path| folders.contains(path)).collect();
    clashes.sort_unstable();
    for path in clashes {
        let inside = owners.iter().filter(|(other, _)| other.starts_with(&format!("{path}/"))).min_by_key(|(o, _)| *o);
        if let Some((_, other_owner)) = inside {
            problems.push(collision(&owners[path], other_owner, path));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

fn collision(first: &str, second: &str, path: &str) -> Diagnostic {
    let (first, second) = if second.starts_with("primer's") { (second, first) } else { (first, second) };
    Diagnostic::file(second, format!("{second} and {first} would both be written to /{path}"))
        .with_hint("rename or move one of them: every page, asset and generated file needs an output path of its own")
}

/// Why `path` is not a plain relative path inside the output folder.
fn relative_segments(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    for segment in path.split('/') {
        match segment {
            "" => return Err("has an empty segment (or starts with `/`)"),
            "." | ".." => return Err("has a `.` or `..` segment"),
            _ if segment.contains(['\\', '\0']) => return Err("has a backslash or NUL byte"),
            _ => {}
        }
    }
    Ok(())
}

/// `dir` joined with the output path `rel`, refusing anything that could
/// land outside `dir`. Every write of this stage goes through here.
fn confined(dir: &Path, rel: &str) -> std::io::Result<PathBuf> {
    relative_segments(rel).map_err(|why| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("refusing output path `{rel}`: it {why}"))
    })?;
    Ok(dir.join(rel))
}

/// Where the manifest of the last build's output is kept, in the site root.
const MANIFEST: &str = ".primer/cache/output.json";

/// What primer wrote into the output folder: every file's path with the
/// hash of what was written (for an asset, its source's size and time)
/// and the written file's size and modification time, which tell whether
/// it is still as primer left it without reading it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    output: PathBuf,
    files: BTreeMap<String, Written>,
}

impl Manifest {
    /// The manifest of the last build into `out`, if it wrote there.
    fn load(config: &Config, out: &Path) -> Option<Self> {
        let bytes = std::fs::read(config.root.join(MANIFEST)).ok()?;
        serde_json::from_slice::<Self>(&bytes).ok().filter(|m| m.output == out)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Written {
    content: String,
    len: u64,
    modified: u128,
}

/// What a build wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WriteSummary {
    /// Files written because they are new or changed.
    pub(crate) written: usize,
    /// Files primer wrote before and no longer makes, deleted.
    pub(crate) deleted: usize,
    /// Files in the output folder that primer never wrote, left alone.
    pub(crate) foreign: usize,
}

/// Writes the site into `config.output_dir` in place: only files whose
/// content changed since the last build are written, each to a temporary
/// file renamed over the old one, so a build stopped at any moment leaves
/// every file old or new, never cut short. Files primer wrote last time
/// and no longer makes are deleted; files it never wrote are left alone.
///
/// `kept` are files of the last build that the output already holds as
/// they should be (see [`unchanged`]): they stay without being read.
pub(crate) fn write(
    config: &Config,
    files: &[OutputFile],
    kept: &[String],
    assets: &[Asset],
) -> Result<WriteSummary, Vec<Diagnostic>> {
    let out = absolute(&config.output_dir);
    let problem = |what: &str, error: &std::io::Error| {
        vec![Diagnostic::file(config.display(&out), format!("cannot {what}: {error}"))]
    };
    std::fs::create_dir_all(&out).map_err(|e| problem("create the output folder", &e))?;
    let manifest_path = config.root.join(MANIFEST);
    let previous = Manifest::load(config, &out).unwrap_or_default();
    let wanted: HashSet<&str> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain(kept.iter().map(String::as_str))
        .chain(assets.iter().map(|a| a.rel.as_str()))
        .collect();
    // Stale files go first: one may stand where a new folder must be.
    let mut deleted = 0;
    for rel in previous.files.keys().filter(|rel| !wanted.contains(rel.as_str())) {
        // A manifest entry that is not a plain relative path was not
        // written by primer: nothing to delete.
        let Ok(path) = confined(&out, rel) else { continue };
        if std::fs::remove_file(&path).is_ok() {
            deleted += 1;
            remove_empty_parents(&out, &path);
        }
    }
    let sources = files
        .iter()
        .map(|file| Source::Bytes(&file.path, &file.bytes))
        .chain(assets.iter().map(|asset| Source::Copy(&asset.rel, &asset.path)));
    let sources: Vec<Source<'_>> = sources.collect();
    let results: Vec<std::io::Result<(String, Written, bool)>> =
        sources.par_iter().map(|source| source.write(&out, &previous)).collect();
    let mut manifest = Manifest { output: out.clone(), files: BTreeMap::new() };
    for rel in kept {
        if let Some(entry) = previous.files.get(rel) {
            manifest.files.insert(rel.clone(), entry.clone());
        }
    }
    let mut written = 0;
    for result in results {
        let (rel, entry, fresh) = result.map_err(|e| problem("write the output", &e))?;
        written += usize::from(fresh);
        manifest.files.insert(rel, entry);
    }
    // What else is in the folder: the temporary files of a build that was
    // killed go; anything else is someone's, and stays.
    let mut foreign = 0;
    for entry in walkdir::WalkDir::new(&out).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let rel = entry.path().strip_prefix(&out).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        if manifest.files.contains_key(&rel) {
            continue;
        }
        if is_temporary(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        } else {
            foreign += 1;
        }
    }
    let text = serde_json::to_vec(&manifest).map_err(|e| problem("record the output", &std::io::Error::other(e)))?;
    if let Some(parent) = manifest_path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| problem("record the output", &e))?;
    }
    replace(&manifest_path, |file| std::io::Write::write_all(file, &text))
        .map_err(|e| problem("record the output", &e))?;
    Ok(WriteSummary { written, deleted, foreign })
}

/// Whether the output folder holds every file of `paths` as the last build
/// wrote it, by the manifest's sizes and times.
pub(crate) fn unchanged(config: &Config, paths: &[String]) -> bool {
    let out = absolute(&config.output_dir);
    let Some(previous) = Manifest::load(config, &out) else { return false };
    paths.iter().all(|rel| {
        previous.files.get(rel).is_some_and(|entry| {
            confined(&out, rel)
                .and_then(std::fs::metadata)
                .is_ok_and(|meta| meta.len() == entry.len && modified(&meta) == entry.modified)
        })
    })
}

/// A file to put in the output: rendered bytes, or an asset to copy.
enum Source<'a> {
    Bytes(&'a str, &'a [u8]),
    Copy(&'a str, &'a Path),
}

impl Source<'_> {
    /// Writes the file unless the output already holds it as primer left
    /// it; returns its manifest entry and whether it was written.
    fn write(&self, out: &Path, previous: &Manifest) -> std::io::Result<(String, Written, bool)> {
        let (rel, content) = match self {
            Source::Bytes(rel, bytes) => (*rel, blake3::hash(bytes).to_hex().to_string()),
            Source::Copy(rel, from) => {
                let meta = std::fs::metadata(from)?;
                (*rel, format!("{}:{}", meta.len(), modified(&meta)))
            }
        };
        let path = confined(out, rel)?;
        if let Some(before) = previous.files.get(rel) {
            let same_on_disk = std::fs::metadata(&path)
                .is_ok_and(|meta| meta.len() == before.len && modified(&meta) == before.modified);
            if before.content == content && same_on_disk {
                return Ok((rel.to_owned(), before.clone(), false));
            }
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        replace(&path, |file| match self {
            Source::Bytes(_, bytes) => std::io::Write::write_all(file, bytes),
            Source::Copy(_, from) => std::io::copy(&mut std::fs::File::open(from)?, file).map(drop),
        })?;
        let meta = std::fs::metadata(&path)?;
        Ok((rel.to_owned(), Written { content, len: meta.len(), modified: modified(&meta) }, true))
    }
}

/// Writes `path` through a temporary file beside it and a rename, so the
/// file is at all times either the old one or the new one.
fn replace(path: &Path, fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.primer-{}", std::process::id()));
    let result = std::fs::File::create(&temporary)
        .and_then(|mut file| fill(&mut file))
        .and_then(|()| std::fs::rename(&temporary, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

/// Whether a file name is one of [`replace`]'s temporary files.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        && name
            .rsplit_once(".primer-")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

fn modified(meta: &std::fs::Metadata) -> u128 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos())
}

/// Removes the folders above `path` that a deletion left empty, up to `out`.
fn remove_empty_parents(out: &Path, path: &Path) {
    let mut folder = path.parent();
    while let Some(dir) = folder.filter(|dir| dir.starts_with(out) && *dir != out) {
        if std::fs::remove_dir(dir).is_err() {
            break;
        }
        folder = dir.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, source: Option<&str>) -> OutputFile {
        OutputFile { path: path.to_owned(), bytes: Vec::new(), source: source.map(str::to_owned) }
    }

    #[test]
    fn paths_outside_the_output_folder_are_refused() {
        for bad in ["/x/index.html", "a//b", "../up", "a/./b", "a/..", ""] {
            assert!(relative_segments(bad).is_err(), "{bad}");
            assert!(confined(Path::new("/out"), bad).is_err(), "{bad}");
        }
        assert_eq!(confined(Path::new("/out"), "a/b.html").expect("fine"), Path::new("/out/a/b.html"));
    }

    #[test]
    fn an_asset_that_replaces_a_generated_file_names_both() {
        let files = [file("index.html", None), file("recipes/a/index.html", Some("content/recipes/a.md"))];
        let assets = [
            Asset { rel: "index.html".to_owned(), path: PathBuf::from("x") },
            Asset { rel: "recipes/a/index.html".to_owned(), path: PathBuf::from("y") },
            Asset { rel: "recipes/a/index.html/z.png".to_owned(), path: PathBuf::from("z") },
        ];
        let problems = check_paths(&files, &[], &assets).expect_err("collisions");
        let messages: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
        assert!(
            messages.iter().any(|m| m.contains("content/index.html and primer's generated /index.html")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("content/recipes/a/index.html and content/recipes/a.md")),
            "{messages:?}"
        );
        assert_eq!(problems.len(), 3, "{messages:?}");
    }
}
