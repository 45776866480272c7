//! Stage 7: write the output.
//!
//! First [`check_paths`] makes sure that every rendered file and every
//! asset has an output path of its own, made of plain relative segments:
//! two sources that would write one file, or a file that would land where
//! a folder must be, are errors naming both. Then [`write`] writes every
//! file and copies every asset into a fresh folder next to the output
//! folder, each path joined through [`confined`], and swaps it in with two
//! renames. A build that fails anywhere, this stage included, leaves the
//! previous output as it was: readers (and `primer serve`) never see a
//! half-written site, and nothing is ever written outside the output
//! folder.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Asset;
use crate::paths::absolute;
use crate::render::OutputFile;

/// Checks that every output path is relative, free of empty, `.` and `..`
/// segments, and written by one source only.
pub(crate) fn check_paths(files: &[OutputFile], assets: &[Asset]) -> Result<(), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut owners: HashMap<&str, String> = HashMap::with_capacity(files.len() + assets.len());
    let sources = files
        .iter()
        .map(|file| (file.path.as_str(), file.source.clone()))
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

/// Writes the site to `config.output_dir`, replacing what was there.
pub(crate) fn write(config: &Config, files: &[OutputFile], assets: &[Asset]) -> Result<(), Vec<Diagnostic>> {
    let out = absolute(&config.output_dir);
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".to_owned());
    let parent = out.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let staging = parent.join(format!(".{name}.primer-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.primer-old-{}", std::process::id()));
    let problem = |what: &str, error: &std::io::Error| {
        vec![Diagnostic::file(config.display(&out), format!("cannot {what}: {error}"))]
    };
    std::fs::create_dir_all(&parent).map_err(|e| problem("create the output folder", &e))?;
    let _ = std::fs::remove_dir_all(&staging);
    if let Err(error) = fill(&staging, files, assets) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(problem("write the output", &error));
    }
    let had_output = out.exists();
    if had_output {
        let _ = std::fs::remove_dir_all(&retired);
        if let Err(error) = std::fs::rename(&out, &retired) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(problem("replace the previous output", &error));
        }
    }
    if let Err(error) = std::fs::rename(&staging, &out) {
        if had_output {
            let _ = std::fs::rename(&retired, &out);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(problem("move the new output in place", &error));
    }
    if had_output {
        let _ = std::fs::remove_dir_all(&retired);
    }
    Ok(())
}

fn fill(dir: &Path, files: &[OutputFile], assets: &[Asset]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut folders: Vec<PathBuf> = Vec::new();
    for rel in files.iter().map(|f| f.path.as_str()).chain(assets.iter().map(|a| a.rel.as_str())) {
        if let Some(parent) = confined(dir, rel)?.parent() {
            folders.push(parent.to_path_buf());
        }
    }
    folders.sort();
    folders.dedup();
    for folder in &folders {
        std::fs::create_dir_all(folder)?;
    }
    files.par_iter().try_for_each(|file| std::fs::write(confined(dir, &file.path)?, &file.bytes))?;
    assets.par_iter().try_for_each(|asset| std::fs::copy(&asset.path, confined(dir, &asset.rel)?).map(drop))
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
        let problems = check_paths(&files, &assets).expect_err("collisions");
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
