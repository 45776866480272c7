//! Fenced code blocks: the info string and syntax highlighting.
//!
//! Highlighting runs at build time with syntect and emits CSS classes, not
//! inline styles, so one stylesheet per colour scheme themes every block.
//! A language syntect does not know renders as escaped plain text.

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use std::collections::HashMap;

use super::Spanned;
use crate::snippets::extract::runnable_code;
use crate::snippets::{BlockResult, Status, code_hash};

/// Prefix of every highlighting class, so theme CSS cannot collide with it.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// What the info string of a fenced block says: ```` ```python name=x ````.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct CodeInfo {
    pub(crate) lang: String,
    /// Words after the language, split on spaces and commas.
    pub(crate) attrs: Vec<String>,
}

impl CodeInfo {
    pub(crate) fn parse(info: &str) -> Self {
        let mut words =
            info.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()).map(str::to_owned);
        let lang = words.next().unwrap_or_default();
        Self { lang, attrs: words.collect() }
    }
}

/// Highlights code with syntect's bundled syntaxes; built once per build.
#[derive(Debug)]
pub(crate) struct Highlighter {
    syntaxes: SyntaxSet,
}

impl Highlighter {
    pub(crate) fn new() -> Self {
        Self { syntaxes: SyntaxSet::load_defaults_newlines() }
    }

    /// Whether `lang` names a syntax primer can highlight.
    pub(crate) fn knows(&self, lang: &str) -> bool {
        self.syntaxes.find_syntax_by_token(lang).is_some()
    }

    /// The inner HTML of a `<code>` element for `code` in language `lang`.
    pub(crate) fn highlight(&self, code: &str, lang: &str) -> String {
        let syntax = match lang {
            "" | "text" | "plain" | "output" | "console" => None,
            _ => self.syntaxes.find_syntax_by_token(lang),
        };
        let Some(syntax) = syntax else {
            return escape_html(code);
        };
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if generator.parse_html_for_line_which_includes_newline(line).is_err() {
                // A syntax definition that fails on some input must not
                // lose the reader's code: fall back to plain text.
                return escape_html(code);
            }
        }
        generator.finalize()
    }
}

/// Replaces each code block with its highlighted HTML and a copy button.
/// A block that `primer test` ran gets its captured output beneath it,
/// unless the author wrote an output block there.
pub(super) fn transform<'a>(
    events: Vec<Spanned<'a>>,
    highlighter: &Highlighter,
    captured: &HashMap<&str, &BlockResult>,
) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut block: Option<(CodeInfo, String, std::ops::Range<usize>)> = None;
    let mut pending: Option<Spanned<'a>> = None;
    for (event, range) in events {
        if let Some(capture) = pending.take() {
            let output_follows = matches!(&event, Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if CodeInfo::parse(info).lang == "output");
            if !output_follows {
                out.push(capture);
            }
        }
        match (event, &mut block) {
            (Event::Start(Tag::CodeBlock(kind)), _) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => CodeInfo::parse(&info),
                    CodeBlockKind::Indented => CodeInfo::default(),
                };
                block = Some((info, String::new(), range));
            }
            (Event::Text(text), Some((_, code, _))) => code.push_str(&text),
            (Event::End(TagEnd::CodeBlock), _) => {
                if let Some((info, code, range)) = block.take() {
                    out.push((Event::Html(block_html(highlighter, &info, &code).into()), range.clone()));
                    let hash = code_hash(&info.lang, &runnable_code(&info.lang, &code));
                    pending = captured
                        .get(hash.as_str())
                        .and_then(|r| captured_html(r))
                        .map(|html| (Event::Html(html.into()), range));
                }
            }
            (event, _) => out.push((event, range)),
        }
    }
    out.extend(pending);
    out
}

/// What a block printed in the last test run, when it ran and printed.
fn captured_html(result: &BlockResult) -> Option<String> {
    let failed = matches!(result.status, Status::Failed(_));
    if !matches!(result.status, Status::Passed) && !failed {
        return None;
    }
    let mut html = String::new();
    for (stream, text) in [("stdout", &result.stdout), ("stderr", &result.stderr)] {
        if !text.trim().is_empty() {
            html.push_str(&format!(
                "<div class=\"output-block output-{stream} captured\"><span class=\"output-label\">Output</span><pre><samp>{}</samp></pre></div>\n",
                escape_html(text.trim_end())
            ));
        }
    }
    (!html.is_empty()).then_some(html)
}

fn block_html(highlighter: &Highlighter, info: &CodeInfo, code: &str) -> String {
    if info.lang == "output" {
        // Expected output of the block above: shown as output, not code.
        let stream = if info.attrs.iter().any(|a| a == "stderr") { "stderr" } else { "stdout" };
        return format!(
            "<div class=\"output-block output-{stream}\"><span class=\"output-label\">Output</span><pre><samp>{}</samp></pre></div>\n",
            escape_html(code)
        );
    }
    let code = crate::snippets::extract::visible_code(&info.lang, code);
    let body = highlighter.highlight(&code, &info.lang);
    let lang = escape_html(&info.lang);
    let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{lang}\"") };
    format!(
        "<div class=\"code-block\" data-lang=\"{lang}\"><button type=\"button\" class=\"copy-code\" aria-label=\"Copy code\">Copy</button><pre class=\"hl\"><code{class}>{body}</code></pre></div>\n"
    )
}

/// The highlighting stylesheets: one for the light scheme, and one for the
/// dark scheme that applies when the reader's system prefers dark (unless
/// the page is switched to light) or when the page is switched to dark.
pub(crate) fn stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|theme| css_for_theme_with_class_style(theme, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    let light = css(LIGHT_THEME);
    let dark_rules = css(DARK_THEME);
    let dark = format!(
        "{}\n@media (prefers-color-scheme: dark) {{\n{}}}\n",
        scope_rules(&dark_rules, "html[data-theme=\"dark\"]"),
        scope_rules(&dark_rules, "html:not([data-theme=\"light\"])"),
    );
    (light, dark)
}

/// Prefixes every selector of a flat stylesheet with `scope`.
fn scope_rules(css: &str, scope: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    for rule in css.split_inclusive('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            continue;
        };
        let selectors = strip_comments(selectors);
        let scoped: Vec<String> =
            selectors.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| format!("{scope} {s}")).collect();
        if !scoped.is_empty() {
            out.push_str(&scoped.join(", "));
            out.push_str(" {");
            out.push_str(body);
            out.push('\n');
        }
    }
    out
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..].find("*/").map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_string_splits_language_and_attributes() {
        let info = CodeInfo::parse("rust,ignore timeout=5");
        assert_eq!(info.lang, "rust");
        assert_eq!(info.attrs, vec!["ignore", "timeout=5"]);
    }

    #[test]
    fn known_language_gets_classes_and_unknown_is_escaped() {
        let highlighter = Highlighter::new();
        let html = highlighter.highlight("def f():\n    return 1\n", "python");
        assert!(html.contains("class=\"hl-"), "{html}");
        let plain = highlighter.highlight("<b>x</b>\n", "no-such-language");
        assert_eq!(plain, "&lt;b&gt;x&lt;/b&gt;\n");
    }

    #[test]
    fn dark_stylesheet_is_scoped() {
        let (light, dark) = stylesheets();
        assert!(light.contains(".hl-"), "light css has classes");
        assert!(dark.contains("html[data-theme=\"dark\"] .hl-"), "dark css is scoped");
        assert!(dark.contains("@media (prefers-color-scheme: dark)"));
    }
}
