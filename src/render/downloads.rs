//! Downloads of a page's code: a Python script and a Jupyter notebook.
//!
//! A tutorial or recipe with Python blocks gets `<slug>.py`, its blocks in
//! order as `# %%` cells (an editor runs them one by one), and
//! `<slug>.ipynb`, an nbformat 4 notebook whose Markdown cells are the prose
//! between the blocks. Hidden lines are included: they make the code run.
//! With a GitHub repository and `colab_branch`, the page also links the
//! notebook to Google Colab.

use serde::Serialize;
use serde_json::{Value, json};

use super::OutputFile;
use crate::config::Config;
use crate::model::{CodeCell, Kind, Page};

/// A download link on a page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Download {
    pub(super) label: &'static str,
    /// Site-relative URL, or an absolute one for Colab.
    pub(super) url: String,
    pub(super) external: bool,
}

/// The downloads of a page and the files behind them.
pub(super) fn for_page(config: &Config, page: &Page) -> (Vec<Download>, Vec<OutputFile>) {
    if !matches!(page.kind, Kind::Tutorial | Kind::Recipe) {
        return (Vec::new(), Vec::new());
    }
    // The Markdown stage collected the Python blocks as it rendered them.
    let python = &page.rendered.cells;
    if python.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let slug = page.url.trim_end_matches('/').rsplit('/').next().unwrap_or("page").to_owned();
    let script = format!("{}{slug}.py", page.url);
    let notebook_url = format!("{}{slug}.ipynb", page.url);
    let mut links = vec![
        Download { label: "Python script", url: script.clone(), external: false },
        Download { label: "Jupyter notebook", url: notebook_url.clone(), external: false },
    ];
    if let (Some(repo), Some(branch)) = (config.repository.as_deref(), config.colab_branch.as_deref()) {
        if let Some(path) = repo.strip_prefix("https://github.com/") {
            let url = format!("https://colab.research.google.com/github/{path}/blob/{branch}/{notebook_url}");
            links.push(Download { label: "Open in Colab", url, external: true });
        }
    }
    let files = vec![
        OutputFile {
            path: script,
            bytes: script_text(config, page, python).into_bytes(),
            source: Some(page.source.display.clone()),
        },
        OutputFile {
            path: notebook_url,
            bytes: notebook(page, python).into_bytes(),
            source: Some(page.source.display.clone()),
        },
    ];
    (links, files)
}

fn script_text(config: &Config, page: &Page, python: &[CodeCell]) -> String {
    let mut text = format!("# {}\n#\n", page.rendered.title.plain);
    if let Some(summary) = &page.rendered.summary {
        text.push_str(&format!("# {}\n", summary.plain));
    }
    text.push_str(&format!("# {}{}\n", config.base_url, page.url));
    for snippet in python {
        text.push_str("\n# %%\n");
        text.push_str(&snippet.code);
        if !snippet.code.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

/// nbformat wants a cell's source as a list of lines, newlines kept.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

fn notebook(page: &Page, python: &[CodeCell]) -> String {
    let text = page.body();
    let mut cells: Vec<Value> = Vec::new();
    let markdown = |cells: &mut Vec<Value>, source: &str| {
        let source = source.trim_matches('\n');
        if !source.trim().is_empty() {
            let id = format!("cell-{}", cells.len());
            cells.push(json!({ "cell_type": "markdown", "id": id, "metadata": {}, "source": lines(source) }));
        }
    };
    let mut intro = format!("# {}\n", page.meta.title);
    if let Some(summary) = &page.meta.summary {
        intro.push_str(&format!("\n{summary}\n"));
    }
    markdown(&mut cells, &intro);
    let mut cursor = 0;
    for snippet in python {
        markdown(&mut cells, &text[cursor..snippet.start.max(cursor)]);
        let id = format!("cell-{}", cells.len());
        cells.push(json!({
            "cell_type": "code",
            "execution_count": null,
            "id": id,
            "metadata": {},
            "outputs": [],
            "source": lines(snippet.code.trim_end_matches('\n')),
        }));
        cursor = snippet.end;
    }
    markdown(&mut cells, &text[cursor..]);
    let notebook = json!({
        "cells": cells,
        "metadata": {
            "kernelspec": { "display_name": "Python 3", "language": "python", "name": "python3" },
            "language_info": { "name": "python" },
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    serde_json::to_string_pretty(&notebook).unwrap_or_default()
}
