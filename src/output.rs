//! Stage 7: write the output.
//!
//! Writes every rendered file and copies every asset into a fresh folder
//! next to the output folder, then swaps it in with two renames. A build
//! that fails anywhere, this stage included, leaves the previous output as
//! it was: readers (and `primer serve`) never see a half-written site.

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Asset;
use crate::render::OutputFile;

/// Writes the site to `config.output_dir`, replacing what was there.
pub(crate) fn write(config: &Config, files: &[OutputFile], assets: &[Asset]) -> Result<(), Vec<Diagnostic>> {
    let out = normalize(&std::path::absolute(&config.output_dir).unwrap_or_else(|_| config.output_dir.clone()));
    refuse_to_replace_sources(config, &out)?;
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
    let mut folders: Vec<PathBuf> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain(assets.iter().map(|a| a.rel.as_str()))
        .filter_map(|p| Path::new(p).parent().map(|parent| dir.join(parent)))
        .collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        std::fs::create_dir_all(folder)?;
    }
    files.par_iter().try_for_each(|file| std::fs::write(dir.join(&file.path), &file.bytes))?;
    assets.par_iter().try_for_each(|asset| std::fs::copy(&asset.path, dir.join(&asset.rel)).map(drop))
}

/// Replacing the output folder deletes it: make sure it holds no sources.
fn refuse_to_replace_sources(config: &Config, out: &Path) -> Result<(), Vec<Diagnostic>> {
    let root = normalize(&std::path::absolute(&config.root).unwrap_or_else(|_| config.root.clone()));
    if root.starts_with(out) || out.starts_with(root.join("content")) || out.starts_with(root.join("themes")) {
        return Err(vec![
            Diagnostic::file(
                config.config_path(),
                format!("refusing to write the site into {}: it holds the site's sources", out.display()),
            )
            .with_hint("choose an output folder of its own, such as `public` (the default)"),
        ]);
    }
    Ok(())
}

/// Resolves `.` and `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
