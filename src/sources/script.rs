//! Python scripts read as pages, in the two forms tutorials are written in.
//!
//! A sphinx-gallery example opens with a module docstring (after any
//! shebang, encoding line, comments or blank lines): its RST title is the
//! page title, its first paragraph the summary, and `**Author**:` lines
//! the authors. After it, a line of 20 or more `#` or a `# %%` line starts
//! a text block: its leading `# ` comment lines are RST prose, the lines
//! after them code, each stretch a `python` block of its own. sphinx-gallery's
//! `# sphinx_gallery_…` settings are left out.
//!
//! A percent-format script (jupytext's convention) opens with a `# ---`
//! front matter block; `# %%` lines start code cells and `# %% [markdown]`
//! lines Markdown cells of `# ` comments. A `# ---` block before a
//! gallery docstring is front matter too, and wins over what the
//! docstring says.

use super::rst::{Line, Rst};
use super::{Converted, Derived, Source, Writer, fence_for, file_stem};

/// Whether a `.py` file is a script page, by its first bytes: `# ---`
/// front matter, or a module docstring as its first statement.
pub(super) fn is_page(start: &[u8]) -> bool {
    let start = String::from_utf8_lossy(start);
    let lines: Vec<&str> = start.lines().collect();
    opens_with_front_matter(&lines) || docstring_start(&lines, 0).is_some()
}

fn opens_with_front_matter(lines: &[&str]) -> bool {
    lines.first().is_some_and(|line| line.trim_start_matches('\u{feff}').trim_end() == "# ---")
}

/// The index of the line a module docstring opens on, looking from line
/// `from` past blank and comment lines (a shebang, an encoding line, a
/// licence), and the quotes that open it.
fn docstring_start(lines: &[&str], from: usize) -> Option<(usize, &'static str)> {
    let at = (from..lines.len()).find(|&i| {
        let line = lines[i].trim_start_matches('\u{feff}').trim();
        !line.is_empty() && !line.starts_with('#')
    })?;
    let line = lines[at].trim_start_matches('\u{feff}');
    ["r\"\"\"", "\"\"\"", "r'''", "'''", "R\"\"\"", "u\"\"\""]
        .into_iter()
        .find(|q| line.starts_with(q))
        .map(|q| (at, q))
}

/// The parts of a script, each line numbered as in the file (1-based).
enum Part<'a> {
    /// RST prose: the docstring, or a text block's comments.
    Prose(Vec<Line<'a>>),
    /// Markdown prose: a `# %% [markdown]` cell.
    Markdown(Vec<Line<'a>>),
    Code(Vec<Line<'a>>),
}

/// Reads a script page as Markdown.
pub(super) fn convert(source: &Source<'_>) -> Converted {
    let unescaped = unescape_docstring(source.text);
    let lines: Vec<&str> = unescaped.as_deref().unwrap_or(source.text).lines().collect();
    let (own, mut at) = own_front_matter(&lines);
    // The line that closes the author's block; an unclosed one closes at
    // the end of the file.
    let closing = at.min(lines.len()).max(1);
    let docstring = docstring_start(&lines, at).and_then(|(start, quote)| docstring(&lines, start, quote));
    let gallery = docstring.is_some();
    let mut parts = Vec::new();
    if let Some((doc, after)) = docstring {
        parts.push(Part::Prose(doc));
        at = after;
    }
    parts.extend(cells(&lines, at, gallery));
    let prose: Vec<Line<'_>> = parts
        .iter()
        .filter_map(|part| match part {
            Part::Prose(lines) => Some(lines.as_slice()),
            _ => None,
        })
        .flatten()
        .copied()
        .collect();
    let mut rst = Rst::new(source, &prose);
    let mut out = Writer::default();
    let mut derived = Derived::default();
    let mut skipped = Vec::new();
    if let Some(Part::Prose(doc)) = parts.first().filter(|_| gallery) {
        let header = rst.header(doc);
        derived = header.derived;
        skipped = header.skipped;
    }
    derived.write(&mut out, &own, closing, file_stem(source.rel));
    for part in &parts {
        match part {
            Part::Prose(lines) => {
                let kept: Vec<Line<'_>> = lines.iter().filter(|(n, _)| !skipped.contains(n)).copied().collect();
                out.blank(kept.first().map_or(1, |(n, _)| *n));
                rst.write(&kept, &mut out);
            }
            Part::Markdown(lines) => {
                out.blank(lines.first().map_or(1, |(n, _)| *n));
                for &(n, line) in lines {
                    out.line(None, n, line);
                }
            }
            Part::Code(lines) => code_block(&mut out, lines),
        }
    }
    let (warnings, labels) = rst.finish();
    Converted { markdown: out.text, origins: out.origins, images: Vec::new(), warnings, labels }
}

/// The script with the backslash escapes of its docstring read, as
/// Python reads them, when the docstring is not a raw string (`r"""`):
/// RST written in it says `\\Delta` for `\Delta`. Only escapes that keep
/// lines as they are are read; `None` when there are none.
fn unescape_docstring(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let (start, quote) = docstring_start(&lines, usize::from(opens_with_front_matter(&lines)))?;
    if quote.starts_with(['r', 'R']) {
        return None;
    }
    let (doc, after) = docstring(&lines, start, quote)?;
    if !doc.iter().any(|(_, line)| line.contains('\\')) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        if (start..after).contains(&i) {
            out.push_str(&unescape(line));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    Some(out)
}

/// `\\`, `\'` and `\"` read as Python reads them in a string.
fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next @ ('\\' | '\'' | '"'))) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// The lines of a leading `# ---` block, uncommented, and the index of the
/// line after it.
fn own_front_matter<'a>(lines: &[&'a str]) -> (Vec<Line<'a>>, usize) {
    if !opens_with_front_matter(lines) {
        return (Vec::new(), 0);
    }
    let end = (1..lines.len()).find(|&i| lines[i].trim_end() == "# ---").unwrap_or(lines.len());
    let own = (1..end).map(|i| (i + 1, uncomment(lines[i]))).collect();
    (own, end + 1)
}

/// The docstring opening on line `start`: its lines, quotes removed, and
/// the index of the line after it.
fn docstring<'a>(lines: &[&'a str], start: usize, quote: &str) -> Option<(Vec<Line<'a>>, usize)> {
    let closing = &quote[quote.len() - 3..];
    let first = &lines[start].trim_start_matches('\u{feff}')[quote.len()..];
    if let Some(end) = first.find(closing) {
        return Some((vec![(start + 1, &first[..end])], start + 1));
    }
    let close = (start + 1..lines.len()).find(|&i| lines[i].contains(closing))?;
    let mut doc = vec![(start + 1, first)];
    doc.extend((start + 1..close).map(|i| (i + 1, lines[i])));
    doc.push((close + 1, lines[close].split(closing).next().unwrap_or("")));
    Some((doc, close + 1))
}

/// Whether a line starts a sphinx-gallery text block: 20 or more `#`.
fn is_separator(line: &str) -> bool {
    let line = line.trim_end();
    line.len() >= 20 && line.bytes().all(|b| b == b'#')
}

/// Splits the script from line `at` into its cells.
fn cells<'a>(lines: &[&'a str], at: usize, gallery: bool) -> Vec<Part<'a>> {
    let mut parts = Vec::new();
    let mut cell: Vec<Line<'a>> = Vec::new();
    // The cell being read: prose comes first in a gallery text block and
    // a `[markdown]` cell; code otherwise.
    let mut markdown = false;
    let mut text_block = false;
    for (i, &line) in lines.iter().enumerate().skip(at) {
        let marker = line.trim_end().strip_prefix("# %%");
        if marker.is_some() || (gallery && is_separator(line)) {
            flush(&mut parts, &mut cell, markdown, text_block);
            markdown = marker.is_some_and(|m| m.contains("[markdown]") || m.contains("[md]"));
            text_block = gallery && !markdown;
            continue;
        }
        if line.trim_start().starts_with("# sphinx_gallery_") {
            continue;
        }
        cell.push((i + 1, line));
    }
    flush(&mut parts, &mut cell, markdown, text_block);
    parts
}

/// Ends a cell: a gallery text block's leading comments are prose, the
/// rest code; a `[markdown]` cell is all prose.
fn flush<'a>(parts: &mut Vec<Part<'a>>, cell: &mut Vec<Line<'a>>, markdown: bool, text_block: bool) {
    let is_comment = |line: &str| line.trim_start().starts_with('#');
    let lines = std::mem::take(cell);
    let prose_len = match (markdown, text_block) {
        (true, _) => lines.len(),
        (false, true) => lines.iter().position(|(_, l)| !is_comment(l) && !l.trim().is_empty()).unwrap_or(lines.len()),
        (false, false) => 0,
    };
    let (prose, code) = lines.split_at(prose_len);
    let prose: Vec<Line<'a>> = prose.iter().map(|&(n, line)| (n, uncomment(line))).collect();
    if prose.iter().any(|(_, l)| !l.trim().is_empty()) {
        parts.push(if markdown { Part::Markdown(prose) } else { Part::Prose(prose) });
    }
    if code.iter().any(|(_, l)| !l.trim().is_empty()) {
        parts.push(Part::Code(code.to_vec()));
    }
}

/// Writes a stretch of code as a `python` block, blank lines around it
/// left out.
fn code_block(out: &mut Writer, lines: &[Line<'_>]) {
    let blank = |line: &str| line.trim().is_empty();
    let start = lines.iter().position(|(_, l)| !blank(l)).unwrap_or(lines.len());
    let end = lines.iter().rposition(|(_, l)| !blank(l)).map_or(start, |last| last + 1);
    let code = &lines[start..end];
    let (Some(&(first, _)), Some(&(last, _))) = (code.first(), code.last()) else { return };
    let fence = fence_for(&code.iter().map(|(_, line)| *line).collect::<Vec<_>>().join("\n"));
    out.blank(first);
    out.line(None, first, &format!("{fence}python"));
    for &(n, line) in code {
        out.line(None, n, line);
    }
    out.line(None, last, &fence);
}

/// A comment line of a script as text: `# text` → `text`, `#` → ``.
fn uncomment(line: &str) -> &str {
    let line = line.trim_end();
    let trimmed = line.trim_start();
    trimmed.strip_prefix("# ").or_else(|| trimmed.strip_prefix('#')).unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;

    fn read(text: &str) -> Converted {
        convert(&Source { display: "content/p.py", rel: "p.py", text })
    }

    #[test]
    fn an_unclosed_front_matter_block_closes_at_the_last_line() {
        let converted = read("# ---\n# title: A\n# summary: S.\n");
        let lines = converted.markdown.lines().count();
        assert!((1..=lines).all(|line| converted.origins.line_of(line) <= 3), "{:?}", converted.origins);
    }

    #[test]
    fn a_percent_script_becomes_markdown_with_its_line_numbers() {
        let script_text = "# ---\n# title: Plot\n# summary: S.\n# ---\n\n# %% [markdown]\n# Some *prose*.\n#\n# More.\n\n# %%\nx = 1\nprint(x)\n";
        let converted = read(script_text);
        assert_eq!(
            converted.markdown,
            "---\ntitle: Plot\nsummary: S.\n---\n\nSome *prose*.\n\nMore.\n\n```python\nx = 1\nprint(x)\n```\n"
        );
        // `print(x)` is line 12 of the Markdown and 13 of the script.
        let problem = converted.origins.relocate(Diagnostic::at("content/p.py", &converted.markdown, 12, 0, 1, "x"));
        assert_eq!(problem.location(), "content/p.py:13:1");
    }

    #[test]
    fn a_code_cell_holding_a_fence_gets_a_longer_one() {
        let converted = read("# ---\n# title: T\n# ---\n# %%\ns = '```'\n");
        assert!(converted.markdown.ends_with("\n````python\ns = '```'\n````\n"), "{}", converted.markdown);
    }

    #[test]
    fn a_gallery_script_opens_with_a_docstring_after_an_encoding_line() {
        assert!(is_page(b"# -*- coding: utf-8 -*-\n\"\"\"\nTitle\n=====\n\"\"\"\n"));
        assert!(is_page(b"#!/usr/bin/env python\n# Licence\n\nr\"\"\"T\n=\n\"\"\""));
        assert!(is_page(b"# ---\n# title: T\n# ---\n"));
        assert!(!is_page(b"import os\n\"\"\"Not first.\"\"\"\n"));
        assert!(!is_page(b"# just comments\nx = 1\n"));
    }

    #[test]
    fn gallery_blocks_split_at_hash_lines_and_percent_lines() {
        let example = "# -*- coding: utf-8 -*-\n\"\"\"\nPlotting a sine\n================\n\n**Author**: `Ann Lee <https://example.org/ann>`_\n\nDraw ``sin`` over\none period.\n\nMore prose.\n\"\"\"\n\nimport math\n\n######################################################################\n# Compute the values\n# ------------------\n#\n# Then print one.\n\nys = [math.sin(x) for x in range(3)]\n# sphinx_gallery_thumbnail_number = 2\nprint(ys[1])\n\n# %%\n# Done.\n";
        let converted = read(example);
        let markdown = &converted.markdown;
        assert!(
            markdown.starts_with(
                "---\ntitle: Plotting a sine\nsummary: Draw `sin` over one period.\nauthors:\n- Ann Lee\n---\n"
            ),
            "{markdown}"
        );
        assert!(markdown.contains("\n```python\nimport math\n```\n"), "{markdown}");
        assert!(markdown.contains("\n## Compute the values\n"), "{markdown}");
        assert!(markdown.contains("Then print one.\n"), "{markdown}");
        assert!(markdown.contains("```python\nys = [math.sin(x) for x in range(3)]\nprint(ys[1])\n```"), "{markdown}");
        assert!(markdown.contains("\nDone.\n"), "{markdown}");
        assert!(!markdown.contains("sphinx_gallery") && !markdown.contains("####"), "{markdown}");
        assert!(!markdown.contains("Ann Lee <"), "the author line is front matter: {markdown}");
        // `print(ys[1])` is line 24 of the script.
        let at = markdown.lines().position(|l| l == "print(ys[1])").expect("code") + 1;
        let problem = converted.origins.relocate(Diagnostic::at("content/p.py", markdown, at, 0, 1, "x"));
        assert_eq!(problem.location(), "content/p.py:24:1");
    }

    #[test]
    fn a_docstring_without_a_title_takes_the_file_name() {
        let converted = read("\"\"\"Helpers for the examples.\"\"\"\nimport os\n");
        assert!(
            converted.markdown.starts_with("---\ntitle: p\nsummary: Helpers for the examples.\n---\n"),
            "{}",
            converted.markdown
        );
    }
}
