//! reStructuredText read as primer's Markdown: `.rst` pages, and the prose
//! of sphinx-gallery scripts.
//!
//! A focused converter rather than a full docutils: it covers what
//! tutorials are written with (see the format reference in the docs) and
//! writes each construct as the Markdown that renders the same, so RST
//! gets every feature of Markdown pages: callouts for admonitions, fenced
//! and highlighted code, `$…$` math, checked links, headings in "On this
//! page", search. Every line written remembers its line in the file. A
//! directive or role it does not know is a warning at its line, its text
//! shown as plain text.
//!
//! Cross-references are written as links the Markdown stage resolves
//! once every page is known: `:doc:` as a link to the page's path without
//! its extension, `:ref:` as `ref:label`, both with empty text when the
//! target's title should show.

mod blocks;
mod directives;
mod inline;
mod tables;

pub(super) use inline::{knows_role, unlink};

use std::collections::HashMap;

use super::{Converted, Derived, Source, Writer, file_stem};
use crate::diagnostic::Diagnostic;
use crate::model::Label;

pub(super) use super::Line;

/// What the head of a document says about it, and the lines that said it
/// (the summary and author lines), which the page shows elsewhere.
pub(super) struct Header {
    pub(super) derived: Derived,
    pub(super) skipped: Vec<usize>,
}

/// Converts the RST of one file, keeping what spans the file: link
/// targets, substitutions, the order of section underline styles.
pub(super) struct Rst<'a> {
    display: &'a str,
    text: &'a str,
    /// Code blocks of a gallery's prose are shown, not run: only the
    /// script's code runs, as in sphinx-gallery.
    runs_code: bool,
    /// Named hyperlink targets, by normalized name: a URL, or `ref:label`.
    targets: HashMap<String, String>,
    /// Anonymous targets (`.. __: url`) in order, and how many were used.
    anonymous: Vec<String>,
    anonymous_used: usize,
    /// Substitution definitions, by name.
    substitutions: HashMap<String, Substitution>,
    /// Section styles in the order met: underline character, overlined.
    styles: Vec<(char, bool)>,
    /// The language of literal blocks (`.. highlight::`).
    highlight: String,
    /// Whether the page's title (the first section in the first style) was
    /// written.
    titled: bool,
    /// A label (`.. _name:`) waiting for the section title after it.
    pending_label: Option<(usize, String)>,
    warnings: Vec<Diagnostic>,
    labels: Vec<Label>,
}

impl<'a> Rst<'a> {
    /// A converter for `source`, having read the definitions (targets,
    /// substitutions) in `lines`, which may be used before they are made.
    pub(super) fn new(source: &Source<'a>, lines: &[Line<'_>]) -> Self {
        let mut rst = Self {
            display: source.display,
            text: source.text,
            runs_code: source.rel.ends_with(".rst"),
            targets: HashMap::new(),
            anonymous: Vec::new(),
            anonymous_used: 0,
            substitutions: HashMap::new(),
            styles: Vec::new(),
            highlight: "python".to_owned(),
            titled: false,
            pending_label: None,
            warnings: Vec::new(),
            labels: Vec::new(),
        };
        rst.collect_definitions(lines);
        rst
    }

    fn collect_definitions(&mut self, lines: &[Line<'_>]) {
        for (i, &(_, line)) in lines.iter().enumerate() {
            let Some(rest) = line.trim_start().strip_prefix(".. ") else { continue };
            // A target's URL may go on over indented lines.
            let continued = || {
                lines[i + 1..]
                    .iter()
                    .take_while(|(_, l)| blocks::indent(l) > 0 && !l.trim().is_empty())
                    .map(|(_, l)| l.trim())
                    .collect::<String>()
            };
            if let Some(url) = rest.strip_prefix("__:") {
                self.anonymous.push(format!("{}{}", url.trim(), continued()));
            } else if let Some(target) = rest.strip_prefix('_') {
                let Some((name, url)) = split_target(target) else { continue };
                let url = format!("{}{}", url.trim(), continued());
                let value = if url.is_empty() { format!("ref:{}", label_anchor(&name)) } else { url };
                self.targets.insert(normalize(&name), value);
            } else if let Some(definition) = rest.strip_prefix('|') {
                let Some((name, body)) = definition.split_once('|') else { continue };
                self.substitutions.insert(name.to_owned(), substitution(body.trim(), &continued()));
            }
        }
    }

    /// Reads the head of a document: its title, its first paragraph (the
    /// summary) and its author lines.
    pub(super) fn header(&mut self, lines: &[Line<'_>]) -> Header {
        let mut derived = Derived::default();
        let mut skipped = Vec::new();
        let paragraphs = blocks::paragraphs(lines);
        // The summary is the first paragraph after the title, or the first
        // of all when there is no title.
        let title_at = paragraphs.iter().position(|p| blocks::title_text(p).is_some());
        if let Some(at) = title_at {
            let title = blocks::title_text(&paragraphs[at]).unwrap_or_default();
            derived.title = Some(self.plain_inline(title, paragraphs[at][0].0));
        }
        for paragraph in paragraphs.into_iter().skip(title_at.map_or(0, |at| at + 1)) {
            let first = paragraph[0].1;
            if blocks::title_text(&paragraph).is_some() {
                break;
            }
            if blocks::is_explicit(first) || blocks::is_list_start(first) {
                continue;
            }
            if paragraph.iter().all(|(_, line)| field_line(line).is_some()) {
                for &(n, line) in &paragraph {
                    if let Some(names) = field_line(line).and_then(author_names) {
                        derived.authors.extend(names);
                        skipped.push(n);
                    }
                }
                continue;
            }
            if derived.summary.is_none() {
                let text: Vec<&str> = paragraph.iter().map(|(_, line)| line.trim()).collect();
                let summary = self.plain_inline(&text.join(" "), paragraph[0].0);
                if !summary.trim().is_empty() {
                    derived.summary = Some(summary);
                    skipped.extend(paragraph.iter().map(|(n, _)| *n));
                }
            }
            break;
        }
        Header { derived, skipped }
    }

    /// Inline RST as Markdown on one line, links kept as their text: a
    /// title or a summary, which show inside cards that are links.
    fn plain_inline(&mut self, text: &str, line: usize) -> String {
        let markdown = self.inline(text, line);
        inline::unlink(&markdown)
    }

    /// Writes RST lines as Markdown.
    pub(super) fn write(&mut self, lines: &[Line<'_>], out: &mut Writer) {
        self.blocks(lines, out);
    }

    /// The warnings raised and the labels defined.
    pub(super) fn finish(mut self) -> (Vec<Diagnostic>, Vec<Label>) {
        self.label_here(None);
        (self.warnings, self.labels)
    }

    /// Defines the label waiting for a section, at the section with
    /// `anchor` and `title`, or else at the page itself.
    fn label_here(&mut self, section: Option<(&str, &str)>) {
        let Some((_, name)) = self.pending_label.take() else { return };
        let (anchor, title) = section.unwrap_or(("", ""));
        self.labels.push(Label { name: label_anchor(&name), anchor: anchor.to_owned(), title: title.to_owned() });
    }

    /// A warning at line `line` of the file, pointing at `needle`.
    fn warn(&mut self, line: usize, needle: &str, message: String, hint: &str) {
        let warning = Diagnostic::on_line(self.display, self.text, line, needle, message).with_hint(hint).warning();
        self.warnings.push(warning);
    }
}

/// An RST page read as Markdown: front matter from a leading `---` block
/// if there is one, then derived from the title, the first paragraph and
/// the author fields.
pub(super) fn page(source: &Source<'_>) -> Converted {
    let lines: Vec<Line<'_>> = source.text.lines().enumerate().map(|(i, line)| (i + 1, line)).collect();
    let (own, body) = super::front_matter_block(&lines);
    let own = own.unwrap_or_default();
    // Sphinx's file-wide fields (`:orphan:`) say nothing to a reader.
    let start = body.iter().take_while(|(_, l)| l.trim().is_empty() || is_file_field(l)).count();
    let body = &body[start..];
    let mut rst = Rst::new(source, body);
    let header = rst.header(body);
    let mut out = Writer::default();
    header.derived.write(&mut out, own, own.last().map_or(1, |(n, _)| n + 1), file_stem(source.rel));
    let kept: Vec<Line<'_>> = body.iter().filter(|(n, _)| !header.skipped.contains(n)).copied().collect();
    out.blank(kept.first().map_or(1, |(n, _)| *n));
    rst.write(&kept, &mut out);
    let (warnings, labels) = rst.finish();
    Converted { markdown: out.text, origins: out.origins, images: Vec::new(), warnings, labels }
}

fn is_file_field(line: &str) -> bool {
    ["orphan", "nosearch", "tocdepth", "github_url", "og:"].iter().any(|f| line.starts_with(&format!(":{f}")))
}

/// `name: url` of a target after its `_`; a name in backquotes may hold
/// colons.
fn split_target(target: &str) -> Option<(String, &str)> {
    if let Some(quoted) = target.strip_prefix('`') {
        let (name, rest) = quoted.split_once('`')?;
        return Some((name.to_owned(), rest.strip_prefix(':')?));
    }
    let (name, url) = target.split_once(':')?;
    Some((name.to_owned(), url))
}

/// What a substitution (`|name|`) stands for.
#[derive(Clone)]
enum Substitution {
    /// RST text: `replace::` text, or a `unicode::` character.
    Text(String),
    /// An `image::`, by its path.
    Image(String),
}

/// The substitution a definition's body (`replace:: …`) makes.
fn substitution(body: &str, continued: &str) -> Substitution {
    let (directive, argument) = body.split_once("::").unwrap_or(("", body));
    let argument = format!("{} {continued}", argument.trim()).trim().to_owned();
    Substitution::Text(match directive.trim() {
        "image" => return Substitution::Image(argument),
        "unicode" => argument
            .split_whitespace()
            .map(|code| {
                let hex = code.trim_start_matches("U+").trim_start_matches("0x").trim_start_matches("u");
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32).map_or(code.to_owned(), String::from)
            })
            .collect(),
        _ => argument,
    })
}

/// How RST compares reference names: case and runs of spaces do not count.
fn normalize(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The `id` a label gives the section after it.
pub(crate) fn label_anchor(label: &str) -> String {
    let anchor: String = label
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '_' || c == '-' { c } else { '-' })
        .collect();
    anchor.trim_matches('-').to_owned()
}

/// A field line's name and body: `:Author: Ann`, `**Author**: Ann`,
/// `**Author:** Ann`, `Author: Ann`.
fn field_line(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("**") {
        let (name, body) = rest.split_once("**")?;
        let body = body.strip_prefix(':').unwrap_or(body);
        return Some((name.trim_end_matches(':'), body.trim()));
    }
    if let Some(rest) = line.strip_prefix(':') {
        let (name, body) = rest.split_once(": ").or_else(|| rest.strip_suffix(':').map(|n| (n, "")))?;
        return (!name.contains('`')).then_some((name, body.trim()));
    }
    let (name, body) = line.split_once(": ")?;
    let words = name.split_whitespace().count();
    (words <= 3 && name.chars().next().is_some_and(char::is_uppercase)).then_some((name, body.trim()))
}

/// The people an author field names, links reduced to their text.
fn author_names((name, body): (&str, &str)) -> Option<Vec<String>> {
    let name = name.trim().to_lowercase();
    if !matches!(name.as_str(), "author" | "authors" | "written by" | "by") {
        return None;
    }
    let text = inline::rst_link_text(body);
    let names = text
        .split([',', '&'])
        .flat_map(|part| part.split(" and "))
        .map(|part| part.trim().trim_matches(|c| c == '*' || c == '`').trim().to_owned())
        .filter(|part| !part.is_empty())
        .collect();
    Some(names)
}

#[cfg(test)]
mod tests;
