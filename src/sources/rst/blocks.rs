//! RST's block structure: sections, paragraphs, literal blocks, lists,
//! field and definition lists, block quotes, transitions and explicit
//! markup, each written as the Markdown block that renders the same.

use super::{Line, Rst, label_anchor};

use crate::sources::{Writer, fence_for};

/// Characters that may underline (and overline) a section title.
const ADORNMENTS: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

pub(super) fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// The character of a line that can underline a title: one punctuation
/// character repeated, three times or more.
fn adornment(line: &str) -> Option<char> {
    let line = line.trim_end();
    let first = line.chars().next()?;
    (line.len() >= 3 && ADORNMENTS.contains(first) && line.chars().all(|c| c == first)).then_some(first)
}

/// A section title at `lines[i]`: its text, style and the lines it takes.
fn title<'a>(lines: &[Line<'a>], i: usize) -> Option<(&'a str, (char, bool), usize)> {
    let line = lines[i].1;
    let next = lines.get(i + 1).map(|(_, l)| *l);
    if let (Some(over), Some(text), Some(under)) = (adornment(line), next, lines.get(i + 2).map(|(_, l)| *l)) {
        if !blank(text) && adornment(under) == Some(over) {
            return Some((text.trim(), (over, true), 3));
        }
    }
    let under = adornment(next?)?;
    let long_enough = next?.trim_end().chars().count() >= line.trim().chars().count().min(4);
    (indent(line) == 0 && !blank(line) && adornment(line).is_none() && long_enough).then_some((
        line.trim(),
        (under, false),
        2,
    ))
}

/// The text of a title that opens `paragraph`, if it is one.
pub(super) fn title_text<'a>(paragraph: &[Line<'a>]) -> Option<&'a str> {
    title(paragraph, 0).map(|(text, _, _)| text)
}

pub(super) fn is_explicit(line: &str) -> bool {
    line.trim_end() == ".." || line.starts_with(".. ")
}

/// The width of a bullet list marker (`- `, `* `, `+ `, `• `) with the
/// spaces after it.
fn bullet(line: &str) -> Option<usize> {
    let marker = line.chars().next().filter(|c| matches!(c, '-' | '*' | '+' | '•'))?;
    let rest = &line[marker.len_utf8()..];
    if rest.is_empty() {
        return Some(marker.len_utf8() + 1);
    }
    let spaces = rest.len() - rest.trim_start_matches(' ').len();
    (spaces > 0).then_some(marker.len_utf8() + spaces)
}

/// The number and width of an enumerated list marker: `1.`, `#.`, `(2)`,
/// `3)`, with the spaces after it.
fn enumerator(line: &str) -> Option<(Option<u64>, usize)> {
    let (inner, open) = match line.strip_prefix('(') {
        Some(rest) => (rest, 1),
        None => (line, 0),
    };
    let digits = inner.chars().take_while(char::is_ascii_digit).count();
    let len = if inner.starts_with('#') { 1 } else { digits };
    if len == 0 || len > 9 {
        return None;
    }
    let close = inner[len..].chars().next().filter(|c| *c == ')' || (*c == '.' && open == 0))?;
    let after = &inner[len + close.len_utf8()..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    if spaces == 0 && !after.is_empty() {
        return None;
    }
    Some((inner[..len].parse().ok(), open + len + 1 + spaces.max(1)))
}

pub(super) fn is_list_start(line: &str) -> bool {
    bullet(line).is_some() || enumerator(line).is_some()
}

/// The end (exclusive) of the block that starts at line `i` and goes on
/// over lines indented at least `min` (blank lines between them
/// included, trailing ones not).
pub(super) fn block_end(lines: &[Line<'_>], i: usize, min: usize) -> usize {
    let mut last = i;
    for (j, (_, line)) in lines.iter().enumerate().skip(i + 1) {
        if blank(line) {
            continue;
        }
        if indent(line) < min {
            break;
        }
        last = j;
    }
    last + 1
}

/// Lines with their common indentation removed.
pub(super) fn dedent<'a>(lines: &[Line<'a>]) -> Vec<Line<'a>> {
    let common = lines.iter().filter(|(_, l)| !blank(l)).map(|(_, l)| indent(l)).min().unwrap_or(0);
    lines.iter().map(|&(n, l)| (n, if blank(l) { "" } else { &l[common..] })).collect()
}

/// Lines with `width` columns removed from each (less from lines that
/// have less indentation).
fn shift<'a>(lines: &[Line<'a>], width: usize) -> Vec<Line<'a>> {
    lines.iter().map(|&(n, l)| (n, &l[width.min(indent(l))..])).collect()
}

/// The groups of lines that blank lines separate.
pub(super) fn blank_separated<'a>(lines: &[Line<'a>]) -> Vec<Vec<Line<'a>>> {
    let mut groups: Vec<Vec<Line<'a>>> = Vec::new();
    let mut current = Vec::new();
    for &(n, line) in lines {
        if blank(line) {
            if !current.is_empty() {
                groups.push(std::mem::take(&mut current));
            }
        } else {
            current.push((n, line));
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

/// The blank-line-separated groups of lines that start unindented.
pub(super) fn paragraphs<'a>(lines: &[Line<'a>]) -> Vec<Vec<Line<'a>>> {
    let groups = blank_separated(lines);
    // A title needs no blank line after it: the text under it is a
    // paragraph of its own.
    let mut split = Vec::with_capacity(groups.len());
    for group in groups {
        match title(&group, 0) {
            Some((_, _, taken)) if taken < group.len() => {
                split.push(group[..taken].to_vec());
                split.push(group[taken..].to_vec());
            }
            _ => split.push(group),
        }
    }
    split.into_iter().filter(|group| indent(group[0].1) == 0).collect()
}

impl Rst<'_> {
    /// Writes a run of RST blocks, all at the same indentation.
    pub(in crate::sources) fn blocks(&mut self, lines: &[Line<'_>], out: &mut Writer) {
        let mut i = 0;
        while i < lines.len() {
            let (n, line) = lines[i];
            i = if blank(line) {
                out.blank(n);
                i + 1
            } else if indent(line) > 0 {
                let end = block_end(lines, i, 1);
                self.quote(&dedent(&lines[i..end]), out);
                end
            } else if is_explicit(line) {
                self.explicit(lines, i, out)
            } else if let Some((text, style, taken)) = title(lines, i) {
                self.section(n, text, style, out);
                i + taken
            } else if adornment(line).is_some_and(|_| line.trim_end().len() >= 4) {
                out.blank(n);
                out.line(None, n, "***");
                i + 1
            } else {
                // A label not followed by a section names the page.
                self.label_here(None);
                self.body_block(lines, i, out)
            };
        }
    }

    /// Writes a block that is not a title or explicit markup; returns the
    /// index of the line after it.
    fn body_block(&mut self, lines: &[Line<'_>], i: usize, out: &mut Writer) -> usize {
        let (n, line) = lines[i];
        if let Some(width) = bullet(line) {
            return self.list_item(lines, i, width, "- ", out);
        }
        if let Some((number, width)) = enumerator(line) {
            let marker = format!("{}. ", number.unwrap_or(1));
            return self.list_item(lines, i, width, &marker, out);
        }
        if line.starts_with(">>>") {
            let end = (i..lines.len()).find(|&j| blank(lines[j].1)).unwrap_or(lines.len());
            // A doctest shows prompts and output: shown, never run.
            self.fence(out, "python ignore", &lines[i..end], n);
            return end;
        }
        if let Some(end) = self.table(lines, i, out) {
            return end;
        }
        if line.starts_with(':') && super::field_line(line).is_some() {
            return self.field(lines, i, out);
        }
        if line.starts_with("| ") || line.trim_end() == "|" {
            let end = (i..lines.len()).find(|&j| blank(lines[j].1)).unwrap_or(lines.len());
            out.blank(n);
            for &(n, text) in &lines[i..end] {
                let text = text.strip_prefix('|').unwrap_or(text).trim();
                let converted = self.inline(text, n);
                out.line(None, n, &format!("{converted}\\"));
            }
            return end;
        }
        if lines.get(i + 1).is_some_and(|(_, next)| !blank(next) && indent(next) > 0) {
            return self.definition(lines, i, out);
        }
        self.paragraph(lines, i, out)
    }

    /// A section title as a Markdown heading, its level by the order the
    /// styles were first met; a label just before it becomes its id.
    fn section(&mut self, n: usize, text: &str, style: (char, bool), out: &mut Writer) {
        let level = match self.styles.iter().position(|s| *s == style) {
            Some(level) => level + 1,
            None => {
                self.styles.push(style);
                self.styles.len()
            }
        };
        // The page has one title: a later section in the title's style is
        // a section of the page, at the first level under it.
        let level = if level == 1 && std::mem::replace(&mut self.titled, true) { 2 } else { level };
        let title = self.inline(text, n);
        let mut heading = format!("{} {}", "#".repeat(level.min(6)), title.replace('\n', " "));
        // The first level is the page's title, which the page shows as
        // its heading: a label before it names the page.
        if let Some((_, label)) = self.pending_label.as_ref().filter(|_| level > 1) {
            let anchor = label_anchor(label);
            heading.push_str(&format!(" {{#{anchor}}}"));
            self.label_here(Some((&anchor, &super::inline::unlink(&title))));
        } else {
            self.label_here(None);
        }
        out.blank(n);
        out.line(None, n, &heading);
        out.line(None, n, "");
    }

    /// A paragraph, and the literal block after it if it ends with `::`.
    fn paragraph(&mut self, lines: &[Line<'_>], i: usize, out: &mut Writer) -> usize {
        let end = (i..lines.len()).find(|&j| blank(lines[j].1) || (j > i && indent(lines[j].1) > 0));
        let end = end.unwrap_or(lines.len());
        let text: Vec<&str> = lines[i..end].iter().map(|(_, l)| l.trim()).collect();
        let mut joined = text.join("\n");
        let literal = joined.ends_with("::");
        if literal {
            joined.truncate(joined.len() - 2);
            let kept = joined.trim_end().len();
            // `text::` keeps one colon; ` ::` and a lone `::` none.
            if kept == joined.len() && kept > 0 {
                joined.push(':');
            } else {
                joined.truncate(kept);
            }
        }
        let (n, _) = lines[i];
        if !joined.trim().is_empty() {
            let converted = self.inline(&joined, n);
            out.blank(n);
            for (k, line) in converted.lines().enumerate() {
                out.line(None, lines[(i + k).min(end - 1)].0, line);
            }
        }
        if !literal {
            return end;
        }
        let Some(start) = (end..lines.len()).find(|&j| !blank(lines[j].1)) else { return end };
        if indent(lines[start].1) == 0 {
            return end;
        }
        let block_end = block_end(lines, start, 1);
        let language = format!("{} ignore", self.highlight);
        self.fence(out, &language, &dedent(&lines[start..block_end]), lines[start].0);
        block_end
    }

    /// Lines of code as a fenced block with `info` as its info string.
    pub(super) fn fence(&mut self, out: &mut Writer, info: &str, code: &[Line<'_>], at: usize) {
        let start = code.iter().position(|(_, l)| !blank(l)).unwrap_or(code.len());
        let end = code.iter().rposition(|(_, l)| !blank(l)).map_or(start, |last| last + 1);
        let code = &code[start..end];
        let fence = fence_for(&code.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("\n"));
        out.blank(at);
        out.line(None, at, &format!("{fence}{info}"));
        for &(n, line) in code {
            out.line(None, n, line);
        }
        out.line(None, code.last().map_or(at, |(n, _)| *n), &fence);
        out.line(None, code.last().map_or(at, |(n, _)| *n), "");
    }

    /// A list item: its content is the text after the marker and the
    /// lines indented past it.
    fn list_item(&mut self, lines: &[Line<'_>], i: usize, width: usize, marker: &str, out: &mut Writer) -> usize {
        let (n, line) = lines[i];
        let end = block_end(lines, i, width.min(indent(lines.get(i + 1).map_or("", |l| l.1)).max(1)));
        let mut item = vec![(n, line.get(width..).unwrap_or("").trim_start())];
        item.extend(shift(&lines[i + 1..end], width));
        let mut inner = Writer::default();
        self.blocks(&item, &mut inner);
        let inner = inner.trimmed();
        let previous_is_item = i > 0 && (bullet(lines[i - 1].1).is_some() || enumerator(lines[i - 1].1).is_some());
        if !previous_is_item && !out.after_blank() {
            out.blank(n);
        }
        out.nest(&inner, marker, &" ".repeat(marker.len()));
        end
    }

    /// A block quote: indented text.
    fn quote(&mut self, lines: &[Line<'_>], out: &mut Writer) {
        let mut inner = Writer::default();
        self.blocks(lines, &mut inner);
        out.blank(lines.first().map_or(1, |(n, _)| *n));
        out.nest(&inner.trimmed(), "> ", "> ");
        out.line(None, lines.last().map_or(1, |(n, _)| *n), "");
    }

    /// A field list item, `:Name: body`, as a paragraph led by its name.
    fn field(&mut self, lines: &[Line<'_>], i: usize, out: &mut Writer) -> usize {
        let (n, line) = lines[i];
        let end = block_end(lines, i, 1);
        let (name, body) = super::field_line(line).unwrap_or(("", line));
        let mut item = vec![(n, body)];
        item.extend(dedent(&lines[i + 1..end]));
        let mut inner = Writer::default();
        self.blocks(&item, &mut inner);
        let name = self.inline(name, n);
        out.blank(n);
        out.nest(&inner.trimmed(), &format!("**{name}:** "), "");
        end
    }

    /// A definition list item: a term and its indented definition.
    fn definition(&mut self, lines: &[Line<'_>], i: usize, out: &mut Writer) -> usize {
        let (n, term) = lines[i];
        let end = block_end(lines, i, 1);
        let mut inner = Writer::default();
        self.blocks(&dedent(&lines[i + 1..end]), &mut inner);
        let term = term.split(" : ").next().unwrap_or(term);
        let term = self.inline(term, n);
        out.blank(n);
        out.line(None, n, &term);
        out.nest(&inner.trimmed(), ": ", "  ");
        out.line(None, lines[end - 1].0, "");
        end
    }

    /// Explicit markup: a directive, a target, a footnote, a
    /// substitution definition or a comment. Returns the line after it.
    fn explicit(&mut self, lines: &[Line<'_>], i: usize, out: &mut Writer) -> usize {
        let (n, line) = lines[i];
        let end = block_end(lines, i, 1);
        let rest = line.get(3..).unwrap_or("").trim_end();
        if let Some(target) = rest.strip_prefix('_') {
            if let Some((name, url)) = super::split_target(target) {
                if url.trim().is_empty() && end == i + 1 {
                    self.label_here(None);
                    self.pending_label = Some((n, name));
                }
            }
        } else if let Some(footnote) = rest.strip_prefix('[') {
            if let Some((label, text)) = footnote.split_once(']') {
                let mut item = vec![(n, text.trim_start())];
                item.extend(dedent(&lines[i + 1..end]));
                let mut inner = Writer::default();
                self.blocks(&item, &mut inner);
                out.blank(n);
                out.nest(&inner.trimmed(), &format!("[^{}]: ", label.trim_start_matches('#')), "    ");
            }
        } else if let Some((name, argument)) = directive_start(rest) {
            // Directive names are case-insensitive (`.. Note::`).
            self.directive(&name.to_lowercase(), argument, &lines[i..end], out);
        }
        end
    }
}

/// A directive's name and the text after its `::`.
fn directive_start(rest: &str) -> Option<(&str, &str)> {
    let (name, argument) = rest.split_once("::")?;
    let valid = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || "-_:+.".contains(c));
    valid.then_some((name, argument.trim()))
}
