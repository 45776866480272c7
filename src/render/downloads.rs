//! Downloads of a page's code: a Python script and a Jupyter notebook.
//!
//! A tutorial or recipe with Python blocks offers `<slug>.py`, its blocks
//! in order as `# %%` cells (an editor runs them one by one), and
//! `<slug>.ipynb`, an nbformat 4 notebook whose Markdown cells are the prose
//! between the blocks. Hidden lines are included: they make the code run.
//!
//! The reader's browser builds both from the page when a link is clicked
//! (the theme's script; the blocks carry `data-cell`), so a site does not
//! write two files per page: on a 2,000-page site they were half of all
//! files written, and on a disk each file costs about a millisecond. What
//! it costs readers: without JavaScript the links do not show, and the
//! notebook's prose cells hold the page's HTML, which Jupyter renders as
//! it renders Markdown. With a GitHub repository and `colab_branch`, the
//! notebook is also written as a file, which "Open in Colab" needs, and the
//! link downloads that file. A notebook or script page offers the file its
//! author wrote as its notebook or script, and Colab opens that notebook.

use serde::Serialize;
use serde_json::{Value, json};

use crate::config::Config;
use crate::model::{CodeCell, Kind, Page};
use crate::output::OutputFile;

/// A download link on a page.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Download {
    pub(super) label: &'static str,
    /// Site-relative URL, or an absolute one for Colab.
    pub(super) url: String,
    pub(super) external: bool,
    /// What the browser builds from the page (`script` or `notebook`),
    /// when no file stands behind the link.
    pub(super) build: Option<&'static str>,
    /// The name of the downloaded file.
    pub(super) file: String,
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
    let file = |label, name: String, bytes: Vec<u8>| {
        let path = format!("{}{name}", page.url);
        let link = Download { label, url: path.clone(), external: false, build: None, file: name };
        (link, OutputFile { path, bytes, source: Some(page.source.display.clone()) })
    };
    let built = |label, build, name: String| Download {
        label,
        url: String::new(),
        external: false,
        build: Some(build),
        file: name,
    };
    let (script_name, notebook_name) = (format!("{slug}.py"), format!("{slug}.ipynb"));
    let colab = config.repository.as_deref().and_then(|repo| repo.strip_prefix("https://github.com/"));
    let colab = colab.zip(config.colab_branch.as_deref());
    // A notebook or script page offers the file its author wrote.
    // Read when the page was discovered; should it have gone since, the
    // page is built without it, said once.
    let original = page.source.origins.as_ref().and_then(|_| {
        let path = config.content_dir.join(&page.source.rel);
        std::fs::read(&path)
            .inspect_err(|error| eprintln!("warning: {} is not offered for download: {error}", page.source.display))
            .ok()
    });
    let (original_script, original_notebook) = match original {
        Some(bytes) if page.source.rel.ends_with(".py") => (Some(bytes), None),
        original => (None, original),
    };
    let mut files = Vec::new();
    let script = match original_script {
        Some(bytes) => {
            let (link, written) = file("Python script", script_name, bytes);
            files.push(written);
            link
        }
        None => built("Python script", "script", script_name),
    };
    let notebook_bytes = match original_notebook {
        Some(bytes) => Some(bytes),
        // Colab opens the notebook from the repository: it must be a file.
        None => colab.map(|_| notebook(page, python).into_bytes()),
    };
    let mut links = vec![script];
    match notebook_bytes {
        Some(bytes) => {
            let (link, written) = file("Jupyter notebook", notebook_name, bytes);
            if let Some((path, branch)) = colab {
                let url = format!("https://colab.research.google.com/github/{path}/blob/{branch}/{}", written.path);
                links.extend([
                    link,
                    Download { label: "Open in Colab", url, external: true, build: None, file: String::new() },
                ]);
            } else {
                links.push(link);
            }
            files.push(written);
        }
        None => links.push(built("Jupyter notebook", "notebook", notebook_name)),
    }
    (links, files)
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
