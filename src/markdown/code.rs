//! Fenced code blocks: the info string, the block's HTML (highlighted by
//! [`super::highlight`], with a copy button) and the output `primer test`
//! captured beneath it.

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use std::collections::HashMap;

use super::Spanned;
use super::api::CodeLinker;
use super::highlight::Session;
use crate::codeblock::{canonical, runnable_code, visible_code};
use crate::html::escape_html;
use crate::model::{CodeCell, SAVED_HTML, SAVED_OUTPUTS, SAVED_OUTPUTS_END};
use crate::results::{BlockResult, Status, code_hash};
use crate::safety::Sanitizer;

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

/// What the last `primer test` run left for a page's blocks, by code hash,
/// and the sanitizer its HTML tables go through.
pub(super) struct Captured<'a> {
    pub(super) blocks: HashMap<&'a str, &'a BlockResult>,
    /// Where the run kept its tables and figures.
    pub(super) store: &'a std::path::Path,
    pub(super) sanitizer: &'a Sanitizer,
    /// A link to report the failing example at a line, when the site
    /// takes feedback.
    pub(super) report: Option<&'a dyn Fn(usize) -> String>,
}

/// What renders a page's blocks, and what they hand on.
pub(super) struct Blocks<'s, 'h, 'a> {
    pub(super) highlighter: &'s mut Session<'h>,
    pub(super) linker: &'s mut CodeLinker<'a>,
    /// Python blocks, for the downloads.
    pub(super) cells: &'s mut Vec<CodeCell>,
    /// Captured figures, to be written beside the page.
    pub(super) outputs: &'s mut Vec<String>,
}

/// Replaces each code block with its highlighted HTML and a copy button.
/// A block that `primer test` ran gets its captured output beneath it,
/// text and then figures and tables, unless the author wrote an output
/// block there (a notebook's saved outputs give way to it). The files
/// of captured figures go into `outputs`, to be written beside the page.
/// Python blocks not marked `ignore` are collected into `cells`, for the
/// downloads.
pub(super) fn transform<'a>(
    events: Vec<Spanned<'a>>,
    blocks: &mut Blocks<'_, '_, '_>,
    captured: &Captured<'_>,
) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len());
    // Whether the last event closed a collected cell: an output block right
    // after it belongs to the cell.
    let mut after_cell = false;
    let mut block: Option<(CodeInfo, String, std::ops::Range<usize>)> = None;
    let mut pending: Option<(Spanned<'a>, Capture)> = None;
    // Inside a notebook cell's saved outputs that the last run's replaced.
    let mut skipping = false;
    for (event, range) in events {
        let next = match &event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => Some(CodeInfo::parse(info)),
            _ => None,
        };
        if let Some((html, capture)) = pending.take() {
            // An author's output block wins over the last run's. A
            // notebook's saved outputs give way to it, unless they hold
            // figures or tables and the run showed none.
            let saved = next.as_ref().filter(|info| info.lang == SAVED_OUTPUTS);
            let keep_saved = saved.is_some_and(|info| info.attrs.iter().any(|a| a == "figures") && !capture.rich);
            if next.as_ref().is_none_or(|info| info.lang != "output") && !keep_saved {
                out.push(html);
                blocks.outputs.extend(capture.files);
                skipping = saved.is_some();
            }
        }
        if skipping {
            if next.is_some_and(|info| info.lang == SAVED_OUTPUTS_END) {
                skipping = false;
                block =
                    Some((CodeInfo { lang: SAVED_OUTPUTS_END.to_owned(), attrs: Vec::new() }, String::new(), range));
            }
            continue;
        }
        let closes_block = matches!(event, Event::End(TagEnd::CodeBlock));
        let opens_block = matches!(event, Event::Start(Tag::CodeBlock(_)));
        if !closes_block && !opens_block && block.is_none() {
            after_cell = false;
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
                    if info.lang == SAVED_HTML {
                        out.push((Event::Html(saved_html(&code, captured.sanitizer).into()), range));
                        continue;
                    }
                    if info.lang.starts_with(SAVED_OUTPUTS) {
                        continue;
                    }
                    let runnable = runnable_code(&info.lang, &code);
                    let hash = code_hash(&info.lang, &runnable);
                    let is_cell = canonical(&info.lang) == "python" && !info.attrs.iter().any(|a| a == "ignore");
                    let html = block_html(blocks, &info, &code, is_cell.then_some(runnable.as_str()));
                    out.push((Event::Html(html.into()), range.clone()));
                    match blocks.cells.last_mut() {
                        Some(cell) if after_cell && info.lang == "output" => cell.end = range.end,
                        _ if is_cell => {
                            blocks.cells.push(CodeCell { code: runnable.clone(), start: range.start, end: range.end });
                            after_cell = true;
                        }
                        _ => after_cell = false,
                    }
                    pending = captured.blocks.get(hash.as_str()).and_then(|result| {
                        let (html, capture) = captured_html(result, captured, &runnable)?;
                        Some(((Event::Html(html.into()), range), capture))
                    });
                }
            }
            (event, _) => out.push((event, range)),
        }
    }
    if let Some((html, capture)) = pending {
        out.push(html);
        blocks.outputs.extend(capture.files);
    }
    out
}

/// What the HTML of a block's last run holds besides text.
struct Capture {
    /// Files of its figures, to be written beside the page.
    files: Vec<String>,
    /// Whether it shows figures or tables.
    rich: bool,
}

/// What a block printed and showed in the last test run, when it ran and
/// printed or showed something.
fn captured_html(result: &BlockResult, captured: &Captured<'_>, code: &str) -> Option<(String, Capture)> {
    let failed = matches!(result.status, Status::Failed(_));
    if !matches!(result.status, Status::Passed) && !failed {
        return None;
    }
    let mut html = String::new();
    let mut files = Vec::new();
    for (stream, text) in [("stdout", &result.stdout), ("stderr", &result.stderr)] {
        if !text.trim().is_empty() {
            html.push_str(&format!(
                "<div class=\"output-block output-{stream} captured\"><span class=\"output-label\">Output</span><pre tabindex=\"0\"><samp>{}</samp></pre></div>\n",
                escape_html(text.trim_end())
            ));
        }
    }
    for output in &result.rich {
        match output.kind.as_str() {
            "png" | "svg" => {
                // A figure comes as PNG and SVG: the SVG is shown, sharp at
                // any size, and the PNG is not written.
                if output.kind == "png" && result.rich.iter().any(|o| o.kind == "svg") {
                    continue;
                }
                html.push_str(&format!(
                    "<div class=\"output-figure\"><img src=\"{}\" alt=\"{}\"></div>\n",
                    escape_html(&output.file),
                    escape_html(&crate::html::figure_alt(code))
                ));
                files.push(output.file.clone());
            }
            "html" | "md" => {
                // Read at build time from the store, where the run kept it.
                let Ok(bytes) = crate::paths::read_output(captured.store, &output.file) else { continue };
                let Ok(text) = String::from_utf8(bytes) else { continue };
                let text = if output.kind == "md" { markdown_html(&text) } else { text };
                html.push_str(&output_html(&text, captured.sanitizer));
            }
            _ => {}
        }
    }
    if let (true, Some(report)) = (failed, captured.report) {
        html.push_str(&format!(
            "<a class=\"report-example\" href=\"{}\" rel=\"noopener\">Report a problem with this example</a>\n",
            escape_html(&report(result.line))
        ));
    }
    let rich = !result.rich.is_empty();
    (!html.is_empty()).then_some((html, Capture { files, rich }))
}

/// A notebook's saved HTML output, cleaned.
fn saved_html(html: &str, sanitizer: &Sanitizer) -> String {
    output_html(html.trim_end_matches('\n'), sanitizer)
}

/// HTML that code printed, cleaned, in its scrolling box. An empty
/// header cell (pandas writes one over a DataFrame's index) becomes an
/// empty data cell: a header must name its column for screen readers.
fn output_html(html: &str, sanitizer: &Sanitizer) -> String {
    static EMPTY_HEADER: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"<th(\s[^>]*)?>\s*</th>").expect("a valid pattern"));
    let clean = sanitizer.clean(html);
    let clean = EMPTY_HEADER.replace_all(&clean, "<td$1></td>");
    format!("<div class=\"output-html\">\n{clean}\n</div>\n")
}

fn markdown_html(text: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
    html
}

/// The HTML of a block. A cell of the page's downloads (`cell` being its
/// code as it runs) is marked `data-cell`, with its code in `data-code`
/// when hidden lines make it differ from what shows: the browser builds
/// the downloads from the page.
fn block_html(blocks: &mut Blocks<'_, '_, '_>, info: &CodeInfo, code: &str, cell: Option<&str>) -> String {
    if info.lang == "output" {
        // Expected output of the block above: shown as output, not code.
        let stream = if info.attrs.iter().any(|a| a == "stderr") { "stderr" } else { "stdout" };
        return format!(
            "<div class=\"output-block output-{stream}\"><span class=\"output-label\">Output</span><pre tabindex=\"0\"><samp>{}</samp></pre></div>\n",
            escape_html(code)
        );
    }
    let visible = visible_code(&info.lang, code);
    let lang = canonical(&info.lang);
    let body = blocks.linker.block(info, code, &visible, blocks.highlighter.highlight(&visible, lang));
    let code = visible;
    let lang = escape_html(lang);
    let class = if lang.is_empty() { String::new() } else { format!(" class=\"language-{lang}\"") };
    let cell = match cell {
        Some(runnable) if runnable.trim_end() != code.trim_end() => {
            format!(" data-cell data-code=\"{}\"", escape_html(runnable))
        }
        Some(_) => " data-cell".to_owned(),
        None => String::new(),
    };
    format!(
        "<div class=\"code-block\" data-lang=\"{lang}\"{cell}><button type=\"button\" class=\"copy-code\" aria-label=\"Copy code\">Copy</button><pre class=\"hl\" tabindex=\"0\"><code{class}>{body}</code></pre></div>\n"
    )
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
}
