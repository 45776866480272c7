//! Jupyter notebooks (`.ipynb`, nbformat 4) read as Markdown.
//!
//! Front matter comes from the notebook's `metadata.primer` or from a first
//! raw cell holding YAML. Markdown cells are kept as they are, code cells
//! become `python` blocks (so they are highlighted, tested and offered as
//! downloads like any other), and a notebook's saved outputs go under
//! their cell, between two empty marker blocks: text as `output saved`
//! blocks (shown, never checked), images as files beside the page, HTML
//! and Markdown as a saved-HTML block shown cleaned. What the last
//! `primer test` run showed replaces them on the page (see
//! [`crate::model::SAVED_OUTPUTS`]). Lines remember their cell.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;

use super::myst::Myst;
use super::{Converted, Source, Writer, fence_for};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::origins::Origins;
use crate::model::Asset;

/// Reads a notebook as Markdown, keeping the images of its saved outputs
/// in `outputs`.
pub(super) fn convert(source: &Source<'_>, outputs: &Path) -> Result<Converted, Diagnostic> {
    let folder = source.rel.rsplit_once('/').map_or("", |(folder, _)| folder);
    let mut images = Images { folder, store: outputs, found: Vec::new(), display: source.display };
    let mut myst = Myst::new(source, true);
    let (markdown, origins) = notebook(source, &mut myst, &mut images)?;
    let (warnings, labels) = myst.finish();
    Ok(Converted { markdown, origins, images: images.found, warnings, labels })
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

fn notebook(
    source: &Source<'_>,
    myst: &mut Myst<'_>,
    images: &mut Images<'_>,
) -> Result<(String, Origins), Diagnostic> {
    let (display, text, stem) = (source.display, source.text, super::file_stem(source.rel));
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
    let (first_cell, skipped) = front_matter(&mut out, &json, cells, display, stem)?;
    let language = kernel_language(&json);
    for (index, cell) in cells.iter().enumerate().skip(first_cell) {
        let number = Some(index + 1);
        let source = cell_source(cell);
        out.line(number, 0, "");
        match cell["cell_type"].as_str() {
            Some("markdown") => {
                let lines: Vec<(usize, &str)> = source
                    .lines()
                    .enumerate()
                    .map(|(n, line)| (n + 1, line))
                    .filter(|(n, _)| !skipped.contains(&(index, *n)))
                    .collect();
                myst.set_cell(number);
                myst.blocks(&lines, &mut out);
            }
            Some("code") => {
                let fence = fence_for(&source);
                out.line(number, 1, &format!("{fence}{language}{}", cell_tags(cell)));
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

/// The fence language of the notebook's code cells: its kernel's
/// language, and for Python `ipython3`, as the cells run in IPython.
fn kernel_language(json: &Value) -> String {
    let named = ["/metadata/kernelspec/language", "/metadata/language_info/name"]
        .iter()
        .find_map(|pointer| json.pointer(pointer).and_then(Value::as_str))
        .map(str::to_ascii_lowercase)
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "+-_#".contains(c)));
    match named.as_deref() {
        None | Some("python" | "python3" | "ipython" | "ipython3") => "ipython3".to_owned(),
        Some(other) => other.to_owned(),
    }
}

/// Writes the notebook's front matter: `metadata.primer`, else a first
/// raw cell of YAML, else what its first Markdown cell says: the title of
/// its first `# ` heading (or the file name) and its first paragraph as
/// the summary. Returns the index of the first cell of the body, and the
/// (cell index, line) of each line the front matter took from the body.
fn front_matter(
    out: &mut Writer,
    json: &Value,
    cells: &[Value],
    display: &str,
    stem: &str,
) -> Result<(usize, Vec<(usize, usize)>), Diagnostic> {
    if let Some(meta) = json.pointer("/metadata/primer") {
        let yaml = serde_yaml::to_string(meta).map_err(|e| notebook_problem(display, None, e.to_string()))?;
        out.line(None, 0, "---");
        out.lines(None, 0, &yaml);
        out.line(None, 0, "---");
        return Ok((0, Vec::new()));
    }
    if cells.first().is_some_and(|c| c["cell_type"] == "raw") {
        let source = cell_source(&cells[0]);
        let yaml = source.trim().trim_start_matches("---").trim_end_matches("---").trim_matches('\n');
        let skipped = source.lines().take_while(|l| l.trim().is_empty() || l.trim() == "---").count();
        out.line(Some(1), 1, "---");
        out.lines(Some(1), skipped + 1, yaml);
        out.line(Some(1), source.lines().count().max(1), "---");
        return Ok((1, Vec::new()));
    }
    // The Markdown cells before the first code cell, read as one text: a
    // title is often a cell of its own, its introduction the next cell.
    let sources: Vec<(usize, String)> = cells
        .iter()
        .enumerate()
        .skip_while(|(_, c)| c["cell_type"] != "markdown")
        .take_while(|(_, c)| c["cell_type"] == "markdown")
        .map(|(index, cell)| (index, cell_source(cell)))
        .collect();
    let mut places = Vec::new();
    let mut lines = Vec::new();
    for (index, source) in &sources {
        for (n, line) in source.lines().enumerate() {
            places.push((*index, n + 1));
            lines.push(line);
        }
        places.push((*index, 0));
        lines.push("");
    }
    let (derived, summary_lines) = super::head_of(&lines);
    derived.write(out, &[], 1, stem);
    Ok((0, summary_lines.into_iter().map(|i| places[i]).collect()))
}

/// The attributes a code cell's Jupyter tags ask for: `raises-exception`
/// expects an error, `skip-execution` is shown and not run.
fn cell_tags(cell: &Value) -> &'static str {
    let tags = cell.pointer("/metadata/tags").and_then(Value::as_array);
    let has = |tag: &str| tags.is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(tag)));
    if has("raises-exception") {
        " should_fail"
    } else if has("skip-execution") {
        " ignore"
    } else {
        ""
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Converted, Diagnostic> {
        convert(&Source { display: "content/n.ipynb", rel: "n.ipynb", text }, Path::new("unused"))
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
        let converted = read(&notebook_text).expect("valid");
        let (markdown, origins) = (converted.markdown, converted.origins);
        assert_eq!(
            markdown,
            "---\ntitle: N\nsumary: typo\n---\n\n# Head\n\nText.\n\n```ipython3\nprint(1)\n```\n\n```primer-saved-outputs\n```\n\n```output saved\n1\n```\n\n```primer-saved-outputs-end\n```\n"
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
        let converted = read(&text).expect("valid");
        assert_eq!(converted.markdown, "---\ntitle: n\n---\n\n````ipython3\ns = '```'\nprint(s)\n````\n");
    }

    #[test]
    fn a_notebook_without_primer_metadata_takes_its_title_and_summary_from_its_first_cell() {
        let text = serde_json::json!({
            "nbformat": 4, "metadata": { "kernelspec": { "name": "python3" } },
            "cells": [
                { "cell_type": "markdown", "metadata": {}, "source": "# Sorting Arrays\n\nSort arrays *fast*\nwith NumPy.\n\nMore text." },
                { "cell_type": "code", "metadata": {}, "source": "print(1)", "outputs": [] }
            ]
        })
        .to_string();
        let converted = read(&text).expect("valid");
        assert_eq!(
            converted.markdown,
            "---\ntitle: Sorting Arrays\nsummary: Sort arrays *fast* with NumPy.\n---\n\n# Sorting Arrays\n\n\nMore text.\n\n```ipython3\nprint(1)\n```\n"
        );
        let untitled = serde_json::json!({ "nbformat": 4, "metadata": {}, "cells": [] }).to_string();
        assert_eq!(read(&untitled).expect("valid").markdown, "---\ntitle: n\n---\n");
    }

    #[test]
    fn jupyter_cell_tags_say_whether_a_cell_runs_and_may_fail() {
        let cell = |tag: &str| {
            format!(r#"{{"cell_type": "code", "metadata": {{"tags": ["{tag}"]}}, "source": "x", "outputs": []}}"#)
        };
        let text = format!(
            r#"{{"nbformat": 4, "metadata": {{}}, "cells": [{}, {}]}}"#,
            cell("raises-exception"),
            cell("skip-execution")
        );
        let markdown = read(&text).expect("notebook").markdown;
        assert!(markdown.contains("```ipython3 should_fail\nx\n```"), "{markdown}");
        assert!(markdown.contains("```ipython3 ignore\nx\n```"), "{markdown}");
    }

    #[test]
    fn bad_notebooks_name_the_file_and_the_cell() {
        let notebook = read;
        let problem = notebook("{\"cells\": [").expect_err("invalid");
        assert!(problem.location().starts_with("content/n.ipynb:1:"), "{}", problem.location());
        let old = notebook(r#"{"nbformat": 3, "worksheets": []}"#).expect_err("old");
        assert!(old.message.contains("nbformat 3"), "{}", old.message);
        let odd = r#"{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "markdown", "source": ""}, {"cell_type": "weird", "source": ""}]}"#;
        assert_eq!(notebook(odd).expect_err("odd").location(), "content/n.ipynb (cell 2)");
    }
}
