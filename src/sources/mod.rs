//! Stage 2b: read pages written in formats other than Markdown.
//!
//! A Jupyter notebook (`.ipynb`), a percent-format or sphinx-gallery
//! Python script (`.py`) and a reStructuredText page (`.rst`) are each
//! turned, by their own reader here, into the one document every later
//! stage reads: Markdown with YAML front matter, in primer's own dialect
//! (callouts, fenced code, `$…$` math). Each line of that Markdown
//! remembers the line (and notebook cell) of the file the author wrote, so
//! a problem found by any later stage is reported there; nothing after
//! this stage knows which format a page came from. Problems that do not
//! stop the page (an unknown RST directive) are handed on as warnings.
//!
//! Discovery asks [`page_format`] whether a file is a page; a `.py` file
//! that is not a script page is copied as a file, and said so.

mod myst;
mod notebook;
mod rst;
mod script;

pub(crate) use rst::label_anchor;

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::origins::Origins;
use crate::model::{Asset, Label};

/// Admonitions: their name, primer's callout kind and the title shown
/// when it is not the kind's own.
const ADMONITIONS: [(&str, &str, &str); 11] = [
    ("note", "NOTE", ""),
    ("tip", "TIP", ""),
    ("hint", "TIP", "Hint"),
    ("important", "IMPORTANT", ""),
    ("warning", "WARNING", ""),
    ("attention", "WARNING", "Attention"),
    ("caution", "CAUTION", ""),
    ("danger", "CAUTION", "Danger"),
    ("error", "CAUTION", "Error"),
    ("seealso", "NOTE", "See also"),
    ("todo", "NOTE", "To do"),
];

/// Directives whose content is shown as it is, in no box.
const CONTAINERS: [&str; 9] =
    ["container", "grid", "grid-item", "compound", "class", "div", "tab-set", "only", "cssclass"];

/// Directives that say nothing a reader of the page needs.
const SILENT: [&str; 11] = [
    "contents",
    "meta",
    "index",
    "currentmodule",
    "module",
    "py:module",
    "py:currentmodule",
    "sectionauthor",
    "moduleauthor",
    "codeauthor",
    "tags",
];

/// A line of a file being read: its number (in the file, or in its
/// notebook cell) and its text.
type Line<'a> = (usize, &'a str);

/// The formats a page may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Markdown,
    /// Markdown from Jupyter: a page of a book. A Markdown page whose
    /// front matter has Jupyter's keys (a MyST notebook) is read so too.
    Myst,
    Notebook,
    Script,
    Rst,
}

/// The format of the page a content file holds, judged from its path and
/// its first bytes (2 KiB are plenty); `Err` says why a file that could
/// have been a page is copied as a file, `Ok(None)` is any other file.
pub(crate) fn page_format(rel: &str, start: impl FnOnce() -> Vec<u8>) -> Result<Option<Format>, &'static str> {
    let extension = rel.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension {
        "md" => Ok(Some(Format::Markdown)),
        "ipynb" => Ok(Some(Format::Notebook)),
        "rst" => Ok(Some(Format::Rst)),
        "py" if script::is_page(&start()) => Ok(Some(Format::Script)),
        "py" => Err("a script page opens with a module docstring, or a `# ---` front matter block"),
        _ => Ok(None),
    }
}

/// A page read as Markdown.
#[derive(Debug)]
pub(crate) struct Converted {
    pub(crate) markdown: String,
    pub(crate) origins: Origins,
    /// Images a notebook's saved outputs hold, kept by content hash in the
    /// output store and copied next to the page like any asset.
    pub(crate) images: Vec<Asset>,
    /// Problems that leave the page readable.
    pub(crate) warnings: Vec<Diagnostic>,
    /// RST labels (`.. _name:`) the page defines: `:ref:` links from any
    /// page reach them.
    pub(crate) labels: Vec<Label>,
}

/// A file of `content/` and where it is.
pub(crate) struct Source<'a> {
    /// Path as shown in messages.
    pub(crate) display: &'a str,
    /// Path inside `content/`.
    pub(crate) rel: &'a str,
    pub(crate) text: &'a str,
}

/// Reads a page of `format` as Markdown; the images of a notebook's
/// outputs are kept in `outputs`. `None` for Markdown that uses no MyST,
/// which needs no reading.
pub(crate) fn convert(format: Format, source: &Source<'_>, outputs: &Path) -> Option<Result<Converted, Diagnostic>> {
    match format {
        Format::Notebook => Some(notebook::convert(source, outputs)),
        Format::Script => Some(Ok(script::convert(source))),
        Format::Rst => Some(Ok(rst::page(source))),
        Format::Myst => Some(Ok(myst::page(source, true))),
        Format::Markdown if myst::is_jupyter_document(source.text) => Some(Ok(myst::page(source, true))),
        Format::Markdown if myst::uses_myst(source.text) => Some(Ok(myst::page(source, false))),
        Format::Markdown => None,
    }
}

/// The Markdown being written, with where each of its lines comes from.
#[derive(Default)]
struct Writer {
    text: String,
    origins: Origins,
}

impl Writer {
    /// Appends `text` line by line, its first line being line `first` of
    /// `cell`.
    fn lines(&mut self, cell: Option<usize>, first: usize, text: &str) {
        for (n, line) in text.lines().enumerate() {
            self.line(cell, first + n, line);
        }
    }

    fn line(&mut self, cell: Option<usize>, at: usize, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
        self.origins.push(cell, at);
    }

    /// Appends what `inner` wrote, its first line after `first` and every
    /// other after `rest`: a list item's marker and indent, a callout's
    /// `> `. Blank lines get `rest` without its trailing spaces.
    fn nest(&mut self, inner: &Writer, first: &str, rest: &str) {
        for (n, line) in inner.text.lines().enumerate() {
            let prefix = if n == 0 { first } else { rest };
            let prefixed = if line.is_empty() { prefix.trim_end().to_owned() } else { format!("{prefix}{line}") };
            self.line(inner.origins.cell_of(n + 1), inner.origins.line_of(n + 1), &prefixed);
        }
    }

    /// What was written, without its leading and trailing blank lines.
    fn trimmed(&self) -> Writer {
        let lines: Vec<&str> = self.text.lines().collect();
        let start = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(lines.len());
        let end = lines.iter().rposition(|l| !l.trim().is_empty()).map_or(start, |last| last + 1);
        let mut out = Writer::default();
        for (k, line) in lines.iter().enumerate().take(end).skip(start) {
            out.line(self.origins.cell_of(k + 1), self.origins.line_of(k + 1), line);
        }
        out
    }

    /// Whether the last line written is blank (or nothing was written).
    fn after_blank(&self) -> bool {
        self.text.is_empty() || self.text.ends_with("\n\n")
    }

    /// A blank line, unless the last one is blank already.
    fn blank(&mut self, at: usize) {
        if !self.after_blank() {
            self.line(None, at, "");
        }
    }
}

/// A code fence longer than any run of backticks in `text`, so the block
/// holds it whole.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Front matter a reader worked out from the file (a title, a summary,
/// authors), written out with what the author wrote in front matter of
/// their own, which wins key by key. The author's lines keep their
/// places, so a mistake in them is reported where it was written.
#[derive(Default)]
struct Derived {
    title: Option<String>,
    summary: Option<String>,
    authors: Vec<String>,
}

impl Derived {
    /// Writes the front matter: the author's `own` lines (numbered), then
    /// the derived keys they do not set, which problems name at the
    /// file's first line. `closing` is the line of the file that closes
    /// the author's block (the last line when nothing closes it).
    fn write(&self, out: &mut Writer, own: &[(usize, &str)], closing: usize, file_stem: &str) {
        let at = 1;
        let own_text: String = own.iter().map(|(_, line)| format!("{line}\n")).collect();
        let set: serde_yaml::Mapping = serde_yaml::from_str(&own_text).unwrap_or_default();
        let missing = |key: &str| !set.contains_key(key);
        let mut derived = serde_yaml::Mapping::new();
        if missing("title") {
            let title = self.title.clone().unwrap_or_else(|| file_stem.to_owned());
            derived.insert("title".into(), title.into());
        }
        if let (true, Some(summary)) = (missing("summary"), &self.summary) {
            derived.insert("summary".into(), summary.clone().into());
        }
        if missing("authors") && missing("author") && !self.authors.is_empty() {
            let authors: Vec<serde_yaml::Value> = self.authors.iter().map(|a| a.clone().into()).collect();
            derived.insert("authors".into(), authors.into());
        }
        out.line(None, own.first().map_or(at, |(n, _)| n.saturating_sub(1).max(1)), "---");
        for &(n, line) in own {
            out.line(None, n, line);
        }
        if !derived.is_empty() {
            // Every derived key is reported at the line it comes from.
            for line in serde_yaml::to_string(&derived).unwrap_or_default().lines() {
                out.line(None, at, line);
            }
        }
        out.line(None, if own.is_empty() { at } else { closing }, "---");
    }
}

/// An opening fence: its character, length, info string, and for a
/// directive its name and argument.
struct Fence<'l> {
    mark: char,
    len: usize,
    info: &'l str,
    directive: Option<(&'l str, &'l str)>,
}

impl<'l> Fence<'l> {
    /// The fence `trimmed` opens, if it opens one: three or more backticks
    /// or tildes, or three or more colons before a `{directive}`.
    fn open(trimmed: &'l str) -> Option<Self> {
        let mark = trimmed.chars().next().filter(|c| matches!(c, '`' | '~' | ':'))?;
        let len = trimmed.chars().take_while(|&c| c == mark).count();
        if len < 3 {
            return None;
        }
        let info = trimmed[len..].trim();
        if mark == '`' && info.contains('`') {
            return None;
        }
        let directive = info.strip_prefix('{').and_then(|rest| rest.split_once('}')).and_then(|(name, argument)| {
            let valid = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || "-_:.".contains(c));
            valid.then(|| (name, argument.trim()))
        });
        if mark == ':' && directive.is_none() {
            return None;
        }
        Some(Fence { mark, len, info, directive })
    }

    /// The index of the first of `lines`, from `from` on, that closes this
    /// fence; the number of lines when none does (a fence left open runs
    /// to the end).
    fn end<'x>(&self, lines: impl ExactSizeIterator<Item = &'x str>, from: usize) -> usize {
        let count = lines.len();
        lines.enumerate().skip(from).find(|(_, line)| self.closes(line)).map_or(count, |(j, _)| j)
    }

    /// Whether `line` closes this fence.
    fn closes(&self, line: &str) -> bool {
        let trimmed = line.trim();
        trimmed.len() >= self.len && trimmed.chars().all(|c| c == self.mark)
    }
}

/// A leading `---` front matter block (closed by `---` or `...`), written
/// as Markdown and RST pages write it: its lines, and the lines after it.
/// An unclosed block is no front matter.
fn front_matter_block<'l, 'a>(lines: &'l [Line<'a>]) -> (Option<&'l [Line<'a>]>, &'l [Line<'a>]) {
    if lines.first().is_none_or(|(_, l)| l.trim_start_matches('\u{feff}').trim_end() != "---") {
        return (None, lines);
    }
    match lines[1..].iter().position(|(_, l)| matches!(l.trim_end(), "---" | "...")) {
        Some(end) => (Some(&lines[1..=end]), &lines[end + 2..]),
        None => (None, lines),
    }
}

/// What the head of a Markdown document says: the title of its first
/// `# ` heading and the paragraph under it, the summary. Returns the
/// indexes of the summary's lines, which the page shows as its lead.
fn head_of(lines: &[&str]) -> (Derived, Vec<usize>) {
    let mut derived = Derived::default();
    // Lines inside fences are code (or a directive's body), never the head.
    let mut fenced = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        match Fence::open(lines[i].trim_start()) {
            Some(fence) => {
                let end = fence.end(lines.iter().copied(), i + 1);
                fenced[i..end.min(lines.len() - 1) + 1].fill(true);
                i = end + 1;
            }
            None => i += 1,
        }
    }
    let heading = lines.iter().enumerate().position(|(i, l)| !fenced[i] && l.starts_with("# "));
    derived.title = heading.map(|at| lines[at][2..].trim().to_owned());
    let start = heading.map_or(0, |at| at + 1);
    // Section headings and label targets may stand between the title and
    // the first paragraph (`## Overview`).
    let between = |line: &str| {
        let line = line.trim();
        line.is_empty() || line.starts_with("##") || (line.starts_with('(') && line.ends_with(")="))
    };
    let first = (start..lines.len()).find(|&i| !between(lines[i]));
    let Some(first) = first.filter(|&i| is_plain_paragraph(lines[i])) else { return (derived, Vec::new()) };
    let end = (first..lines.len()).find(|&i| lines[i].trim().is_empty()).unwrap_or(lines.len());
    let text: Vec<&str> = lines[first..end].iter().map(|l| l.trim()).collect();
    derived.summary = Some(text.join(" "));
    (derived, (first..end).collect())
}

/// Whether a Markdown line starts a plain paragraph, which a summary can
/// be: not a heading, list, quote, table, fence, image or HTML.
fn is_plain_paragraph(line: &str) -> bool {
    let line = line.trim_start();
    let ordered = line.split_once(". ").is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let target = line.starts_with('(') && line.trim_end().ends_with(")=");
    !ordered
        && !target
        && !["#", ">", "- ", "* ", "+ ", "|", "```", "~~~", ":::", "<", "![", "$$", "%", "+++"]
            .iter()
            .any(|m| line.starts_with(m))
}

/// The file name of a content path without its folder and extension.
fn file_stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}
