//! The theme: tera templates and static assets.
//!
//! The default theme lives in `themes/default/` of primer's repository and
//! is embedded in the binary. A site replaces any single file by putting one
//! at the same path under its own `themes/default/` (or under the theme
//! named in `book.toml`), and may add files of its own; everything else
//! comes from the embedded copy.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, display_path};

macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/", $path)))),*]
    };
}

/// Every file of the default theme, by its path inside the theme.
pub(crate) const EMBEDDED: &[(&str, &[u8])] = embed![
    "templates/base.html",
    "templates/home.html",
    "templates/listing.html",
    "templates/page.html",
    "templates/tag.html",
    "templates/tags.html",
    "templates/api.html",
    "templates/apis.html",
    "templates/404.html",
    "templates/search.html",
    "templates/partials/card.html",
    "templates/partials/filter.html",
    "templates/partials/page-meta.html",
    "templates/partials/sidebar-link.html",
    "templates/sitemap.xml",
    "templates/atom.xml",
    "static/assets/style.css",
    "static/assets/primer.js",
    "static/assets/search.js",
    "static/favicon.svg",
];

/// One theme file, from the site's theme folder or from the binary.
#[derive(Debug, Clone)]
pub(crate) struct ThemeFile {
    pub(crate) bytes: Vec<u8>,
    /// Path shown in messages: site-relative for a site's own file.
    pub(crate) display: String,
}

/// The resolved theme: each path inside the theme mapped to its file.
#[derive(Debug)]
pub(crate) struct Theme {
    pub(crate) files: BTreeMap<String, ThemeFile>,
}

impl Theme {
    /// Templates, by tera name (`page.html`, `partials/card.html`).
    pub(crate) fn templates(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files.iter().filter_map(|(path, file)| path.strip_prefix("templates/").map(|name| (name, file)))
    }

    /// Static files, by their path in the output.
    pub(crate) fn statics(&self) -> impl Iterator<Item = (&str, &ThemeFile)> {
        self.files.iter().filter_map(|(path, file)| path.strip_prefix("static/").map(|name| (name, file)))
    }
}

/// Resolves the theme for a site: its own files first, then the embedded ones.
pub(crate) fn load(config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    let mut files: BTreeMap<String, ThemeFile> = EMBEDDED
        .iter()
        .map(|(path, bytes)| {
            let file = ThemeFile { bytes: bytes.to_vec(), display: format!("(built-in theme) {path}") };
            ((*path).to_owned(), file)
        })
        .collect();
    let mut problems = Vec::new();
    // Later folders have lower priority, so walk them in reverse and let
    // the earlier ones overwrite.
    for dir in config.theme_dirs.iter().rev().filter(|d| d.is_dir()) {
        for entry in WalkDir::new(dir).sort_by_file_name() {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let rel = display_path(dir, entry.path());
                    match std::fs::read(entry.path()) {
                        Ok(bytes) => {
                            let display = config.display(entry.path());
                            files.insert(rel, ThemeFile { bytes, display });
                        }
                        Err(error) => problems.push(read_problem(config, entry.path(), &error)),
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    problems.push(Diagnostic::file(config.display(dir), format!("cannot read theme: {error}")))
                }
            }
        }
    }
    if problems.is_empty() { Ok(Theme { files }) } else { Err(problems) }
}

fn read_problem(config: &Config, path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::file(config.display(path), format!("cannot read theme file: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file added to themes/default/ but not to [`EMBEDDED`] would be
    /// missing from the binary.
    #[test]
    fn every_default_theme_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let on_disk: Vec<String> = WalkDir::new(&dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| display_path(&dir, e.path()))
            .collect();
        for path in &on_disk {
            assert!(EMBEDDED.iter().any(|(p, _)| p == path), "{path} is not embedded");
        }
        assert_eq!(on_disk.len(), EMBEDDED.len());
    }
}
