//! Problems found while building a site, and how they are shown.
//!
//! Every stage reports what is wrong with the author's input as a
//! [`Diagnostic`]: a message tied to a file, a line and a column (lines count
//! from the top of the file, front matter included), the text of that line,
//! and a hint saying how to fix it. Stages collect diagnostics instead of
//! stopping at the first one, so an author sees every problem of a build at
//! once; the command that ran the build decides the exit code at the end.

pub(crate) mod origins;

use std::fmt::Write as _;
use std::path::Path;

use annotate_snippets::{Level, Renderer, Snippet};
use serde::Serialize;

/// One problem in the author's input, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path of the file, relative to the site root, with `/` separators.
    pub path: String,
    /// 1-based line number in the file, or 0 when the problem has no line.
    /// In a notebook, the line in the cell.
    pub line: usize,
    /// The notebook cell (1-based) the problem is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
    /// 1-based column (in characters) on that line.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when primer can tell.
    pub hint: Option<String>,
    /// Whether the problem stops the build.
    pub severity: Severity,
    /// The text of the line, shown under the message.
    #[serde(skip)]
    excerpt: Option<Box<Excerpt>>,
}

/// Whether a problem stops the command, or is only reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Nothing is written; the command exits non-zero.
    #[default]
    Error,
    /// Reported beside the result; the command succeeds.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Excerpt {
    text: String,
    /// Byte range inside `text` that the problem points at.
    start: usize,
    end: usize,
}

impl Diagnostic {
    /// A problem with a whole file (missing, unreadable, too large…).
    pub(crate) fn file(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            line: 0,
            cell: None,
            column: 0,
            message: message.into(),
            hint: None,
            severity: Severity::Error,
            excerpt: None,
        }
    }

    /// A problem at `line` (1-based) of `source`, pointing at `len` bytes
    /// from byte column `byte_col` (0-based) of that line.
    pub(crate) fn at(
        path: impl Into<String>,
        source: &str,
        line: usize,
        byte_col: usize,
        len: usize,
        message: impl Into<String>,
    ) -> Self {
        let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("");
        let start = floor_char_boundary(text, byte_col.min(text.len()));
        let end = floor_char_boundary(text, (start + len.max(1)).min(text.len())).max(start);
        let column = text[..start].chars().count() + 1;
        let (text, start, end) = printable(text, start, end);
        Self {
            path: path.into(),
            line: line.max(1),
            cell: None,
            column,
            message: message.into(),
            hint: None,
            severity: Severity::Error,
            excerpt: Some(Box::new(Excerpt { text, start, end })),
        }
    }

    /// A problem pointing at the first `needle` on `line` of `source` (at
    /// the start of the line when it is not there).
    pub(crate) fn on_line(
        path: impl Into<String>,
        source: &str,
        line: usize,
        needle: &str,
        message: impl Into<String>,
    ) -> Self {
        let col = source.lines().nth(line.saturating_sub(1)).and_then(|l| l.find(needle)).unwrap_or(0);
        Self::at(path, source, line, col, needle.len(), message)
    }

    /// Adds a hint saying how to fix the problem.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same problem as a warning: reported, but the command goes on.
    pub(crate) fn warning(self) -> Self {
        self.with_severity(Severity::Warning)
    }

    pub(crate) fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column`, the form editors and terminals turn into links.
    pub fn location(&self) -> String {
        let origin = self.origin();
        match self.line {
            0 => origin,
            line => format!("{origin}:{}:{}", line, self.column),
        }
    }

    /// The file, and the cell in a notebook.
    fn origin(&self) -> String {
        origin(&self.path, self.cell)
    }

    /// The same problem at `line` (0: none) of `cell`: where a line of a
    /// notebook or script page, read as Markdown, was written.
    pub(crate) fn moved_to(mut self, cell: Option<usize>, line: usize) -> Self {
        self.cell = cell;
        self.line = line;
        if line == 0 {
            self.column = 0;
            self.excerpt = None;
        }
        self
    }

    /// The same problem quoting its line of `source`, the file it was moved
    /// to, and pointing at the text it pointed at when that line holds
    /// it (else at the line's text).
    pub(crate) fn quoting(self, source: &str) -> Self {
        let Some(excerpt) = &self.excerpt else { return self };
        let needle = excerpt.text.get(excerpt.start..excerpt.end).unwrap_or("").trim().to_owned();
        let text = source.lines().nth(self.line.saturating_sub(1)).unwrap_or("");
        let found = (!needle.is_empty()).then(|| text.find(&needle)).flatten();
        let (col, len) = match found {
            Some(col) => (col, needle.len()),
            None => (text.len() - text.trim_start().len(), text.trim().len()),
        };
        let mut quoted = Self::at(self.path, source, self.line, col, len, self.message);
        quoted.hint = self.hint;
        quoted.severity = self.severity;
        quoted.cell = self.cell;
        quoted
    }

    /// Renders the diagnostic the way a compiler does: message, location,
    /// the offending line with a marker under the problem, and the hint.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        // Paths, messages and hints may quote content: no escape sequence
        // of it reaches the terminal.
        let origin = escape_controls(&self.origin());
        let title = escape_controls(&self.message);
        let hint = self.hint.as_deref().map(escape_controls);
        let level = if self.is_error() { Level::Error } else { Level::Warning };
        let mut message = level.title(&title);
        // Render one line of source with its real line number; a file-wide
        // problem has no excerpt and gets its location in a footer instead.
        let location = escape_controls(&self.location());
        if let Some(excerpt) = &self.excerpt {
            message = message.snippet(
                Snippet::source(&excerpt.text)
                    .line_start(self.line)
                    .origin(&origin)
                    .annotation(level.span(excerpt.start..excerpt.end.max(excerpt.start))),
            );
        } else {
            message = message.footer(Level::Note.title(&location));
        }
        if let Some(hint) = &hint {
            message = message.footer(Level::Help.title(hint));
        }
        let mut out = renderer.render(message).to_string();
        if self.excerpt.is_some() && self.excerpt.as_ref().is_some_and(|e| e.text.is_empty()) {
            // An empty line gives the renderer nothing to point at; keep the
            // location visible anyway.
            let _ = write!(out, "\n  --> {location}");
        }
        out
    }
}

/// A file as locations name it: `content/a.ipynb (cell 2)` in a notebook.
pub(crate) fn origin(path: &str, cell: Option<usize>) -> String {
    match cell {
        Some(cell) => format!("{path} (cell {cell})"),
        None => path.to_owned(),
    }
}

/// A source line as it can be shown in a terminal, one character for
/// each, so that the renderer's columns stay right: a tab becomes a space
/// (the renderer miscounts tabs), a control character its Unicode picture
/// (`␛`), and leading whitespace from the marker on a `·` (the renderer
/// cannot point into leading whitespace on long lines). `start` and `end`
/// are moved along.
fn printable(text: &str, start: usize, end: usize) -> (String, usize, usize) {
    let mut out = String::with_capacity(text.len());
    let (mut new_start, mut new_end) = (None, None);
    let mut leading = true;
    for (i, c) in text.char_indices() {
        if i == start {
            new_start = Some(out.len());
        }
        if i == end {
            new_end = Some(out.len());
        }
        leading &= c.is_whitespace();
        out.push(match u32::from(c) {
            _ if leading && i >= start => '\u{b7}',
            0x09 => ' ',
            code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
            0x7f => '\u{2421}',
            0x80..=0x9f => '\u{fffd}',
            _ => c,
        });
    }
    let len = out.len();
    (out, new_start.unwrap_or(len), new_end.unwrap_or(len))
}

/// `text` with control characters but newlines written as `\u{..}`, so
/// that no file can send escape sequences to a terminal.
pub(crate) fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The path of `file` relative to `root`, with `/` separators, for messages.
pub(crate) fn display_path(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Suggests the candidate closest to `word`, if one is close enough to be a
/// likely typo.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" message and
/// returns the unknown name and a hint naming the closest expected field.
pub(crate) fn unknown_field_hint(message: &str) -> Option<(String, String)> {
    let rest = message.split("unknown field `").nth(1)?;
    let (field, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = match did_you_mean(field, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => {
            format!("the known keys are {}", candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))
        }
    };
    Some((field.to_owned(), hint))
}

/// 1-based line and 0-based byte column of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1);
    (line, col)
}

/// Whether any of `problems` stops the work: warnings alone do not.
pub(crate) fn any_error(problems: &[Diagnostic]) -> bool {
    problems.iter().any(Diagnostic::is_error)
}

/// `n` and the noun that agrees with it: `1 page`, `2 pages`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_excerpt_and_hint() {
        let source = "---\ntitel: Hello\n---\n";
        let diagnostic =
            Diagnostic::at("content/a.md", source, 2, 0, 5, "unknown key `titel`").with_hint("did you mean `title`?");
        let text = diagnostic.render(false);
        assert!(text.contains("error: unknown key `titel`"), "{text}");
        assert!(text.contains("content/a.md:2:1"), "{text}");
        assert!(text.contains("titel: Hello"), "{text}");
        assert!(text.contains("did you mean `title`?"), "{text}");
    }

    #[test]
    fn unknown_field_hint_suggests_the_closest_field() {
        let message = "unknown field `titel`, expected one of `title`, `summary`, `tags`";
        let (field, hint) = unknown_field_hint(message).expect("parsed");
        assert_eq!(field, "titel");
        assert_eq!(hint, "did you mean `title`?");
    }

    #[test]
    fn control_characters_are_escaped_and_tabs_expanded() {
        let source = "tags: [\u{1b}[31mred\u{7}]\n";
        let diagnostic = Diagnostic::at("content/\u{1b}]0;x\u{7}.md", source, 1, 7, 10, "unknown tag `\u{1b}[31mred`");
        let text = diagnostic.render(false);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text:?}");
        assert!(text.contains("unknown tag `\\u{1b}[31mred`"), "{text}");
        assert!(text.contains("content/\\u{1b}]0;x\\u{7}.md:1:8"), "{text}");
        assert!(text.contains("tags: [\u{241b}[31mred\u{2407}]"), "{text}");
    }

    #[test]
    fn a_line_of_tabs_and_a_long_tail_renders_without_overflow() {
        let line = format!("{}a b{}", "\t".repeat(21), "x".repeat(400));
        let diagnostic = Diagnostic::at("book.toml", &line, 1, 23, 1, "expected `=`");
        let text = diagnostic.render(false);
        assert!(text.contains("book.toml:1:24"), "the column counts a tab as one: {text}");
    }

    #[test]
    fn a_span_inside_long_leading_whitespace_renders_without_overflow() {
        // Found by the front_matter fuzz target.
        let line = format!("{}{}{}w", "\t".repeat(47), "\0".repeat(48), "\t".repeat(14));
        for col in [0, 10, 46, 60, 109] {
            let text = Diagnostic::at("x.md", &line, 1, col, 1, "missing front matter").render(false);
            assert!(text.contains(&format!("x.md:1:{}", col + 1)), "{text}");
        }
    }

    #[test]
    fn line_col_counts_lines_and_bytes() {
        assert_eq!(line_col("ab\ncd\nef", 4), (2, 1));
        assert_eq!(line_col("ab", 0), (1, 0));
    }
}
