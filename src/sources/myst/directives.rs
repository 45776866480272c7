//! MyST directives: admonitions become callouts (`:class: dropdown` and
//! `dropdown` collapsible ones), `code-cell` a block that runs,
//! `code-block` one that shows, `math` numbered display math, figures and
//! images Markdown images with their captions, `list-table` a Markdown
//! table, `eval-rst` what the RST reader makes of it. Containers show
//! their content; directives that only serve other builders say nothing;
//! any other directive is a warning, its content shown.

use super::{Line, Myst};
use crate::sources::rst::label_anchor;
use crate::sources::{ADMONITIONS, CONTAINERS, SILENT, Writer, fence_for};

/// A directive's parts: its options (`:key: value` lines or a `---` YAML
/// block) and the lines of its content.
struct Directive<'l, 'a> {
    line: usize,
    argument: &'l str,
    options: Vec<(String, String)>,
    content: &'l [Line<'a>],
}

impl<'l, 'a> Directive<'l, 'a> {
    fn parse(line: usize, argument: &'l str, body: &'l [Line<'a>]) -> Self {
        let mut options = Vec::new();
        let mut k = 0;
        if body.first().is_some_and(|(_, l)| l.trim() == "---") {
            if let Some(end) = body.iter().skip(1).position(|(_, l)| l.trim() == "---") {
                let yaml: String = body[1..=end].iter().map(|(_, l)| format!("{l}\n")).collect();
                if let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str(&yaml) {
                    for (key, value) in map {
                        let value = match value {
                            serde_yaml::Value::String(text) => text,
                            other => serde_yaml::to_string(&other).unwrap_or_default().trim().to_owned(),
                        };
                        options.push((key.as_str().unwrap_or_default().to_owned(), value));
                    }
                }
                k = end + 2;
            }
        } else {
            while let Some((name, value)) = body.get(k).and_then(|(_, l)| option_line(l)) {
                options.push((name.to_owned(), value.to_owned()));
                k += 1;
            }
        }
        let content = &body[k..];
        let blank = content.iter().take_while(|(_, l)| l.trim().is_empty()).count();
        Directive { line, argument, options, content: &content[blank..] }
    }

    fn option(&self, name: &str) -> Option<&str> {
        self.options.iter().find(|(n, _)| n == name).map(|(_, value)| value.as_str())
    }

    /// Whether `:class:` (or `:tags:`) names `class`.
    fn has_class(&self, class: &str) -> bool {
        ["class", "tags"]
            .iter()
            .filter_map(|name| self.option(name))
            .any(|value| value.split(|c: char| c.is_whitespace() || ",[]'\"".contains(c)).any(|word| word == class))
    }
}

/// A `:name: value` option line.
fn option_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix(':')?;
    let (name, value) = rest.split_once(':')?;
    let valid = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    valid.then(|| (name, value.trim()))
}

/// Languages a ```` ```{name} ```` fence runs as a cell in (Quarto, R
/// Markdown), rather than naming a directive.
const CELL_LANGUAGES: [&str; 8] = ["python", "python3", "ipython", "ipython3", "r", "julia", "bash", "sh"];

/// Directives of other builders, which say nothing a reader of the page
/// needs: the book's own contents, the index, citations.
const QUIET: [&str; 6] = ["toctree", "tableofcontents", "toc", "bibliography", "nb-exec-table", "glue:figure"];

impl Myst<'_> {
    /// Writes the directive `name`, whose opening fence is at line `n` and
    /// whose body is `body`, indented by `indent` (inside a list item).
    pub(super) fn directive(
        &mut self,
        name: &str,
        argument: &str,
        n: usize,
        body: &[Line<'_>],
        indent: &str,
        out: &mut Writer,
    ) {
        let directive = Directive::parse(n, argument, body);
        let mut inner = Writer::default();
        self.directive_body(name, &directive, &mut inner);
        // Any directive may be named (`:name:`, or mystmd's `:label:`):
        // a reference reaches the page it is on.
        for label in ["label", "name"].iter().filter_map(|key| directive.option(key)).map(label_anchor) {
            if !self.labels.iter().any(|known| known.name == label) {
                let title = directive.option("caption").map(super::unlink).unwrap_or_default();
                self.labels.push(crate::model::Label { name: label, anchor: String::new(), title });
            }
        }
        if !out.after_blank() {
            self.put(out, n, "");
        }
        out.nest(&inner, indent, indent);
    }

    fn directive_body(&mut self, name: &str, directive: &Directive<'_, '_>, out: &mut Writer) {
        let n = directive.line;
        if let Some(&(_, kind, title)) = ADMONITIONS.iter().find(|(known, _, _)| *known == name) {
            // MyST's argument is a title (`{tip} Use a GPU`), unless
            // nothing follows it: then, as in docutils, it is the text.
            let collapsible = directive.has_class("dropdown");
            if directive.argument.is_empty() || directive.content.is_empty() {
                let text = [(n, directive.argument)];
                let text = if directive.argument.is_empty() { directive.content } else { &text[..] };
                self.callout(kind, title, collapsible, text, n, out);
            } else {
                let title = self.inline(directive.argument, n);
                self.callout(kind, &title, collapsible, directive.content, n, out);
            }
            return;
        }
        match name {
            "admonition" | "dropdown" | "sidebar" | "margin" | "topic" | "card" | "grid-item-card" | "epigraph" => {
                let kind = ["tip", "warning", "important", "caution", "danger", "error", "hint", "attention"]
                    .iter()
                    .find(|class| directive.has_class(class))
                    .and_then(|class| ADMONITIONS.iter().find(|(known, _, _)| known == class))
                    .map_or("NOTE", |(_, kind, _)| kind);
                let title = self.inline(directive.argument, n);
                let collapsible = name == "dropdown" || directive.has_class("dropdown");
                self.callout(kind, &title, collapsible, directive.content, n, out);
            }
            "code-cell" | "code-block" | "code" | "sourcecode" => self.code_directive(name, directive, out),
            "exercise" | "solution" => self.exercise(name, directive, out),
            "myst" => self.code(out, "markdown", directive.content, n),
            "iframe" => {
                let url = directive.argument.trim();
                self.put(out, n, &format!("<{url}>"));
                self.put(out, n, "");
                self.blocks(directive.content, out);
            }
            "math" => {
                let label = directive.option("label").or(directive.option("name"));
                let content: Vec<Line<'_>> = directive.content.to_vec();
                self.equation(&content, label, out);
            }
            "figure" | "image" => self.image(name, directive, out),
            "list-table" => self.list_table(directive, out),
            "eval-rst" => self.rst.blocks(directive.content, out),
            "raw" if directive.argument.split_whitespace().any(|format| format == "html") => {
                for &(line, text) in directive.content.iter().filter(|(_, text)| !text.trim().is_empty()) {
                    self.put(out, line, text.trim_start());
                }
            }
            "raw" => {}
            "tab-item" | "rubric" => {
                let title = self.inline(directive.argument, n);
                self.put(out, n, &format!("**{title}**"));
                self.put(out, n, "");
                self.blocks(directive.content, out);
            }
            _ if QUIET.contains(&name) || SILENT.contains(&name) => {}
            _ if CONTAINERS.contains(&name) || ["tab-set", "grid", "glossary"].contains(&name) => {
                self.blocks(directive.content, out);
            }
            // Quarto and R Markdown write a runnable cell as ```{python}.
            _ if CELL_LANGUAGES.contains(&name) => {
                let options = directive.options.clone();
                let cell = Directive { line: n, argument: name, options, content: directive.content };
                self.code_directive("code-cell", &cell, out);
            }
            _ => {
                let hint = if name == "include" || name == "literalinclude" {
                    "primer does not include files into pages: link to the file, or copy its text"
                } else {
                    "primer reads admonitions, code-cell, code-block, math, figure, image, list-table and eval-rst"
                };
                self.warn(
                    n,
                    &format!("{{{name}}}"),
                    format!("unknown MyST directive `{{{name}}}`: its content is shown"),
                    hint,
                );
                self.blocks(directive.content, out);
            }
        }
    }

    /// sphinx-exercise's `exercise` (a callout, which `{ref}` reaches by
    /// its `:label:`) and `solution` (a tip, folded as a dropdown).
    fn exercise(&mut self, name: &str, directive: &Directive<'_, '_>, out: &mut Writer) {
        let n = directive.line;
        let argument = self.inline(directive.argument, n);
        let (kind, title) = match name {
            "exercise" if argument.is_empty() => ("NOTE", "Exercise".to_owned()),
            "exercise" => ("NOTE", format!("Exercise: {argument}")),
            _ => ("TIP", "Solution".to_owned()),
        };
        if let Some(label) = directive.option("label") {
            let title = super::unlink(&title);
            self.labels.push(crate::model::Label { name: label_anchor(label), anchor: String::new(), title });
        }
        self.callout(kind, &title, directive.has_class("dropdown"), directive.content, n, out);
    }

    /// `code-cell`, a block that runs (in IPython, for Python), and
    /// `code-block` and its kin, which in a Jupyter document only show.
    fn code_directive(&mut self, name: &str, directive: &Directive<'_, '_>, out: &mut Writer) {
        let n = directive.line;
        let named = directive.argument.split_whitespace().next();
        let info = if name == "code-cell" {
            let language = match named {
                None | Some("python" | "python3" | "ipython" | "ipython3") => "ipython3",
                Some(other) => other,
            };
            // MyST-NB's tags: a cell that raises on purpose, or is not run.
            let tag = if directive.has_class("raises-exception") {
                " should_fail"
            } else if directive.has_class("skip-execution") {
                " ignore"
            } else {
                ""
            };
            format!("{language}{tag}")
        } else {
            let language = named.unwrap_or("text");
            if self.jupyter && language != "text" { format!("{language} ignore") } else { language.to_owned() }
        };
        if let Some(caption) = directive.option("caption").filter(|c| !c.is_empty()) {
            let caption = self.inline(caption, n);
            self.put(out, n, &format!("*{caption}*"));
            self.put(out, n, "");
        }
        self.code(out, &info, directive.content, n);
    }

    /// A callout of `kind` holding `text` read as MyST.
    fn callout(&mut self, kind: &str, title: &str, collapsible: bool, text: &[Line<'_>], n: usize, out: &mut Writer) {
        let mut inner = Writer::default();
        self.blocks(text, &mut inner);
        let fold = if collapsible { "-" } else { "" };
        let marker = if title.is_empty() { format!("> [!{kind}]{fold}") } else { format!("> [!{kind}]{fold} {title}") };
        self.put(out, n, &marker);
        let body = inner.trimmed();
        if !body.text.is_empty() {
            self.put(out, n, ">");
            out.nest(&body, "> ", "> ");
        }
        self.put(out, n, "");
    }

    /// A fenced block of `code` with the info string `info`.
    fn code(&mut self, out: &mut Writer, info: &str, code: &[Line<'_>], n: usize) {
        let start = code.iter().position(|(_, l)| !l.trim().is_empty()).unwrap_or(code.len());
        let end = code.iter().rposition(|(_, l)| !l.trim().is_empty()).map_or(start, |last| last + 1);
        let code = &code[start..end];
        let fence = fence_for(&code.iter().map(|(_, l)| *l).collect::<Vec<_>>().join("\n"));
        self.put(out, n, &format!("{fence}{info}"));
        for &(m, line) in code {
            self.put(out, m, line);
        }
        self.put(out, code.last().map_or(n, |(m, _)| *m), &fence);
        self.put(out, n, "");
    }

    /// `figure` and `image`: a Markdown image, linked when it has a
    /// `target`; a figure's caption under it, and its `name` a label.
    fn image(&mut self, name: &str, directive: &Directive<'_, '_>, out: &mut Writer) {
        let n = directive.line;
        let alt = directive.option("alt").unwrap_or("").replace(['[', ']', '\n'], " ");
        let path = directive.argument.trim();
        let source = if path.contains([' ', '(', ')']) { format!("<{path}>") } else { path.to_owned() };
        let mut image = format!("![{alt}]({source})");
        if let Some(target) = directive.option("target") {
            image = format!("[{image}]({target})");
        }
        self.put(out, n, &image);
        self.put(out, n, "");
        let caption = directive.content.iter().take_while(|(_, l)| !l.trim().is_empty());
        let caption: Vec<String> = caption.map(|&(m, l)| self.inline(l.trim(), m)).collect();
        if name == "figure" && !caption.is_empty() {
            let at = directive.content.first().map_or(n, |(m, _)| *m);
            self.put(out, at, &format!("*{}*", caption.join(" ")));
            self.put(out, at, "");
            let legend = &directive.content[caption.len()..];
            self.blocks(legend, out);
        }
        if let Some(label) = directive.option("name").or(directive.option("label")) {
            let title = super::unlink(&caption.join(" "));
            self.labels.push(crate::model::Label { name: label_anchor(label), anchor: String::new(), title });
        }
    }

    /// `list-table`: rows are the items of a list, cells the items of
    /// each row's list; a Markdown table whose first row is its header.
    fn list_table(&mut self, directive: &Directive<'_, '_>, out: &mut Writer) {
        let n = directive.line;
        let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
        for &(m, line) in directive.content {
            let trimmed = line.trim_start();
            let depth = line.len() - trimmed.len();
            let Some(cell) = trimmed
                .strip_prefix("- ")
                .or_else(|| trimmed.strip_prefix("* "))
                .or((trimmed == "-" || trimmed == "*").then_some(""))
            else {
                // A cell's text going on over more lines.
                if let Some(last) = rows.last_mut().and_then(|(_, cells)| cells.last_mut()) {
                    if !trimmed.is_empty() {
                        last.push(' ');
                        last.push_str(trimmed);
                    }
                }
                continue;
            };
            // `* - first cell` starts a row; `  - next cell` goes on with it.
            let (starts_row, cell) = match cell.trim_start().strip_prefix("- ") {
                Some(first) if depth == 0 => (true, first),
                _ if depth == 0 && (cell.trim() == "-") => (true, ""),
                _ => (false, cell),
            };
            if starts_row || rows.is_empty() {
                rows.push((m, Vec::new()));
            }
            if let Some((_, cells)) = rows.last_mut() {
                cells.push(cell.trim().to_owned());
            }
        }
        let Some(width) = rows.iter().map(|(_, cells)| cells.len()).max() else { return };
        if let Some(title) = Some(directive.argument).filter(|t| !t.is_empty()) {
            let title = self.inline(title, n);
            self.put(out, n, &format!("*{title}*"));
            self.put(out, n, "");
        }
        for (k, (m, cells)) in rows.iter().enumerate() {
            let cells: Vec<String> = (0..width)
                .map(|c| cells.get(c).map_or(String::new(), |text| self.inline(text, *m).replace('|', "\\|")))
                .collect();
            self.put(out, *m, &format!("| {} |", cells.join(" | ")));
            if k == 0 {
                self.put(out, *m, &format!("|{}", " --- |".repeat(width)));
            }
        }
        self.put(out, n, "");
    }
}
