//! Stage 2b: read notebook and script pages.
//!
//! A Jupyter notebook (`.ipynb`, nbformat 4) or a percent-format Python
//! script (`.py` opening with a `# ---` front matter block, cells split by
//! `# %%` lines, jupytext's convention) in `content/` is a page. This stage
//! turns each into the Markdown document every later stage reads: front
//! matter, Markdown cells as they are, code cells as `python` blocks (so
//! they are highlighted, tested and offered as downloads like any other),
//! and a notebook's saved outputs under their cell, between two empty
//! marker blocks: text as `output saved` blocks (shown, never checked),
//! images as files beside the page, HTML through the sanitizer. What the
//! last `primer test` run showed replaces them on the page (see
//! [`crate::model::SAVED_OUTPUTS`]).
//!
//! Front matter comes from the notebook's `metadata.primer` or from a first
//! raw cell holding YAML; a script's is its leading comment block. Every
//! line of the Markdown remembers where it came from (`Origins`), so a
//! problem found later is reported at the cell and line of the notebook,
//! or the line of the script. Hands on [`SourceDoc`]s.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::diagnostic::origins::Origins;
use crate::model::Asset;

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
}

/// Whether a `.py` file is a script page, by its first bytes (2 KiB are
/// plenty): `# ---` front matter, or a sphinx-gallery docstring. Every
/// `.ipynb` file is a page.
pub(crate) fn is_script_page(text_start: &[u8]) -> bool {
    let start = String::from_utf8_lossy(text_start);
    let lines: Vec<&str> = start.lines().collect();
    script_front_matter(text_start) || gallery_title(&lines).is_some()
}

fn script_front_matter(start: &[u8]) -> bool {
    let start = start.strip_prefix(b"\xef\xbb\xbf").unwrap_or(start);
    start.starts_with(b"# ---\n") || start.starts_with(b"# ---\r\n")
}

/// A notebook or script page read as Markdown.
#[derive(Debug)]
pub(crate) struct Converted {
    pub(crate) markdown: String,
    pub(crate) origins: Origins,
    /// Images a notebook's saved outputs hold, kept by content hash under
    /// `outputs` and copied next to the page like any asset.
    pub(crate) images: Vec<Asset>,
}

/// The Markdown document of a notebook or script page, where its lines
/// come from, and the images of its saved outputs, stored in `outputs`.
pub(crate) fn convert(display: &str, rel: &str, text: &str, outputs: &Path) -> Result<Converted, Diagnostic> {
    if rel.ends_with(".ipynb") {
        let folder = rel.rsplit_once('/').map_or("", |(folder, _)| folder);
        let mut images = Images { folder, store: outputs, found: Vec::new(), display };
        let (markdown, origins) = notebook(display, text, &mut images)?;
        Ok(Converted { markdown, origins, images: images.found })
    } else {
        let (markdown, origins) = script(text);
        Ok(Converted { markdown, origins, images: Vec::new() })
    }
}

/// Where the images of a notebook's outputs go.
struct Images<'a> {
    /// The notebook's folder in `content/`: images are written beside it.
    folder: &'a str,
    store: &'a Path,
    found: Vec<Asset>,
    display: &'a str,
}

impl Images<'_> {
    /// Stores an image and returns its name beside the notebook.
    fn add(&mut self, cell: usize, bytes: &[u8], extension: &str) -> Result<String, Diagnostic> {
        let name = crate::paths::keep_output(self.store, bytes, extension)
            .map_err(|e| notebook_problem(self.display, Some(cell), format!("cannot keep an output image: {e}")))?;
        let stored = self.store.join(&name);
        let rel = if self.folder.is_empty() { name.clone() } else { format!("{}/{name}", self.folder) };
        if !self.found.iter().any(|a| a.rel == rel) {
            self.found.push(Asset { rel, path: stored });
        }
        Ok(name)
    }
}

/// Where a notebook problem is: the file, and the cell when there is one.
fn notebook_problem(display: &str, cell: Option<usize>, message: impl Into<String>) -> Diagnostic {
    Diagnostic::file(display, message).moved_to(cell, 0)
}

fn notebook(display: &str, text: &str, images: &mut Images<'_>) -> Result<(String, Origins), Diagnostic> {
    let json: Value = serde_json::from_str(text).map_err(|error| {
        Diagnostic::at(
            display,
            text,
            error.line(),
            error.column().saturating_sub(1),
            1,
            "the notebook is not valid JSON",
        )
        .with_hint(format!("{error}; open and save it in Jupyter to repair it"))
    })?;
    let format = json.get("nbformat").and_then(Value::as_u64);
    if format != Some(4) {
        let found = format.map_or_else(|| "none".to_owned(), |f| f.to_string());
        return Err(notebook_problem(
            display,
            None,
            format!("the notebook is nbformat {found}; primer reads nbformat 4"),
        )
        .with_hint("convert it with `jupyter nbconvert --to notebook --nbformat 4`"));
    }
    let cells = json.get("cells").and_then(Value::as_array).ok_or_else(|| {
        notebook_problem(display, None, "the notebook has no `cells` list").with_hint("open and save it in Jupyter")
    })?;
    let mut out = Writer::default();
    let mut first_cell = 0;
    // Front matter: `metadata.primer`, else a first raw cell of YAML.
    if let Some(meta) = json.pointer("/metadata/primer") {
        let yaml = serde_yaml::to_string(meta).map_err(|e| notebook_problem(display, None, e.to_string()))?;
        out.line(None, 0, "---");
        out.lines(None, 0, &yaml);
        out.line(None, 0, "---");
    } else if cells.first().is_some_and(|c| c["cell_type"] == "raw") {
        let source = cell_source(&cells[0]);
        let yaml = source.trim().trim_start_matches("---").trim_end_matches("---").trim_matches('\n');
        let skipped = source.lines().take_while(|l| l.trim().is_empty() || l.trim() == "---").count();
        out.line(Some(1), 1, "---");
        out.lines(Some(1), skipped + 1, yaml);
        out.line(Some(1), source.lines().count().max(1), "---");
        first_cell = 1;
    }
    for (index, cell) in cells.iter().enumerate().skip(first_cell) {
        let number = Some(index + 1);
        let source = cell_source(cell);
        out.line(number, 0, "");
        match cell["cell_type"].as_str() {
            Some("markdown") => out.lines(number, 1, &source),
            Some("code") => {
                let fence = fence_for(&source);
                out.line(number, 1, &format!("{fence}python"));
                out.lines(number, 1, &source);
                out.line(number, source.lines().count().max(1), &fence);
                outputs(&mut out, index + 1, cell, images)?;
            }
            Some("raw") => {}
            other => {
                return Err(notebook_problem(
                    display,
                    number,
                    format!("unknown cell type `{}`", other.unwrap_or("(none)")),
                )
                .with_hint("cells are `markdown`, `code` or `raw`"));
            }
        }
    }
    Ok((out.text, out.origins))
}

/// A cell's source.
fn cell_source(cell: &Value) -> String {
    multiline(&cell["source"])
}

/// Text that nbformat stores as a string or a list of lines.
fn multiline(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// Writes the outputs saved with a code cell: text as `output` blocks,
/// images as image links (the file written beside the page), HTML (a
/// pandas table) as raw HTML, which the Markdown stage sanitizes like any
/// other, Markdown as it is. Of the forms an output offers, the richest
/// one primer shows is taken, as Jupyter does.
fn outputs(out: &mut Writer, number: usize, cell: &Value, images: &mut Images<'_>) -> Result<(), Diagnostic> {
    let cell_no = Some(number);
    let alt = cell
        .pointer("/metadata/primer/alt")
        .and_then(Value::as_str)
        .map_or_else(|| crate::html::figure_alt(&cell_source(cell)), str::to_owned);
    let saved = cell["outputs"].as_array().map(Vec::as_slice).unwrap_or_default();
    if saved.is_empty() {
        return Ok(());
    }
    let rich = ["text/html", "image/svg+xml", "image/png", "text/markdown"];
    let figures = saved.iter().any(|output| rich.iter().any(|kind| output["data"].get(kind).is_some()));
    let marker = format!("```{}{}", crate::model::SAVED_OUTPUTS, if figures { " figures" } else { "" });
    out.line(cell_no, 0, "");
    out.line(cell_no, 0, &marker);
    out.line(cell_no, 0, "```");
    for output in saved {
        let text = multiline;
        let data = &output["data"];
        out.line(cell_no, 0, "");
        match output["output_type"].as_str() {
            Some("stream") => {
                let stderr = output["name"] == "stderr";
                fenced_output(out, cell_no, &text(&output["text"]), stderr);
            }
            Some("error") => {
                let message = format!("{}: {}", text(&output["ename"]), text(&output["evalue"]));
                fenced_output(out, cell_no, &message, true);
            }
            Some("execute_result" | "display_data") => {
                if let Some(html) = data.get("text/html") {
                    // Blank lines go, as they always have for these tables.
                    let html = text(html);
                    let lines: Vec<&str> = html.lines().filter(|l| !l.trim().is_empty()).collect();
                    html_output(out, cell_no, &lines.join("\n"));
                } else if let Some(svg) = data.get("image/svg+xml") {
                    let svg = crate::safety::svg::clean(&text(svg))
                        .map_err(|e| notebook_problem(images.display, cell_no, format!("a saved SVG output is {e}")))?;
                    let name = images.add(number, svg.as_bytes(), "svg")?;
                    out.line(cell_no, 0, &format!("![{}]({name})", escape_alt(&alt)));
                } else if let Some(png) = data.get("image/png") {
                    let encoded: String = text(png).split_whitespace().collect();
                    let bytes = BASE64.decode(encoded).map_err(|e| {
                        notebook_problem(
                            images.display,
                            cell_no,
                            format!("a saved PNG output is not valid base64: {e}"),
                        )
                    })?;
                    let name = images.add(number, &bytes, "png")?;
                    out.line(cell_no, 0, &format!("![{}]({name})", escape_alt(&alt)));
                } else if let Some(markdown) = data.get("text/markdown") {
                    // Rendered here, so that nothing in it is taken for the
                    // page's own code blocks: outputs are shown, never run.
                    let (markdown, mut html) = (text(markdown), String::new());
                    let parser = pulldown_cmark::Parser::new_ext(&markdown, pulldown_cmark::Options::ENABLE_TABLES);
                    pulldown_cmark::html::push_html(&mut html, parser);
                    html_output(out, cell_no, &html);
                } else if let Some(plain) = data.get("text/plain") {
                    fenced_output(out, cell_no, &text(plain), false);
                }
            }
            _ => {}
        }
    }
    out.line(cell_no, 0, "");
    out.line(cell_no, 0, &format!("```{}", crate::model::SAVED_OUTPUTS_END));
    out.line(cell_no, 0, "```");
    Ok(())
}

/// An HTML output as a saved-HTML block, which the Markdown stage shows
/// cleaned whatever `[build] raw_html` says: it is what code printed, not
/// what the author wrote.
fn html_output(out: &mut Writer, cell: Option<usize>, html: &str) {
    let html = html.trim_end_matches('\n');
    let fence = fence_for(html);
    out.line(cell, 0, &format!("{fence}{}", crate::model::SAVED_HTML));
    out.lines(cell, 0, html);
    out.line(cell, 0, &fence);
}

/// A code fence longer than any run of backticks in `text`, so the block
/// holds it whole.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn fenced_output(out: &mut Writer, cell: Option<usize>, text: &str, stderr: bool) {
    if text.trim().is_empty() {
        return;
    }
    let fence = fence_for(text);
    out.line(cell, 0, &format!("{fence}output saved{}", if stderr { " stderr" } else { "" }));
    out.lines(cell, 0, text.trim_end_matches('\n'));
    out.line(cell, 0, &fence);
}

fn escape_alt(alt: &str) -> String {
    alt.replace(['[', ']', '\n'], " ")
}

/// The kind of a script's cell.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cell {
    Code,
    /// `# %% [markdown]`: comment lines that are prose.
    Markdown,
    /// A sphinx-gallery block: its leading comment lines are prose, the
    /// rest is code.
    Gallery,
}

/// A percent-format script: `# ---` front matter, then `# %%` code cells
/// and `# %% [markdown]` cells whose lines are `# ` comments. Or a
/// sphinx-gallery example: a module docstring opening with an RST title
/// (its title and first paragraph are the front matter, the rest is
/// prose), then `# %%` blocks whose leading comment lines are prose.
fn script(text: &str) -> (String, Origins) {
    let mut out = Writer::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut at = 0;
    let mut gallery = false;
    // Front matter: the leading comment block between `# ---` lines.
    if lines.first().is_some_and(|l| l.trim_start_matches('\u{feff}').trim_end() == "# ---") {
        out.line(None, 1, "---");
        at = 1;
        while at < lines.len() && lines[at].trim_end() != "# ---" {
            out.line(None, at + 1, uncomment(lines[at]));
            at += 1;
        }
        out.line(None, at + 1, "---");
        at += 1;
    } else if let Some(after) = gallery_docstring(&lines, &mut out) {
        at = after;
        gallery = true;
    }
    // Cells: lines up to the next marker. Text before the first marker is
    // code, as jupytext reads it.
    let mut kind = Cell::Code;
    let mut cell: Vec<(usize, &str)> = Vec::new();
    for (n, line) in lines.iter().enumerate().skip(at) {
        let trimmed = line.trim_end();
        if let Some(marker) = trimmed.strip_prefix("# %%") {
            flush(&mut out, kind, &mut cell);
            kind = match (marker.contains("[markdown]") || marker.contains("[md]"), gallery) {
                (true, _) => Cell::Markdown,
                (false, true) => Cell::Gallery,
                (false, false) => Cell::Code,
            };
            continue;
        }
        cell.push((n + 1, line));
    }
    flush(&mut out, kind, &mut cell);
    (out.text, out.origins)
}

/// Writes a script's cell, its lines numbered as in the script.
fn flush(out: &mut Writer, kind: Cell, cell: &mut Vec<(usize, &str)>) {
    let blank = |line: &str| line.trim().is_empty();
    let end = cell.iter().rposition(|(_, l)| !blank(l)).map_or(0, |last| last + 1);
    let start = cell[..end].iter().position(|(_, l)| !blank(l)).unwrap_or(end);
    let body = &cell[start..end];
    // A gallery block's prose: its leading comment lines.
    let prose = match kind {
        Cell::Markdown => body.len(),
        Cell::Gallery => body.iter().position(|(_, l)| !l.trim_start().starts_with('#')).unwrap_or(body.len()),
        Cell::Code => 0,
    };
    let (text, code) = body.split_at(prose);
    if let Some(&(first, _)) = text.first() {
        out.line(None, first, "");
        for &(n, line) in text {
            // Gallery prose is RST; a `[markdown]` cell is Markdown.
            let line = uncomment(line);
            out.line(None, n, &if kind == Cell::Gallery { rst_inline(line) } else { line.to_owned() });
        }
    }
    let code_start = code.iter().position(|(_, l)| !blank(l)).unwrap_or(code.len());
    let code = &code[code_start..];
    if let (Some(&(first, _)), Some(&(last, _))) = (code.first(), code.last()) {
        let fence = fence_for(&code.iter().map(|(_, line)| *line).collect::<Vec<_>>().join("\n"));
        out.line(None, first, "");
        out.line(None, first, &format!("{fence}python"));
        for &(n, line) in code {
            out.line(None, n, line);
        }
        out.line(None, last, &fence);
    }
    cell.clear();
}

/// sphinx-gallery's title: a module docstring whose first line of text is
/// underlined the RST way. Returns the title and its line (1-based).
fn gallery_title<'a>(lines: &[&'a str]) -> Option<(usize, &'a str)> {
    let first = lines.first()?.trim_start_matches('\u{feff}');
    let quote = ["r\"\"\"", "\"\"\"", "r'''", "'''"].into_iter().find(|q| first.starts_with(q))?;
    let rest = &first[quote.len()..];
    let candidates = std::iter::once((1, rest)).chain(lines.iter().enumerate().skip(1).map(|(i, l)| (i + 1, *l)));
    let mut text = candidates.skip_while(|(_, l)| l.trim().is_empty());
    let (line, title) = text.next()?;
    let underline = text.next()?.1.trim();
    let is_underline = underline.len() >= 3 && underline.chars().all(|c| "=-~*#^".contains(c));
    is_underline.then_some((line, title.trim()))
}

/// Writes a sphinx-gallery docstring: its title and first paragraph as
/// front matter, the rest as prose. Returns the index of the first line
/// after it.
fn gallery_docstring(lines: &[&str], out: &mut Writer) -> Option<usize> {
    let (title_line, title) = gallery_title(lines)?;
    let first = lines[0].trim_start_matches('\u{feff}');
    let delimiter = if first.contains("\"\"\"") { "\"\"\"" } else { "'''" };
    // The docstring closes on a later line than the title's underline.
    let close = (title_line + 1..lines.len()).find(|&i| lines[i].contains(delimiter))?;
    let doc: Vec<(usize, &str)> = (title_line + 1..close)
        .map(|i| (i + 1, lines[i]))
        .chain([(close + 1, lines[close].split(delimiter).next().unwrap_or(""))])
        .collect();
    let start = doc.iter().position(|(_, l)| !l.trim().is_empty()).unwrap_or(doc.len());
    let end = doc[start..].iter().position(|(_, l)| l.trim().is_empty()).map_or(doc.len(), |p| start + p);
    let summary: Vec<String> = doc[start..end].iter().map(|(_, l)| rst_inline(l.trim())).collect();
    let mut meta = serde_yaml::Mapping::new();
    meta.insert("title".into(), title.into());
    if !summary.is_empty() {
        meta.insert("summary".into(), summary.join(" ").into());
    }
    out.line(None, title_line, "---");
    out.lines(None, title_line, &serde_yaml::to_string(&meta).unwrap_or_default());
    out.line(None, title_line, "---");
    for &(n, line) in &doc[end..] {
        out.line(None, n, &rst_inline(line));
    }
    Some(close + 1)
}

/// RST's inline literals (` ``code`` `) as Markdown's.
fn rst_inline(line: &str) -> String {
    line.replace("``", "`")
}

/// A comment line of a script as text: `# text` → `text`, `#` → ``.
fn uncomment(line: &str) -> &str {
    let line = line.trim_end();
    line.strip_prefix("# ").or_else(|| line.strip_prefix('#')).unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_becomes_markdown_with_its_line_numbers() {
        let script_text = "# ---\n# title: Plot\n# summary: S.\n# ---\n\n# %% [markdown]\n# Some *prose*.\n#\n# More.\n\n# %%\nx = 1\nprint(x)\n";
        let (markdown, origins) = script(script_text);
        assert_eq!(
            markdown,
            "---\ntitle: Plot\nsummary: S.\n---\n\nSome *prose*.\n\nMore.\n\n```python\nx = 1\nprint(x)\n```\n"
        );
        // `print(x)` is line 12 of the Markdown and 13 of the script.
        let problem = origins.relocate(Diagnostic::at("content/p.py", &markdown, 12, 0, 1, "x"));
        assert_eq!(problem.location(), "content/p.py:13:1");
    }

    #[test]
    fn a_sphinx_gallery_example_takes_its_title_and_summary_from_the_docstring() {
        let example = "\"\"\"\nPlotting a sine\n================\n\nDraw ``sin`` over\none period.\n\nMore prose.\n\"\"\"\n\nimport math\n\n# %%\n# Compute the values.\n#\n# Then print one.\nys = [math.sin(x) for x in range(3)]\nprint(ys[1])\n";
        assert!(is_script_page(example.as_bytes()));
        assert!(!is_script_page(b"\"\"\"Helpers for the examples.\"\"\"\nimport os\n"));
        let (markdown, origins) = script(example);
        assert_eq!(
            markdown,
            "---\ntitle: Plotting a sine\nsummary: Draw `sin` over one period.\n---\n\nMore prose.\n\n\n```python\nimport math\n```\n\nCompute the values.\n\nThen print one.\n\n```python\nys = [math.sin(x) for x in range(3)]\nprint(ys[1])\n```\n"
        );
        // `print(ys[1])` is line 19 of the Markdown and 18 of the script.
        let problem = origins.relocate(Diagnostic::at("content/p.py", &markdown, 19, 0, 1, "x"));
        assert_eq!(problem.location(), "content/p.py:18:1");
    }

    #[test]
    fn a_notebook_takes_front_matter_from_a_raw_cell_and_keeps_text_outputs() {
        let notebook_text = serde_json::json!({
            "nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [
                { "cell_type": "raw", "metadata": {}, "source": ["---\n", "title: N\n", "sumary: typo\n", "---\n"] },
                { "cell_type": "markdown", "metadata": {}, "source": "# Head\n\nText." },
                { "cell_type": "code", "metadata": {}, "source": ["print(1)"], "execution_count": 1,
                  "outputs": [{ "output_type": "stream", "name": "stdout", "text": ["1\n"] }] }
            ]
        })
        .to_string();
        let converted = convert("content/n.ipynb", "n.ipynb", &notebook_text, Path::new("unused")).expect("valid");
        let (markdown, origins) = (converted.markdown, converted.origins);
        assert_eq!(
            markdown,
            "---\ntitle: N\nsumary: typo\n---\n\n# Head\n\nText.\n\n```python\nprint(1)\n```\n\n```primer-saved-outputs\n```\n\n```output saved\n1\n```\n\n```primer-saved-outputs-end\n```\n"
        );
        let problem = origins.relocate(Diagnostic::at("content/n.ipynb", &markdown, 3, 0, 6, "unknown key"));
        assert_eq!(problem.location(), "content/n.ipynb (cell 1):3:1");
    }

    #[test]
    fn a_code_cell_holding_a_fence_gets_a_longer_one() {
        let text = serde_json::json!({
            "nbformat": 4, "metadata": {},
            "cells": [{ "cell_type": "code", "metadata": {}, "source": "s = '```'\nprint(s)", "outputs": [] }]
        })
        .to_string();
        let converted = convert("content/n.ipynb", "n.ipynb", &text, Path::new("unused")).expect("valid");
        assert_eq!(converted.markdown, "\n````python\ns = '```'\nprint(s)\n````\n");
        let (script_markdown, _) = script("# %%\ns = '```'\n");
        assert_eq!(script_markdown, "\n````python\ns = '```'\n````\n");
    }

    #[test]
    fn bad_notebooks_name_the_file_and_the_cell() {
        let notebook = |text: &str| convert("content/n.ipynb", "n.ipynb", text, Path::new("unused"));
        let problem = notebook("{\"cells\": [").expect_err("invalid");
        assert!(problem.location().starts_with("content/n.ipynb:1:"), "{}", problem.location());
        let old = notebook(r#"{"nbformat": 3, "worksheets": []}"#).expect_err("old");
        assert!(old.message.contains("nbformat 3"), "{}", old.message);
        let odd = r#"{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "markdown", "source": ""}, {"cell_type": "weird", "source": ""}]}"#;
        assert_eq!(notebook(odd).expect_err("odd").location(), "content/n.ipynb (cell 2)");
    }
}
