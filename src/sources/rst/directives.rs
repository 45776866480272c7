//! RST directives: admonitions become callouts, code and math directives
//! fenced blocks, images Markdown images, tables Markdown tables, and
//! containers their content. A directive not known here is a warning,
//! its content shown as plain text.

use super::blocks::dedent;
use super::{Line, Rst};
use crate::sources::Writer;

/// A directive's parts: its argument (the text after `::` and the lines
/// that go on with it), its `:option: value` lines and its content.
pub(super) struct Directive<'a> {
    pub(super) line: usize,
    pub(super) argument: String,
    /// The lines of the argument, for admonitions, whose argument is the
    /// start of their content.
    argument_lines: Vec<Line<'a>>,
    options: Vec<(String, String)>,
    pub(super) content: Vec<Line<'a>>,
}

impl<'a> Directive<'a> {
    fn parse(argument: &'a str, block: &[Line<'a>]) -> Self {
        let (line, _) = block[0];
        let body = dedent(&block[1..]);
        let mut k = 0;
        let mut argument_lines = if argument.is_empty() { Vec::new() } else { vec![(line, argument)] };
        let is_option = |text: &str| text.starts_with(':') && text[1..].contains(':') && !text.starts_with(":math:");
        while k < body.len() && !body[k].1.trim().is_empty() && !is_option(body[k].1) {
            argument_lines.push(body[k]);
            k += 1;
        }
        let mut options = Vec::new();
        while k < body.len() && is_option(body[k].1) {
            let text = &body[k].1[1..];
            let (name, value) = text.split_once(':').unwrap_or((text, ""));
            options.push((name.to_owned(), value.trim().to_owned()));
            k += 1;
        }
        let content = body[k..].to_vec();
        let argument = argument_lines.iter().map(|(_, l)| l.trim()).collect::<Vec<_>>().join(" ");
        Directive { line, argument, argument_lines, options, content }
    }

    pub(super) fn option(&self, name: &str) -> Option<&str> {
        self.options.iter().find(|(n, _)| n == name).map(|(_, value)| value.as_str())
    }

    /// The argument lines and the content: an admonition's text.
    fn text(&self) -> Vec<Line<'a>> {
        let mut text = self.argument_lines.clone();
        if !text.is_empty() && !self.content.is_empty() {
            text.push((self.line, ""));
        }
        text.extend(self.content.iter().copied());
        text
    }
}

/// Directives that describe an API object by hand: its signature and text.
const API_DIRECTIVES: [&str; 7] = ["function", "class", "method", "attribute", "data", "exception", "decorator"];

impl Rst<'_> {
    /// Writes the directive `name` whose block is `block`.
    pub(super) fn directive(&mut self, name: &str, argument: &str, block: &[Line<'_>], out: &mut Writer) {
        let directive = Directive::parse(argument, block);
        let n = directive.line;
        if let Some((_, kind, title)) = crate::sources::ADMONITIONS.iter().find(|(known, _, _)| *known == name) {
            self.callout(kind, title, &directive.text(), n, out);
            return;
        }
        match name {
            "code-block" | "code" | "sourcecode" | "testcode" | "doctest" | "ipython" => {
                self.code_directive(name, &directive, out);
            }
            "math" => self.math(&directive, out),
            "image" | "figure" => self.image(name, &directive, out),
            "list-table" | "csv-table" | "table" => self.table_directive(name, &directive, out),
            "raw" => self.raw(&directive, out),
            "toctree" => self.toctree(&directive, out),
            "admonition" | "topic" | "sidebar" | "grid-item-card" | "card" | "dropdown" => {
                let title = self.inline(&super::inline::strip_icons(&directive.argument), n);
                self.callout("NOTE", &title, &directive.content, n, out);
            }
            "versionadded" | "versionchanged" | "deprecated" | "versionremoved" => {
                let (version, rest) = directive.argument.split_once(' ').unwrap_or((&directive.argument, ""));
                let title = match name {
                    "versionadded" => format!("New in version {version}"),
                    "versionchanged" => format!("Changed in version {version}"),
                    _ => format!("Deprecated since version {version}"),
                };
                let kind = if name == "versionadded" || name == "versionchanged" { "NOTE" } else { "WARNING" };
                let mut text = if rest.is_empty() { Vec::new() } else { vec![(n, rest)] };
                text.extend(directive.content.iter().copied());
                self.callout(kind, &title, &text, n, out);
            }
            "rubric" | "centered" | "tab-item" => {
                let text = self.inline(&directive.argument, n);
                out.blank(n);
                out.line(None, n, &format!("**{text}**"));
                out.line(None, n, "");
                self.blocks(&directive.content, out);
            }
            "epigraph" | "pull-quote" | "highlights" => {
                let mut inner = Writer::default();
                self.blocks(&directive.text(), &mut inner);
                out.blank(n);
                out.nest(&inner, "> ", "> ");
            }
            "highlight" => directive.argument.clone_into(&mut self.highlight),
            "autosummary" => self.api_list(&directive, out),
            "glossary" => self.blocks(&directive.content, out),
            _ if name.starts_with("auto") => self.api_directive(name, &directive, out, true),
            _ if name.starts_with("py:") || API_DIRECTIVES.contains(&name) => {
                self.api_directive(name, &directive, out, false);
            }
            _ if crate::sources::CONTAINERS.contains(&name) => self.container(name, &directive, out),
            _ if crate::sources::SILENT.contains(&name) => {}
            _ => self.unknown_directive(name, &directive, out),
        }
    }

    /// `only` shows its content for HTML builds; other containers always.
    fn container(&mut self, name: &str, directive: &Directive<'_>, out: &mut Writer) {
        let for_html = directive.argument.contains("html") || !directive.argument.contains("latex");
        if name != "only" || for_html {
            self.blocks(&directive.content, out);
        }
    }

    fn unknown_directive(&mut self, name: &str, directive: &Directive<'_>, out: &mut Writer) {
        let n = directive.line;
        let (message, hint) = match name {
            "include" | "literalinclude" => (
                format!("`{name}` is not supported: the file it names is not shown"),
                "copy the text into the page, or link to the file",
            ),
            _ => (
                format!("unknown RST directive `{name}`: its content is shown as plain text"),
                "primer reads admonitions, code, math, images, figures, tables, raw HTML and toctrees",
            ),
        };
        self.warn(n, name, message, hint);
        let options: Vec<String> = directive.options.iter().map(|(key, value)| format!(":{key}: {value}")).collect();
        let mut shown = vec![(n, directive.argument.as_str())];
        shown.extend(options.iter().map(|option| (n, option.as_str())));
        shown.extend(directive.content.iter().copied());
        self.fence(out, "text", &shown, n);
    }

    /// `autosummary`: the API objects it names, as a list of code.
    fn api_list(&mut self, directive: &Directive<'_>, out: &mut Writer) {
        let n = directive.line;
        out.blank(n);
        for &(line, entry) in directive.content.iter().filter(|(_, e)| !e.trim().is_empty()) {
            let name = entry.trim().trim_start_matches('~');
            out.line(None, line, &format!("- `{name}`"));
        }
        out.line(None, n, "");
    }

    /// An API object described by hand (`.. py:function:: f(x)`) shows its
    /// signature and text. One documented from its code (`autoclass`)
    /// shows its name: its docstring is not read, which is said.
    fn api_directive(&mut self, name: &str, directive: &Directive<'_>, out: &mut Writer, generated: bool) {
        let n = directive.line;
        if generated {
            self.warn(
                n,
                name,
                format!(
                    "`{name}` documents an API object from its code, which primer does not read: its name is shown"
                ),
                "describe the object in the page, or link to its API reference",
            );
        }
        let signature = directive.argument.replace('`', "");
        out.blank(n);
        out.line(None, n, &format!("`{signature}`"));
        out.line(None, n, "");
        if !generated {
            self.blocks(&directive.content, out);
        }
    }

    /// An admonition as a callout: `> [!KIND] Title`, then its content.
    fn callout(&mut self, kind: &str, title: &str, text: &[Line<'_>], n: usize, out: &mut Writer) {
        let mut inner = Writer::default();
        self.blocks(&dedent(text), &mut inner);
        out.blank(n);
        let marker = if title.is_empty() { format!("> [!{kind}]") } else { format!("> [!{kind}] {title}") };
        out.line(None, n, &marker);
        if !inner.text.trim().is_empty() {
            out.line(None, n, ">");
            let body = inner.trimmed();
            out.nest(&body, "> ", "> ");
        }
        out.line(None, n, "");
    }

    /// `code-block` and its kin: a fenced block in the language named.
    fn code_directive(&mut self, name: &str, directive: &Directive<'_>, out: &mut Writer) {
        let n = directive.line;
        // The language is on the directive's own line, if anywhere.
        let on_line = directive.argument_lines.first().filter(|(line, _)| *line == n);
        let named = on_line.and_then(|(_, l)| l.split_whitespace().next()).unwrap_or("");
        let language = match (name, named) {
            ("testcode" | "doctest", _) => "python",
            ("ipython", _) => "python",
            (_, "") => self.highlight.as_str(),
            (_, "py" | "python3" | "default") => "python",
            (_, "sh" | "shell" | "console" | "shell-session") => "bash",
            (_, "none" | "output" | "rst" | "pycon" | "py3tb" | "pytb") => "text",
            (_, other) => other,
        };
        // Only a page's own code runs: a gallery's prose shows code, and
        // shell sessions and doctests hold prompts and output.
        let shown_only = !self.runs_code || matches!(named, "console" | "shell-session") || name == "doctest";
        let info = if shown_only { format!("{language} ignore") } else { language.to_owned() };
        if let Some(caption) = directive.option("caption").or(directive.option("name")).filter(|c| !c.is_empty()) {
            let caption = self.inline(caption, n);
            out.blank(n);
            out.line(None, n, &format!("*{caption}*"));
        }
        // Code right under the directive, with no blank line first, is
        // code too: Sphinx shows it so, and tutorials rely on it.
        let mut code: Vec<Line<'_>> =
            directive.argument_lines.iter().skip(usize::from(on_line.is_some())).copied().collect();
        code.extend(directive.content.iter().copied());
        self.fence(out, &info, &dedent(&code), n);
    }

    /// `math`: display math, one `$$` block per blank-line-separated
    /// equation.
    fn math(&mut self, directive: &Directive<'_>, out: &mut Writer) {
        let n = directive.line;
        let mut equations: Vec<Vec<Line<'_>>> = Vec::new();
        if !directive.argument.is_empty() {
            equations.push(directive.argument_lines.clone());
        }
        equations.extend(super::blocks::blank_separated(&directive.content));
        for equation in equations {
            let at = equation.first().map_or(n, |(line, _)| *line);
            out.blank(at);
            out.line(None, at, "$$");
            for (line, text) in equation {
                out.line(None, line, text.trim());
            }
            out.line(None, at, "$$");
            out.line(None, at, "");
        }
    }

    /// `image` and `figure`: a Markdown image (linked when it has a
    /// `target`), a figure's caption and legend below it.
    fn image(&mut self, name: &str, directive: &Directive<'_>, out: &mut Writer) {
        let n = directive.line;
        let alt = directive.option("alt").unwrap_or("").replace(['[', ']', '\n'], " ");
        let source = super::inline::link_destination(&super::inline::site_path(&directive.argument, self.depth()));
        let mut image = format!("![{alt}]({source})");
        if let Some(target) = directive.option("target") {
            image = format!("[{image}]({})", super::inline::link_destination(target));
        }
        out.blank(n);
        out.line(None, n, &image);
        out.line(None, n, "");
        if name == "figure" {
            let paragraphs = super::blocks::paragraphs(&directive.content);
            if let Some(caption) = paragraphs.first() {
                let text: Vec<&str> = caption.iter().map(|(_, l)| l.trim()).collect();
                let caption_text = self.inline(&text.join(" "), caption[0].0);
                out.line(None, caption[0].0, &format!("*{caption_text}*"));
                out.line(None, caption[0].0, "");
                let after = caption.last().map_or(0, |(line, _)| *line);
                let legend: Vec<Line<'_>> = directive.content.iter().filter(|(l, _)| *l > after).copied().collect();
                self.blocks(&legend, out);
            }
        }
    }

    /// `raw:: html` goes to the page as raw HTML, which the Markdown stage
    /// treats as it treats any (`[build] raw_html`); other formats are
    /// for other builders.
    fn raw(&mut self, directive: &Directive<'_>, out: &mut Writer) {
        if !directive.argument.split_whitespace().any(|format| format == "html") {
            return;
        }
        let n = directive.line;
        out.blank(n);
        // A blank line would end the HTML block in Markdown.
        for &(line, text) in directive.content.iter().filter(|(_, text)| !text.trim().is_empty()) {
            out.line(None, line, text.trim_start());
        }
        out.line(None, n, "");
    }

    /// `toctree`: a list of links to the pages it names, with their titles.
    fn toctree(&mut self, directive: &Directive<'_>, out: &mut Writer) {
        if directive.option("hidden").is_some() {
            return;
        }
        let n = directive.line;
        if let Some(caption) = directive.option("caption") {
            let caption = self.inline(caption, n);
            out.blank(n);
            out.line(None, n, &format!("**{caption}**"));
        }
        out.blank(n);
        for &(line, entry) in directive.content.iter().filter(|(_, e)| !e.trim().is_empty()) {
            let link = self.role("doc", entry.trim(), line);
            out.line(None, line, &format!("- {link}"));
        }
        out.line(None, n, "");
    }

    /// How many folders deep the page is in `content/`, for site-absolute
    /// paths (`/images/a.png`).
    pub(super) fn depth(&self) -> usize {
        self.display.strip_prefix("content/").unwrap_or(self.display).matches('/').count()
    }
}
