//! Stage 2: discover the content.
//!
//! Walks `content/` and reads every page — Markdown, and the notebooks,
//! scripts and RST files [`crate::sources`] reads as Markdown — into a
//! [`SourceDoc`], refusing files that are too large, not UTF-8 or holding
//! NUL bytes with an error naming the file and line. Every other file
//! becomes an [`Asset`] to copy as it is; a `.py` file that is not a
//! script page is listed as [`NotPage`], so that no page is lost without a
//! word. Hidden files and folders (starting with `.`) are ignored. Hands
//! on the documents and assets, sorted by path so builds are reproducible.

use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::books::{Book, TocFile};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, display_path, line_col};
use crate::model::{Asset, SourceDoc};
use crate::sources::{Format, Source};

/// What discovery found in `content/`.
#[derive(Debug, Default)]
pub(crate) struct Inventory {
    pub(crate) docs: Vec<SourceDoc>,
    pub(crate) assets: Vec<Asset>,
    /// Content paths of every page file, readable or not: links to a
    /// file that failed to load are not broken links.
    pub(crate) markdown_paths: Vec<String>,
    pub(crate) not_pages: Vec<NotPage>,
    /// The books' tables of contents.
    pub(crate) books: Vec<Book>,
}

/// A file that could have been a page but is copied as a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotPage {
    /// Path as shown in messages.
    pub path: String,
    /// Why it is not a page.
    pub why: &'static str,
}

/// Finds and reads the site's content; problems with single files are
/// returned beside what could be read.
pub(crate) fn run(config: &Config) -> (Inventory, Vec<Diagnostic>) {
    let content = &config.content_dir;
    if !content.is_dir() {
        let problem = Diagnostic::file("content", "the content folder is missing")
            .with_hint("create content/ next to book.toml and put Markdown files in it");
        return (Inventory::default(), vec![problem]);
    }
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let mut problems = Vec::new();
    let mut not_pages = Vec::new();
    let mut tocs = Vec::new();
    let walker = WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.path()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_toc(entry.path()) => {
                let rel = display_path(content, entry.path());
                match std::fs::read_to_string(entry.path()) {
                    Ok(text) => tocs.push(TocFile { rel, display: config.display(entry.path()), text }),
                    Err(error) => {
                        problems.push(Diagnostic::file(config.display(entry.path()), format!("cannot read: {error}")))
                    }
                }
            }
            Ok(entry) if entry.file_type().is_file() => {
                let rel = display_path(content, entry.path());
                match crate::sources::page_format(&rel, || file_start(entry.path())) {
                    Ok(Some(format)) => markdown.push((rel, format, entry.into_path())),
                    Ok(None) => assets.push(Asset { rel, path: entry.into_path() }),
                    Err(why) => {
                        not_pages.push(NotPage { path: config.display(entry.path()), why });
                        assets.push(Asset { rel, path: entry.into_path() });
                    }
                }
            }
            Ok(_) => {}
            Err(error) => {
                let path = error.path().map_or_else(|| "content".to_owned(), |p| config.display(p));
                problems.push(Diagnostic::file(path, format!("cannot read: {error}")));
            }
        }
    }
    let markdown_paths: Vec<String> = markdown.iter().map(|(rel, _, _)| rel.clone()).collect();
    let (books, mut book_problems) = crate::books::run(&tocs, &markdown_paths);
    problems.append(&mut book_problems);
    for (rel, format, _) in &mut markdown {
        *format = in_books(*format, &books, rel);
    }
    let read: Vec<Result<(SourceDoc, Vec<Diagnostic>), Diagnostic>> =
        markdown.into_par_iter().map(|(rel, format, path)| read_doc(config, rel, format, &path)).collect();
    let mut docs = Vec::with_capacity(read.len());
    for result in read {
        match result {
            Ok((mut doc, mut warnings)) => {
                assets.append(&mut doc.images);
                problems.append(&mut warnings);
                docs.push(doc);
            }
            Err(problem) => problems.push(problem),
        }
    }
    // Two notebooks beside each other may hold the same image: one file.
    assets.sort_by(|a, b| a.rel.cmp(&b.rel));
    assets.dedup_by(|a, b| a.rel == b.rel && a.path == b.path);
    (Inventory { docs, assets, markdown_paths, not_pages, books }, problems)
}

/// Whether a file is a book's table of contents, which is read, not
/// copied.
fn is_toc(path: &Path) -> bool {
    path.file_name().and_then(|name| name.to_str()).is_some_and(|name| BOOK_FILES.contains(&name))
}

/// The format of the page a content file holds (see
/// [`crate::sources::page_format`]), given the site's `books`.
pub(crate) fn format_of(books: &[Book], rel: &str, path: &Path) -> Result<Option<Format>, &'static str> {
    let format = crate::sources::page_format(rel, || file_start(path))?;
    Ok(format.map(|format| in_books(format, books, rel)))
}

/// A Markdown page in a book's folder is a Jupyter document.
fn in_books(format: Format, books: &[Book], rel: &str) -> Format {
    if format == Format::Markdown && books.iter().any(|book| book.holds(rel)) { Format::Myst } else { format }
}

/// The files whose folder is a book: Jupyter Book 1's and 2's tables of
/// contents.
pub(crate) const BOOK_FILES: [&str; 2] = ["_toc.yml", "myst.yml"];

/// The first bytes of a file, which tell a script page from a script.
fn file_start(path: &Path) -> Vec<u8> {
    let mut start = vec![0; 2048];
    let read = std::fs::File::open(path).and_then(|mut file| std::io::Read::read(&mut file, &mut start));
    start.truncate(read.unwrap_or(0));
    start
}

fn is_hidden(path: &Path) -> bool {
    path.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.starts_with('.'))
}

/// Reads one page of `content/`, `rel` being its path inside it, as
/// Markdown; with it come the warnings of reading it, at the lines of
/// the file.
pub(crate) fn read_doc(
    config: &Config,
    rel: String,
    format: Format,
    path: &Path,
) -> Result<(SourceDoc, Vec<Diagnostic>), Diagnostic> {
    let display = config.display(path);
    let size =
        std::fs::metadata(path).map_err(|error| Diagnostic::file(&display, format!("cannot read: {error}")))?.len();
    if size > config.max_file_size {
        return Err(Diagnostic::file(
            &display,
            format!("file is too large: {:.1} MiB, the limit is {:.1} MiB", mib(size), mib(config.max_file_size)),
        )
        .with_hint("split it into several pages, or raise `max_file_size` (bytes) under [build] in book.toml"));
    }
    let bytes = std::fs::read(path).map_err(|error| Diagnostic::file(&display, format!("cannot read: {error}")))?;
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        // The text before the bad byte is valid: count its lines.
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let (line, col) = line_col(&prefix, prefix.len());
        let lossy = String::from_utf8_lossy(bytes);
        Diagnostic::at(&display, &lossy, line, col, 1, format!("file is not valid UTF-8 (byte 0x{:02X})", bytes[valid]))
            .with_hint("save the file as UTF-8 in your editor")
    })?;
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    if let Some(offset) = text.find('\0') {
        let (line, col) = line_col(&text, offset);
        return Err(Diagnostic::at(&display, &text, line, col, 1, "file holds a NUL byte")
            .with_hint("remove it: a text file has none, and browsers would show it as garbage"));
    }
    let outputs = crate::paths::SitePaths::new(&config.root).output_store();
    let source = Source { display: &display, rel: &rel, text: &text };
    let Some(converted) = crate::sources::convert(format, &source, &outputs) else {
        let doc = SourceDoc { rel, display, text, origins: None, images: Vec::new(), labels: Vec::new() };
        return Ok((doc, Vec::new()));
    };
    let converted = converted?;
    // A notebook's lines are lines of its cells, not of its JSON.
    let origins = match format {
        Format::Notebook => converted.origins,
        _ => crate::diagnostic::origins::Origins::with_source(converted.origins, &text),
    };
    let doc = SourceDoc {
        rel,
        display,
        text: converted.markdown,
        origins: Some(std::sync::Arc::new(origins)),
        images: converted.images,
        labels: converted.labels,
    };
    Ok((doc, converted.warnings))
}

fn mib(bytes: u64) -> f64 {
    // Display only: precision loss on huge sizes does not matter.
    #[allow(clippy::cast_precision_loss)]
    let value = bytes as f64 / (1024.0 * 1024.0);
    value
}
