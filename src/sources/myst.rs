//! MyST Markdown, the Markdown of Jupyter Book and of MyST notebooks,
//! read as primer's own: directives in backtick or colon fences
//! (```` ```{note} ````, `:::{tip}`) with their options, roles
//! (`` {ref}`label` ``), `(label)=` targets, numbered equations
//! (`$$ … $$ (label)`), `%` comments and `+++` cell breaks.
//!
//! Every Markdown page goes through here (MyST is a superset of the
//! CommonMark primer reads), and so does every Markdown cell of a
//! notebook. In a Jupyter document (a notebook, or a MyST `.md` notebook or
//! book page) code outside `code-cell` is there to be read, as Jupyter
//! never runs it: its fences get `ignore`. Roles are read by the RST
//! reader, which knows them already; an unknown directive or role is a
//! warning at its line, and its content is shown.

mod directives;

use super::rst::{Rst, knows_role, label_anchor, unlink};
use super::{Converted, Derived, Fence, Line, Source, Writer, file_stem};
use crate::diagnostic::Diagnostic;
use crate::model::Label;

/// Front matter keys Jupyter and MyST tools write, which mark a Markdown
/// file as a Jupyter document.
pub(super) const JUPYTER_KEYS: [&str; 6] = ["jupytext", "kernelspec", "jupyter", "myst", "mystnb", "file_format"];

/// Whether a Markdown page written for primer uses any MyST syntax, and
/// so needs reading here.
pub(super) fn uses_myst(text: &str) -> bool {
    text.contains("```{")
        || text.contains(":::{")
        || text.contains("~~~{")
        || text.contains("}`")
        || text.contains(")=")
        || text.contains("$$ (")
}

/// Converts MyST of one document, keeping what spans it: the equation
/// count, a label waiting for its block, warnings and labels.
pub(super) struct Myst<'a> {
    display: &'a str,
    text: &'a str,
    /// The notebook cell being read.
    cell: Option<usize>,
    /// A Jupyter document, where only code cells run.
    jupyter: bool,
    /// The RST reader, for roles and `eval-rst`.
    rst: Rst<'a>,
    equations: usize,
    /// A `(label)=` waiting for the block after it.
    pending_label: Option<String>,
    warnings: Vec<Diagnostic>,
    labels: Vec<Label>,
}

impl<'a> Myst<'a> {
    pub(super) fn new(source: &Source<'a>, jupyter: bool) -> Self {
        Self {
            display: source.display,
            text: source.text,
            cell: None,
            jupyter,
            rst: Rst::new(source, &[]),
            equations: 0,
            pending_label: None,
            warnings: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// Reads the lines of notebook cell `cell` next.
    pub(super) fn set_cell(&mut self, cell: Option<usize>) {
        self.label_here("", "");
        self.cell = cell;
    }

    /// The warnings raised and the labels defined, the RST reader's too.
    pub(super) fn finish(mut self) -> (Vec<Diagnostic>, Vec<Label>) {
        self.label_here("", "");
        let (warnings, labels) = self.rst.finish();
        self.warnings.extend(warnings);
        self.labels.extend(labels);
        (self.warnings, self.labels)
    }

    fn put(&self, out: &mut Writer, at: usize, line: &str) {
        out.line(self.cell, at, line);
    }

    /// Writes `lines` as primer's Markdown.
    pub(super) fn blocks(&mut self, lines: &[Line<'_>], out: &mut Writer) {
        let mut i = 0;
        while i < lines.len() {
            let (n, line) = lines[i];
            let trimmed = line.trim_start();
            if let Some(fence) = Fence::open(trimmed) {
                let end = fence.end(lines.iter().map(|(_, text)| *text), i + 1);
                let indent = &line[..line.len() - trimmed.len()];
                let body = &lines[i + 1..end];
                match fence.directive {
                    Some((name, argument)) if name.ends_with("-start") => {
                        // A gated directive (sphinx-exercise): its content
                        // runs on to the matching `-end` directive.
                        let base = name.trim_end_matches("-start");
                        let (between, after) = gated(lines, end + 1, base);
                        let mut whole = body.to_vec();
                        whole.extend_from_slice(between);
                        self.directive(base, argument, n, &undent(&whole, indent), indent, out);
                        i = after;
                        continue;
                    }
                    Some((name, argument)) => self.directive(name, argument, n, &undent(body, indent), indent, out),
                    None => self.code_fence(lines[i], &fence, body, lines.get(end).copied(), out),
                }
                i = end + 1;
                continue;
            }
            if let Some(label) = target(trimmed) {
                self.label_here("", "");
                self.pending_label = Some(label.to_owned());
                i += 1;
                continue;
            }
            if trimmed.starts_with("$$") {
                i = self.display_math(lines, i, out);
                continue;
            }
            if self.jupyter && (trimmed.starts_with("+++") || (trimmed.starts_with('%') && !trimmed.starts_with("%%")))
            {
                i += 1;
                continue;
            }
            if trimmed.starts_with('#') && trimmed.trim_start_matches('#').starts_with(' ') {
                self.heading(n, line, out);
            } else {
                if !trimmed.is_empty() {
                    self.label_here("", "");
                }
                let text = self.inline(line, n);
                self.put(out, n, &text);
            }
            i += 1;
        }
    }

    /// An ATX heading, given the id of the label before it.
    fn heading(&mut self, n: usize, line: &str, out: &mut Writer) {
        let text = self.inline(line, n);
        // A page's `# Title` is its title, shown above the body: a label
        // before it names the page.
        let is_title = line.trim_start().starts_with("# ");
        match self.pending_label.take() {
            Some(label) if !is_title && !line.trim_end().ends_with('}') => {
                let anchor = label_anchor(&label);
                let title = text.trim_start().trim_start_matches('#').trim();
                let title = unlink(title);
                self.labels.push(Label { name: anchor.clone(), anchor: anchor.clone(), title });
                self.put(out, n, &format!("{} {{#{anchor}}}", text.trim_end()));
            }
            pending => {
                self.pending_label = pending;
                let title = unlink(text.trim_start().trim_start_matches('#').trim());
                self.label_here("", if is_title { &title } else { "" });
                self.put(out, n, &text);
            }
        }
    }

    /// Defines the waiting label at `anchor` with `title`, or at the page.
    fn label_here(&mut self, anchor: &str, title: &str) {
        if let Some(label) = self.pending_label.take() {
            self.labels.push(Label { name: label_anchor(&label), anchor: anchor.to_owned(), title: title.to_owned() });
        }
    }

    /// A code fence with no directive: copied, and in a Jupyter document
    /// marked to be shown only.
    fn code_fence(
        &mut self,
        (n, open): Line<'_>,
        fence: &Fence<'_>,
        body: &[Line<'_>],
        close: Option<Line<'_>>,
        out: &mut Writer,
    ) {
        self.label_here("", "");
        let words: Vec<&str> = fence.info.split_whitespace().collect();
        let shown_only = self.jupyter && !words.is_empty() && !words.contains(&"ignore");
        self.put(out, n, &if shown_only { format!("{open} ignore") } else { open.to_owned() });
        for &(m, line) in body {
            self.put(out, m, line);
        }
        if let Some((m, line)) = close {
            self.put(out, m, line);
        }
    }

    /// `$$ … $$`, over one line or several; with a `(label)` after it, the
    /// equation is numbered and `{eq}` reaches it. Returns the index of
    /// the line after it.
    fn display_math(&mut self, lines: &[Line<'_>], i: usize, out: &mut Writer) -> usize {
        self.label_here("", "");
        let first = lines[i].1.trim_start();
        let single = first.len() > 2 && closing_math(&first[2..]).is_some();
        let end = if single { Some(i) } else { (i + 1..lines.len()).find(|&j| closing_math(lines[j].1).is_some()) };
        let Some(end) = end else {
            let text = self.inline(lines[i].1, lines[i].0);
            self.put(out, lines[i].0, &text);
            return i + 1;
        };
        let last = if single { &first[2..] } else { lines[end].1 };
        let (tex_end, label) = closing_math(last).unwrap_or((last.len(), None));
        if label.is_none() {
            // Math with no label is Markdown math already: left as written.
            for &(n, line) in &lines[i..=end] {
                self.put(out, n, line);
            }
            return end + 1;
        }
        let mut tex: Vec<Line<'_>> = Vec::new();
        if single {
            tex.push((lines[i].0, &first[2..2 + tex_end]));
        } else {
            tex.push((lines[i].0, &first[2..]));
            tex.extend(lines[i + 1..end].iter().copied());
            tex.push((lines[end].0, &last[..tex_end]));
        }
        self.equation(&tex, label, out);
        end + 1
    }

    /// Writes display math; a labelled equation gets the next number.
    fn equation(&mut self, tex: &[Line<'_>], label: Option<&str>, out: &mut Writer) {
        let n = tex.first().map_or(1, |(line, _)| *line);
        if !out.after_blank() {
            self.put(out, n, "");
        }
        self.put(out, n, "$$");
        if let Some(label) = label {
            self.equations += 1;
            let anchor = label_anchor(label);
            let number = self.equations;
            self.labels.push(Label { name: anchor.clone(), anchor: anchor.clone(), title: format!("({number})") });
            self.put(out, n, &format!("\\label{{{anchor}}}\\tag{{{number}}}"));
        }
        for &(line, text) in tex.iter().filter(|(_, text)| !text.trim().is_empty()) {
            self.put(out, line, text.trim());
        }
        let last = tex.last().map_or(n, |(line, _)| *line);
        self.put(out, last, "$$");
        self.put(out, last, "");
    }

    /// A line with its roles read.
    fn inline(&mut self, line: &str, n: usize) -> String {
        if !line.contains("}`") {
            return line.to_owned();
        }
        let mut out = String::with_capacity(line.len());
        let mut i = 0;
        while i < line.len() {
            let rest = &line[i..];
            if let Some(escaped) = rest.strip_prefix('\\') {
                let next = escaped.chars().next().map_or(1, |c| 1 + c.len_utf8());
                out.push_str(&rest[..next]);
                i += next;
            } else if rest.starts_with('`') {
                // A code span is copied whole: roles in it are its text.
                let run = backtick_run(rest);
                let end = closing_run(rest, run).map_or(run, |close| close + run);
                out.push_str(&rest[..end]);
                i += end;
            } else if let Some((name, content, len)) = role_at(rest) {
                let markdown = self.role(name, content, n);
                out.push_str(&markdown);
                i += len;
            } else {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
            }
        }
        out
    }

    /// A role as Markdown.
    fn role(&mut self, name: &str, content: &str, n: usize) -> String {
        match name {
            "eq" => {
                let target = content.rsplit_once('<').map_or(content, |(_, t)| t.trim_end_matches('>'));
                format!("[](ref:{})", label_anchor(target))
            }
            "numref" => {
                let content = content.replace("%s", "").replace("{number}", "").replace("{name}", "");
                self.rst.role("ref", &content, n)
            }
            "kbd" => content.split('+').map(|key| format!("`{}`", key.trim())).collect::<Vec<_>>().join("+"),
            "delete" | "del" | "strike" => format!("~~{content}~~"),
            "u" | "underline" | "sc" | "smallcaps" | "span" => content.to_owned(),
            "cite" | "cite:p" | "cite:t" | "cite:ps" | "cite:ts" => format!("[{content}]"),
            _ if knows_role(name) => self.rst.role(name, content, n),
            _ => {
                self.warn(
                    n,
                    &format!("{{{name}}}"),
                    format!("unknown MyST role `{{{name}}}`: its text is shown as it is"),
                    "primer reads {ref}, {doc}, {numref}, {eq}, {math}, {term}, {download}, {abbr}, {kbd} and the \
                     Python-domain roles ({py:func}…)",
                );
                content.to_owned()
            }
        }
    }

    /// A warning at line `n` of the file (or cell), pointing at `needle`.
    fn warn(&mut self, n: usize, needle: &str, message: String, hint: &str) {
        let warning = match self.cell {
            Some(_) => Diagnostic::file(self.display, message).moved_to(self.cell, n),
            None => Diagnostic::on_line(self.display, self.text, n, needle, message),
        };
        self.warnings.push(warning.with_hint(hint).warning());
    }
}

/// The lines from `from` up to the `{base-end}` directive that closes a
/// gated directive, and the index of the line after that directive (the
/// end of `lines` when there is none).
fn gated<'l, 'a>(lines: &'l [Line<'a>], from: usize, base: &str) -> (&'l [Line<'a>], usize) {
    let closing = format!("{base}-end");
    let mut j = from.min(lines.len());
    while j < lines.len() {
        if let Some(fence) = Fence::open(lines[j].1.trim_start()) {
            let end = fence.end(lines.iter().map(|(_, text)| *text), j + 1);
            if fence.directive.is_some_and(|(name, _)| name == closing) {
                return (&lines[from.min(lines.len())..j], end + 1);
            }
            j = end + 1;
            continue;
        }
        j += 1;
    }
    (&lines[from.min(lines.len())..], lines.len())
}

/// The label of a `(label)=` target line.
fn target(trimmed: &str) -> Option<&str> {
    let label = trimmed.trim_end().strip_prefix('(')?.strip_suffix(")=")?;
    (!label.is_empty() && !label.contains(char::is_whitespace)).then_some(label)
}

/// Where the TeX ends on the line that closes display math (`… $$` or
/// `… $$ (label)`), and the label.
fn closing_math(line: &str) -> Option<(usize, Option<&str>)> {
    let trimmed = line.trim_end();
    if let Some(tex) = trimmed.strip_suffix("$$") {
        return Some((tex.len(), None));
    }
    let (before, label) = trimmed.strip_suffix(')')?.rsplit_once('(')?;
    let tex = before.trim_end().strip_suffix("$$")?;
    let label = label.trim();
    (!label.is_empty() && !label.contains(char::is_whitespace)).then_some((tex.len(), Some(label)))
}

/// The name, content and length of a role at the start of `text`:
/// `` {name}`content` ``.
fn role_at(text: &str) -> Option<(&str, &str, usize)> {
    let inner = text.strip_prefix('{')?;
    let close = inner.find('}')?;
    let name = &inner[..close];
    let valid = !name.is_empty()
        && name.chars().next().is_some_and(char::is_alphabetic)
        && name.chars().all(|c| c.is_alphanumeric() || "-_:.".contains(c));
    let after = &inner[close + 1..];
    if !valid || !after.starts_with('`') {
        return None;
    }
    let run = backtick_run(after);
    let end = closing_run(after, run)?;
    let content = &after[run..end];
    Some((name, content, 1 + close + 1 + end + run))
}

fn backtick_run(text: &str) -> usize {
    text.chars().take_while(|&c| c == '`').count()
}

/// Where the run of exactly `run` backticks closing a span that opens
/// `text` starts.
fn closing_run(text: &str, run: usize) -> Option<usize> {
    let mut i = run;
    while let Some(at) = text[i..].find('`') {
        let start = i + at;
        let len = backtick_run(&text[start..]);
        if len == run {
            return Some(start);
        }
        i = start + len;
    }
    None
}

/// `lines` without the indent of the fence that holds them.
fn undent<'a>(lines: &[Line<'a>], indent: &str) -> Vec<Line<'a>> {
    lines.iter().map(|&(n, line)| (n, line.strip_prefix(indent).unwrap_or(line.trim_start()))).collect()
}

/// A Markdown page in MyST. A Jupyter document (`jupyter`) without a title
/// or summary of its own takes them from its first heading and the
/// paragraph under it, as a notebook does.
pub(super) fn page(source: &Source<'_>, jupyter: bool) -> Converted {
    let lines: Vec<Line<'_>> = source.text.lines().enumerate().map(|(i, line)| (i + 1, line)).collect();
    let (own, body) = super::front_matter_block(&lines);
    let mut out = Writer::default();
    let mut skipped = Vec::new();
    match own {
        // A page written for primer keeps primer's rules: no front matter
        // is the error it always was.
        None if !jupyter => {}
        Some(own) if !jupyter => {
            out.line(None, 1, "---");
            for &(n, line) in own {
                out.line(None, n, line);
            }
            out.line(None, own.last().map_or(1, |(n, _)| n + 1), "---");
        }
        own => {
            let texts: Vec<&str> = body.iter().map(|(_, l)| *l).collect();
            let (mut derived, summary_lines) = super::head_of(&texts);
            // A title or summary may hold roles (`# {index}`NumPy``).
            let mut roles = Myst::new(source, jupyter);
            derived.title = derived.title.map(|title| roles.inline(&title, 1));
            derived.summary = derived.summary.map(|summary| roles.inline(&summary, 1));
            let head_summary = derived.summary.take();
            let kept = own.map(|own| own_keys(own, &mut derived)).unwrap_or_default();
            let summarised = derived.summary.is_some() || kept.iter().any(|(_, l)| l.starts_with("summary:"));
            if !summarised && head_summary.is_some() {
                derived.summary = head_summary;
                skipped = summary_lines.into_iter().map(|i| body[i].0).collect();
            }
            let closing = own.and_then(|own| own.last()).map_or(1, |(n, _)| n + 1);
            derived.write(&mut out, &kept, closing, file_stem(source.rel));
        }
    }
    let body: Vec<Line<'_>> = body.iter().filter(|(n, _)| !skipped.contains(n)).copied().collect();
    let mut myst = Myst::new(source, jupyter);
    myst.blocks(&body, &mut out);
    let (warnings, labels) = myst.finish();
    Converted { markdown: out.text, origins: out.origins, images: Vec::new(), warnings, labels }
}

/// The lines of a MyST document's front matter that primer reads: its
/// own keys and Jupyter's, each with the lines that go on with it. MyST's
/// other keys (`short_title`, `numbering`…) are for its own builder and
/// are dropped; `description` (else `subtitle`) is the summary when there
/// is none, and authors written as records (`- name: Ada`) give their
/// names.
fn own_keys<'a>(own: &[Line<'a>], derived: &mut Derived) -> Vec<Line<'a>> {
    let text: String = own.iter().map(|(_, line)| format!("{line}\n")).collect();
    let yaml: serde_yaml::Mapping = serde_yaml::from_str(&text).unwrap_or_default();
    let value = |key: &str| yaml.get(key);
    if value("summary").is_none() {
        let described = value("description").or(value("subtitle")).and_then(serde_yaml::Value::as_str);
        if let Some(description) = described {
            derived.summary = Some(description.trim().to_owned());
        }
    }
    let authors_as_records = value("authors")
        .and_then(serde_yaml::Value::as_sequence)
        .is_some_and(|list| list.iter().any(serde_yaml::Value::is_mapping));
    if authors_as_records {
        let names = value("authors").and_then(serde_yaml::Value::as_sequence).into_iter().flatten();
        derived.authors = names
            .filter_map(|author| author.as_str().or_else(|| author.get("name")?.as_str()).map(str::to_owned))
            .collect();
    }
    let keeps = |key: &str| {
        (crate::model::FRONT_MATTER_KEYS.contains(&key) && !(key == "authors" && authors_as_records))
            || JUPYTER_KEYS.contains(&key)
    };
    let mut kept = Vec::new();
    let mut keeping = false;
    for &(n, line) in own {
        let top_level = !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty();
        if top_level {
            keeping = line.split_once(':').is_some_and(|(key, _)| keeps(key.trim()));
        }
        if keeping {
            kept.push((n, line));
        }
    }
    kept
}

/// Whether a Markdown file has front matter with keys Jupyter tools
/// write: a MyST notebook.
pub(super) fn is_jupyter_document(text: &str) -> bool {
    if !text.trim_start_matches('\u{feff}').starts_with("---") {
        return false;
    }
    // Only the lines up to the block's closing line are read.
    let mut closed = false;
    let head: Vec<Line<'_>> = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line))
        .take_while(|&(n, line)| {
            let keep = !closed;
            closed = n > 1 && matches!(line.trim_end(), "---" | "...");
            keep
        })
        .collect();
    let (own, _) = super::front_matter_block(&head);
    own.into_iter()
        .flatten()
        .any(|(_, l)| JUPYTER_KEYS.iter().any(|key| l.strip_prefix(key).is_some_and(|rest| rest.starts_with(':'))))
}

#[cfg(test)]
mod tests;
