//! Notebook (`.ipynb`) and percent-script (`.py`) pages: read as Markdown,
//! with the cards, tags, search, links and tests Markdown pages have, and
//! problems reported at the cell and line the author wrote.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;
use serde_json::json;

/// A notebook with front matter in `metadata.primer`, a Markdown cell with
/// a heading, a callout and a link, and a code cell with saved output.
fn notebook(code: &str, saved: &str) -> String {
    json!({
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": { "name": "python3", "display_name": "Python 3", "language": "python" },
            "primer": { "title": "Plot a curve", "summary": "A notebook page with `numpy`.", "tags": ["vision"] }
        },
        "cells": [
            { "cell_type": "markdown", "metadata": {}, "source": ["## Set up\n", "\n", "> [!NOTE]\n", "> Needs nothing.\n", "\n", "See [augment](augment.md)."] },
            { "cell_type": "code", "metadata": {}, "execution_count": 1, "source": [code],
              "outputs": [{ "output_type": "stream", "name": "stdout", "text": [saved] }] },
            { "cell_type": "markdown", "metadata": {}, "source": "## Done\n\nUnicorn words here." }
        ]
    })
    .to_string()
}

const SCRIPT: &str = "# ---\n# title: A script page\n# summary: Percent cells.\n# level: beginner\n# tags: [training]\n# ---\n\n# %% [markdown]\n# ## Intro\n#\n# Some *prose* about zebras.\n\n# %%\nx = 2\nprint(x * 21)\n";

fn site() -> TestSite {
    let site = TestSite::fixture("basic");
    site.write("content/recipes/plot.ipynb", notebook("print(6 * 7)", "42\n"));
    site.write("content/tutorials/script.py", SCRIPT);
    // A script without front matter stays a file to download.
    site.write("content/recipes/helper.py", "print('not a page')\n");
    // sphinx-gallery's convention: a docstring with an RST title, then
    // `# %%` blocks whose leading comments are prose.
    site.write(
        "content/recipes/plot_sine.py",
        "\"\"\"\nPlotting a sine\n===============\n\nDraw ``sin`` over one period.\n\"\"\"\nimport math\n\n# %%\n# Print one value.\nprint(round(math.sin(1), 2))\n",
    );
    site
}

#[test]
fn notebooks_and_scripts_are_pages_with_cards_tags_search_and_downloads() {
    let site = site();
    site.build();
    let page = site.html("recipes/plot/index.html");
    assert_eq!(page.texts("article h1"), ["Plot a curve"]);
    assert_eq!(page.texts(".prose h2"), ["Set up #", "Done #"], "with their anchor links");
    assert_eq!(page.count(".callout-note"), 1);
    assert_eq!(page.attrs(".prose a[href*=augment]", "href"), ["../../recipes/augment/"]);
    assert_eq!(page.texts(".code-block[data-lang=python] code"), ["print(6 * 7)"]);
    assert_eq!(page.texts(".output-block samp"), ["42"], "the saved output shows under its cell");
    // Downloads: the notebook as written, and a script the browser builds.
    assert_eq!(page.attrs(".downloads a", "download"), ["plot.py", "plot.ipynb"]);
    assert_eq!(site.read("recipes/plot/plot.ipynb"), notebook("print(6 * 7)", "42\n"));
    let script = site.html("tutorials/script/index.html");
    assert_eq!(script.texts(".prose h2"), ["Intro #"]);
    assert_eq!(script.texts(".prose em"), ["prose"]);
    assert_eq!(script.attrs(".downloads a:not([data-build])", "href"), ["../../tutorials/script/script.py"]);
    assert_eq!(site.read("tutorials/script/script.py"), SCRIPT);
    assert_eq!(site.read("recipes/helper.py"), "print('not a page')\n");
    let gallery = site.html("recipes/plot-sine/index.html");
    assert_eq!(gallery.texts("article h1"), ["Plotting a sine"]);
    assert_eq!(gallery.texts(".lead code"), ["sin"], "the summary's RST literal is Markdown code");
    assert_eq!(gallery.texts(".prose p"), ["Print one value."]);
    assert_eq!(gallery.count(".code-block[data-lang=python]"), 2);
    // Cards and tags, with inline Markdown in the summary.
    let recipes = site.html("recipes/index.html");
    assert!(recipes.texts(".card-title").contains(&"Plot a curve".to_owned()));
    assert!(site.read("recipes/index.html").contains("A notebook page with <code>numpy</code>."));
    assert!(site.html("tags/training/index.html").texts(".card-title").contains(&"A script page".to_owned()));
    // Search finds words of both.
    for (word, url) in [("unicorn", "/recipes/plot/"), ("zebras", "/tutorials/script/")] {
        let found = site.run(&["search", word]);
        assert!(found.stdout.contains(url), "{word}: {}", found.stdout);
    }
}

#[test]
fn primer_test_runs_their_code_shows_its_output_and_reports_cell_and_line() {
    let site = site();
    // The saved output is what some past run printed: shown, not checked.
    site.write("content/recipes/plot.ipynb", notebook("print(6 * 7)", "41\n"));
    site.build();
    assert_eq!(site.html("recipes/plot/index.html").texts(".output-block samp"), ["41"]);
    let run = site.run(&["test"]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok   content/recipes/plot.ipynb (1 passed"), "{}", run.stdout);
    assert!(run.stdout.contains("ok   content/tutorials/script.py (1 passed"), "{}", run.stdout);
    // What the test run printed replaces it.
    site.build();
    assert_eq!(site.html("recipes/plot/index.html").texts(".output-block samp"), ["42"]);
    // A cell that fails is reported at its cell and line.
    site.write("content/recipes/plot.ipynb", notebook("x = 1\nraise SystemExit(3)", "42\n"));
    let failed = site.run(&["test"]);
    assert!(!failed.success);
    assert!(failed.stdout.contains("--> content/recipes/plot.ipynb (cell 2):1\n"), "{}", failed.stdout);
    // Blessing never rewrites a notebook: it is not Markdown.
    let blessed = site.run(&["test", "--bless"]);
    assert!(!blessed.success, "{}", blessed.stdout);
    assert_eq!(site.read_source("content/recipes/plot.ipynb"), notebook("x = 1\nraise SystemExit(3)", "42\n"));
}

#[test]
fn bad_notebooks_and_scripts_name_the_file_cell_and_line() {
    let bad = |rel: &str, text: &str, expected: &[&str]| {
        let site = TestSite::fixture("basic");
        site.write(rel, text);
        let run = site.build_fails();
        for fragment in expected {
            assert!(run.stderr.contains(fragment), "{fragment:?} in:\n{}", run.stderr);
        }
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    };
    bad(
        "content/recipes/n.ipynb",
        "{\"cells\": [\n  {\"cell_type\": ",
        &["the notebook is not valid JSON", "content/recipes/n.ipynb:2:"],
    );
    bad(
        "content/recipes/n.ipynb",
        r#"{"nbformat": 3, "worksheets": []}"#,
        &["nbformat 3; primer reads nbformat 4", "nbconvert"],
    );
    let raw_front_matter = json!({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [
            { "cell_type": "raw", "metadata": {}, "source": "---\ntitle: T\nsumary: typo\n---\n" },
            { "cell_type": "markdown", "metadata": {}, "source": "Text." }
        ]
    });
    bad(
        "content/recipes/n.ipynb",
        &raw_front_matter.to_string(),
        &["unknown front matter key `sumary`", "content/recipes/n.ipynb (cell 1):3:1", "did you mean `summary`?"],
    );
    // `primer test` reads the pages too, and says the same.
    let site = TestSite::fixture("basic");
    site.write("content/recipes/n.ipynb", raw_front_matter.to_string());
    let tested = site.run(&["test"]);
    assert!(!tested.success);
    assert!(tested.stderr.contains("content/recipes/n.ipynb (cell 1):3:1"), "{}", tested.stderr);
    let bad_png = json!({
        "nbformat": 4, "metadata": { "primer": { "title": "T", "summary": "S" } },
        "cells": [{ "cell_type": "code", "metadata": {}, "source": "plot()",
                    "outputs": [{ "output_type": "display_data", "metadata": {}, "data": { "image/png": "not base64!!" } }] }]
    });
    bad(
        "content/recipes/n.ipynb",
        &bad_png.to_string(),
        &["a saved PNG output is not valid base64", "content/recipes/n.ipynb (cell 1)"],
    );
    let odd_cell = json!({ "nbformat": 4, "metadata": {}, "cells": [{ "cell_type": "widget", "source": "" }] });
    bad(
        "content/recipes/n.ipynb",
        &odd_cell.to_string(),
        &["unknown cell type `widget`", "content/recipes/n.ipynb (cell 1)"],
    );
    bad(
        "content/recipes/s.py",
        "# ---\n# title: T\n# summary: S\n# levle: beginner\n# ---\n# %%\nprint(1)\n",
        &["unknown front matter key `levle`", "content/recipes/s.py:4:3", "4 | # levle: beginner"],
    );
    // A broken link in a Markdown cell is reported at its cell and line.
    let link = json!({
        "nbformat": 4, "metadata": { "primer": { "title": "T", "summary": "S" } },
        "cells": [
            { "cell_type": "markdown", "source": "Fine." },
            { "cell_type": "markdown", "source": "Line one.\nSee [gone](gone.md)." }
        ]
    });
    bad(
        "content/recipes/n.ipynb",
        &link.to_string(),
        &["missing page `gone.md`", "content/recipes/n.ipynb (cell 2):2:"],
    );
}

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

#[test]
fn saved_images_tables_and_errors_show_under_their_cells() {
    let site = TestSite::fixture("basic");
    let rich = json!({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": { "primer": { "title": "Rich outputs", "summary": "Plots and tables." } },
        "cells": [
            { "cell_type": "code", "metadata": {}, "execution_count": 1, "source": "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()",
              "outputs": [{ "output_type": "display_data", "metadata": {},
                            "data": { "image/png": PNG, "text/plain": "<Figure size 640x480 with 1 Axes>" } }] },
            { "cell_type": "code", "metadata": { "primer": { "alt": "A table of two rows" } }, "execution_count": 2, "source": "df",
              "outputs": [{ "output_type": "execute_result", "execution_count": 2, "metadata": {},
                            "data": { "text/html": ["<div>\n", "<style scoped>td { color: red }</style>\n", "\n",
                                                    "<table class=\"dataframe\"><tr><th>a</th></tr>\n", "\n", "<tr><td>1</td></tr></table>\n",
                                                    "<script>alert(1)</script><img src=x onerror=alert(2)>\n", "</div>"],
                                      "text/plain": "   a\n0  1" } }] },
            { "cell_type": "code", "metadata": {}, "execution_count": 3, "source": "1 / 0",
              "outputs": [{ "output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": [] }] }
        ]
    });
    site.write("content/recipes/rich.ipynb", rich.to_string());
    site.build();
    let page = site.html("recipes/rich/index.html");
    let src = page.attrs(".prose img[alt^=Figure]", "src");
    assert_eq!(page.attrs(".prose img[alt^=Figure]", "alt"), ["Figure made by the code above, ending with plt.show()"]);
    assert_eq!(src.len(), 1, "{src:?}");
    assert!(src[0].starts_with("../../recipes/output-") && src[0].ends_with(".png"), "{src:?}");
    let written = std::fs::read(site.out(&src[0]["../../".len()..])).unwrap();
    assert_eq!(written, base64::Engine::decode(&base64::engine::general_purpose::STANDARD, PNG).unwrap());
    // The table shows whole, through the sanitizer: no script, no handler.
    assert_eq!(page.texts(".output-html table td"), ["1"]);
    let html = site.read("recipes/rich/index.html");
    assert!(!html.contains("alert("), "scripts and handlers are removed");
    assert_eq!(page.texts(".output-stderr samp"), ["ZeroDivisionError: division by zero"]);
    // Built again from the cache: the same bytes.
    let before = site.output_snapshot();
    site.build();
    assert!(site.output_snapshot() == before);
}

/// Whether matplotlib and pandas can be imported.
fn plotting_available() -> bool {
    common::python_can_import("matplotlib, pandas")
}

const PLOTS: &str = "#| alt: Squares of 0 to 9\nimport matplotlib.pyplot as plt\nxs = list(range(10))\nplt.plot(xs, [x * x for x in xs])\nplt.show()\n\n# %%\nfig, ax = plt.subplots()\nax.bar(['a', 'b'], [3, 5])\n\n# %%\nplt.figure()\nplt.scatter(xs, xs)\nprint('three figures')\n\n# %%\nimport pandas as pd\npd.DataFrame({'x': [1, 2], 'y': [3, 4]})\n";

#[test]
fn primer_test_captures_figures_and_tables_and_a_cached_rerun_rebuilds_the_same_bytes() {
    if !plotting_available() {
        return;
    }
    let site = TestSite::fixture("basic");
    let script = format!("# ---\n# title: Three plots\n# summary: And a table.\n# ---\n\n# %%\n{PLOTS}");
    site.write("content/recipes/plots.py", script);
    // The same cells as a notebook saved without outputs.
    let mut cells: Vec<serde_json::Value> = PLOTS
        .split("\n# %%\n")
        .map(|code| json!({ "cell_type": "code", "metadata": {}, "execution_count": null, "source": code, "outputs": [] }))
        .collect();
    // What an older run saved in the first cell gives way to the new run's;
    // a saved figure that the code no longer makes stays.
    let saved_figure = json!({ "output_type": "display_data", "metadata": {}, "data": { "image/png": PNG } });
    cells[0]["outputs"] = json!([{ "output_type": "stream", "name": "stdout", "text": "old text\n" }, saved_figure]);
    cells.push(json!({ "cell_type": "code", "metadata": {}, "source": "y = 2", "outputs": [saved_figure] }));
    let notebook = json!({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": { "primer": { "title": "Three plots in a notebook", "summary": "And a table." } },
        "cells": cells
    });
    site.write("content/recipes/plots-notebook.ipynb", notebook.to_string());
    let run = site.run(&["test"]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    site.build();
    for page in ["recipes/plots/", "recipes/plots-notebook/"] {
        let html = site.html(&format!("{page}index.html"));
        let figures = html.attrs(".output-figure img", "src");
        assert_eq!(figures.len(), 3, "{page}: {figures:?}");
        for figure in &figures {
            let svg = site.read(&format!("{page}{figure}"));
            assert!(svg.contains("<svg"), "{page}{figure} is an SVG figure");
        }
        let alts = html.attrs(".output-figure img", "alt");
        assert_eq!(
            alts[..2],
            ["Squares of 0 to 9", "Figure made by the code above, ending with ax.bar(['a', 'b'], [3, 5])"]
        );
        assert_eq!(html.texts(".output-html table tbody td"), ["1", "3", "2", "4"], "{page}: the DataFrame");
        assert_eq!(html.texts(".output-block samp"), ["three figures"]);
    }
    let notebook_page = site.html("recipes/plots-notebook/index.html");
    assert_eq!(notebook_page.count(".prose p img"), 1, "the saved figure of `y = 2` stays");
    assert!(!site.read("recipes/plots-notebook/index.html").contains("old text"));
    // Again with the cache: nothing runs, and the site is the same.
    let before = site.output_snapshot();
    let again = site.run(&["test"]);
    assert!(again.stdout.contains("ok   content/recipes/plots.py (4 passed, 0 failed, cached"), "{}", again.stdout);
    site.build();
    let after = site.output_snapshot();
    let changed: Vec<&String> = after.keys().filter(|path| after.get(*path) != before.get(*path)).collect();
    assert!(changed.is_empty() && after.len() == before.len(), "a cached rerun rebuilds the same bytes: {changed:?}");
}

/// A notebook as Jupyter saves it: no primer metadata at all.
fn plain_notebook(title: &str, summary: &str) -> String {
    json!({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": { "kernelspec": { "name": "python3", "display_name": "Python 3", "language": "python" } },
        "cells": [
            { "cell_type": "markdown", "metadata": {}, "source": format!("# {title}\n\n{summary}\n\n## Body\n\nText.") },
            { "cell_type": "code", "metadata": {}, "execution_count": 1, "source": "print(1)", "outputs": [] }
        ]
    })
    .to_string()
}

#[test]
fn notebooks_saved_by_jupyter_build_in_the_order_their_names_give() {
    let site = TestSite::fixture("basic");
    site.write("content/tutorials/book/01-zebras.ipynb", plain_notebook("Zebras first", "Stripes."));
    site.write("content/tutorials/book/02.05-apples.ipynb", plain_notebook("Apples second", "Fruit."));
    site.write("content/tutorials/book/10-middle.ipynb", plain_notebook("Middle last", "Numbers, not letters."));
    site.build();
    let page = site.html("tutorials/book/01-zebras/index.html");
    assert_eq!(page.texts("h1"), ["Zebras first"]);
    assert_eq!(page.texts(".lead"), ["Stripes."]);
    let listing = site.html("tutorials/index.html");
    let titles: Vec<String> = listing
        .texts(".card-title")
        .into_iter()
        .filter(|t| t.ends_with("first") || t.ends_with("second") || t.ends_with("last"))
        .collect();
    assert_eq!(titles, ["Zebras first", "Apples second", "Middle last"]);
}

#[test]
fn a_dataframe_index_header_is_no_empty_header_cell() {
    let site = TestSite::fixture("basic");
    let table = "<table class=\"dataframe\"><thead><tr style=\"text-align: right;\"><th></th><th>a</th></tr></thead><tbody><tr><th>0</th><td>1</td></tr></tbody></table>";
    let notebook = json!({
        "nbformat": 4, "nbformat_minor": 5, "metadata": {},
        "cells": [
            { "cell_type": "markdown", "metadata": {}, "source": "# Frames\n\nA table." },
            { "cell_type": "code", "metadata": {}, "execution_count": 1, "source": "df",
              "outputs": [{ "output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": { "text/html": table } }] }
        ]
    });
    site.write("content/recipes/frames.ipynb", notebook.to_string());
    site.build();
    let page = site.html("recipes/frames/index.html");
    assert_eq!(page.count(".output-html th"), 2, "{}", page.inner(".output-html"));
    assert_eq!(page.texts(".output-html th"), ["a", "0"]);
    assert_eq!(page.count(".output-html thead td"), 1);
}

#[test]
fn links_to_jupyter_heading_ids_reach_the_heading() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/tutorials/book/01-indices.ipynb",
        plain_notebook("Indices", "Summary.")
            .replace("## Body", "## Sorted and unsorted indices")
            .replace("Text.", "See [sorting](#Sorted-and-unsorted-indices) and [more](02-more.ipynb#Going-Further)."),
    );
    site.write(
        "content/tutorials/book/02-more.ipynb",
        plain_notebook("More", "Text.").replace("## Body", "## Going Further"),
    );
    site.build();
    let page = site.html("tutorials/book/01-indices/index.html");
    let hrefs = page.attrs(".prose a[href*='#']", "href");
    assert!(hrefs.contains(&"#sorted-and-unsorted-indices".to_owned()), "{hrefs:?}");
    assert!(hrefs.contains(&"../../../tutorials/book/02-more/#going-further".to_owned()), "{hrefs:?}");
    site.write(
        "content/tutorials/book/01-indices.ipynb",
        plain_notebook("Indices", "Summary.").replace("Text.", "See [nowhere](#No-Such-Heading)."),
    );
    let run = site.build_fails();
    assert!(run.stderr.contains("link to a missing anchor `#No-Such-Heading`"), "{}", run.stderr);
}

#[test]
fn code_in_a_markdown_cell_is_shown_and_never_run() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/recipes/shown.ipynb",
        plain_notebook("Shown code", "Read, not run.")
            .replace("Text.", "```python\\nraise SystemExit('markdown code ran')\\n```"),
    );
    let run = site.run(&["test", "content/recipes/shown.ipynb"]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok   content/recipes/shown.ipynb (1 passed"), "{}", run.stdout);
    site.build();
    assert!(site.html("recipes/shown/index.html").inner(".prose").contains("markdown code ran"));
}

fn ipython_available() -> bool {
    common::python_can_import("IPython")
}

/// A notebook whose code cells use IPython's own syntax.
fn ipython_notebook() -> String {
    let cells = [
        "%matplotlib inline\ndef double(x):\n    return 2 * x",
        "%%time\nprint('cell magic', double(21))",
        "!echo shell says hi\nlines = !printf 'a\\nb\\n'\nprint(len(lines), 'lines')",
        "t = %timeit -o -n 1 -r 1 double(2)\nprint(type(t).__name__)",
    ];
    let code: Vec<serde_json::Value> = cells
        .iter()
        .map(|source| json!({ "cell_type": "code", "metadata": {}, "execution_count": null, "source": source, "outputs": [] }))
        .collect();
    let mut all = vec![json!({ "cell_type": "markdown", "metadata": {}, "source": "# Magics\n\nIPython syntax." })];
    all.extend(code);
    json!({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": { "kernelspec": { "name": "python3", "display_name": "Python 3", "language": "python" } },
        "cells": all
    })
    .to_string()
}

#[test]
fn code_cells_run_as_ipython_runs_them() {
    if !ipython_available() {
        return;
    }
    let site = TestSite::fixture("basic");
    site.write("content/recipes/magics.ipynb", ipython_notebook());
    let run = site.run(&["test", "content/recipes/magics.ipynb"]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok   content/recipes/magics.ipynb (4 passed"), "{}", run.stdout);
    site.build();
    let page = site.html("recipes/magics/index.html");
    // Shown as written, highlighted as Python, offered in downloads as written.
    assert_eq!(page.count(".code-block[data-lang=python][data-cell]"), 4);
    assert!(page.texts(".code-block code")[0].starts_with("%matplotlib inline"));
}

#[test]
fn a_magic_without_ipython_fails_naming_the_cell_and_how_to_install_it() {
    let site = TestSite::fixture("basic");
    site.write("content/recipes/magics.ipynb", ipython_notebook());
    // An interpreter that cannot import IPython: Python without site-packages.
    site.write(
        "book.toml",
        format!("{}\n[test.runners.python]\ncommand = \"python3 -S {{file}}\"\n", site.read_source("book.toml")),
    );
    let run = site.run(&["test", "content/recipes/magics.ipynb"]);
    assert!(!run.success, "{}", run.stdout);
    let output = format!("{}{}", run.stdout, run.stderr);
    assert!(output.contains("content/recipes/magics.ipynb"), "{output}");
    assert!(output.contains("cell 2"), "the first cell with a magic is named: {output}");
    assert!(output.contains("IPython is not installed") && output.contains("-m pip install ipython"), "{output}");
}

#[test]
fn python_dialect_fences_run_as_python_and_unknown_languages_render_plain() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/recipes/dialects.md",
        "---\ntitle: Dialects\nsummary: Every way to say Python.\n---\n\
         ```py\nprint('py')\n```\n\n```python3\nprint('python3')\n```\n\n\
         ```pycon\n>>> x = 40\n>>> print(x + 2)\n42\n```\n\n\
         ```ipython\n%time y = 1\nprint('ipython', y)\n```\n\n\
         ```klingon\nqapla'\n```\n",
    );
    site.build();
    let page = site.html("recipes/dialects/index.html");
    assert_eq!(page.count(".code-block[data-lang=python]"), 4);
    assert!(page.inner(".code-block[data-lang=klingon] code").contains("qapla"));
    assert!(page.texts(".code-block[data-lang=python] code")[2].contains(">>> x = 40"), "prompts are shown");
    if ipython_available() {
        let run = site.run(&["test", "content/recipes/dialects.md"]);
        assert!(run.success, "{}{}", run.stdout, run.stderr);
        assert!(run.stdout.contains("(4 passed"), "{}", run.stdout);
    }
    // A near-miss of a runnable language is still a mistake.
    site.write("content/recipes/dialects.md", "---\ntitle: D\nsummary: S.\n---\n```pyhton\nprint(1)\n```\n");
    let run = site.build_fails();
    assert!(
        run.stderr.contains("unknown language `pyhton`") && run.stderr.contains("did you mean `python`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_syntax_error_fails_its_own_cell_after_the_cells_before_it_ran() {
    let site = TestSite::fixture("basic");
    let notebook = json!({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": { "kernelspec": { "name": "python3", "display_name": "Python 3", "language": "python" } },
        "cells": [
            { "cell_type": "markdown", "metadata": {}, "source": "# Cells\n\nEach compiled as it runs." },
            { "cell_type": "code", "metadata": {}, "execution_count": null, "source": "x = 1\nprint('first ran', x)", "outputs": [] },
            { "cell_type": "code", "metadata": {}, "execution_count": null, "source": "y = 2\nhealth[(:, 1)]", "outputs": [] }
        ]
    });
    site.write("content/recipes/cells.ipynb", notebook.to_string());
    let run = site.run(&["test", "content/recipes/cells.ipynb"]);
    assert!(!run.success);
    assert!(run.stdout.contains("(1 passed, 1 failed"), "{}{}", run.stdout, run.stderr);
    let output = format!("{}{}", run.stdout, run.stderr);
    assert!(output.contains("content/recipes/cells.ipynb (cell 3)"), "{output}");
    assert!(output.contains("SyntaxError"), "{output}");
}
