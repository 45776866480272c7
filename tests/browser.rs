//! Headless Chromium on a built listing: the tag filter as readers use it.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;
use common::browser::Browser;
use common::server::StaticServer;

fn visible_cards(browser: &mut Browser) -> Vec<String> {
    browser.visible_texts("[data-cards] .card .card-title")
}

#[test]
fn tag_filter_all_and_any_modes_url_state_and_no_js_fallback() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let site = TestSite::fixture("basic");
    site.build();
    let server = StaticServer::start(&site.path().join("public"));
    let listing = server.url("recipes/");
    browser.goto(&listing);
    assert_eq!(visible_cards(&mut browser), ["Load images", "Augment images", "Save a checkpoint"]);
    // JavaScript turned the chips into toggle buttons.
    assert_eq!(browser.eval("document.querySelectorAll('button.chip[aria-pressed=false]').length"), 3);

    browser.click("button.chip[data-tag=vision]");
    assert_eq!(visible_cards(&mut browser), ["Load images", "Augment images"]);
    assert_eq!(
        browser.eval("document.querySelector('button.chip[data-tag=vision]').getAttribute('aria-pressed')"),
        "true"
    );
    browser.click("button.chip[data-tag=data]");
    // Any tag (the default): vision or data.
    assert_eq!(visible_cards(&mut browser), ["Load images", "Augment images"]);
    browser.click("input[name=match][value=all]");
    // All tags: vision and data.
    assert_eq!(visible_cards(&mut browser), ["Load images"]);
    assert_eq!(browser.visible_texts("[data-count]"), ["1 of 3 shown"]);
    assert_eq!(browser.eval("location.search"), "?tags=vision,data&match=all");

    // A reload with the same URL restores the same state.
    browser.goto(&format!("{listing}?tags=vision,data&match=all"));
    assert_eq!(visible_cards(&mut browser), ["Load images"]);
    assert_eq!(browser.eval("document.querySelector('input[name=match][value=all]').checked"), true);
    assert_eq!(
        browser.eval("[...document.querySelectorAll('button.chip[aria-pressed=true]')].map(b => b.dataset.tag).join()"),
        "vision,data"
    );

    // The back button undoes the last change.
    browser.click("input[name=match][value=any]");
    assert_eq!(visible_cards(&mut browser).len(), 2);
    browser.eval("history.back()");
    browser.wait_for("location.search === '?tags=vision,data&match=all'");
    assert_eq!(visible_cards(&mut browser), ["Load images"]);

    // Level selector, and the message when nothing matches.
    browser.goto(&format!("{listing}?tags=training&level=beginner"));
    assert!(visible_cards(&mut browser).is_empty());
    assert_eq!(browser.visible_texts("[data-no-match]").len(), 1);
    browser.click("[data-no-match] [data-clear]");
    assert_eq!(visible_cards(&mut browser).len(), 3);
    assert_eq!(browser.eval("location.search"), "");

    // Chips work from the keyboard.
    browser.eval("document.querySelector('button.chip[data-tag=training]').focus()");
    browser.press(" ");
    assert_eq!(visible_cards(&mut browser), ["Save a checkpoint"]);

    // Without JavaScript every chip is a link to its static tag page.
    browser.set_javascript(false);
    browser.goto(&listing);
    assert_eq!(browser.eval("document.querySelectorAll('button.chip').length"), 0);
    assert_eq!(
        browser.eval("[...document.querySelectorAll('a.chip')].map(a => a.getAttribute('href')).join()"),
        "../tags/vision/,../tags/data/,../tags/training/"
    );
    browser.click("a.chip[data-tag=vision]");
    // The new page must have finished loading, not just started.
    browser.wait_for("location.pathname.endsWith('/tags/vision/') && document.readyState === 'complete'");
    assert_eq!(browser.visible_texts(".card .card-title"), ["Load images", "Augment images"]);
}

#[test]
fn search_box_types_filters_moves_with_the_keyboard_and_opens_a_result() {
    let Some(mut browser) = Browser::launch() else { return };
    let site = TestSite::fixture("search");
    site.build();
    let server = StaticServer::start(&site.path().join("public"));
    browser.goto(&server.url("about/"));
    browser.wait_for("!document.querySelector('[data-search]').hidden");
    // "/" focuses the box from anywhere on the page.
    browser.press("/");
    assert_eq!(browser.eval("document.activeElement.matches('[data-search-input]')"), true);
    browser.type_text("mod");
    browser.wait_for("document.querySelectorAll('.search-results a').length === 2");
    let titles = browser.visible_texts(".search-results .result-title");
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(
        titles.contains(&"Quantize a model".to_owned()) && titles.contains(&"Run a model".to_owned()),
        "{titles:?}"
    );
    // A tag narrows the results, as the card filter does.
    browser.type_text("el #performance");
    browser.wait_for("document.querySelectorAll('.search-results a').length === 1");
    assert_eq!(browser.visible_texts(".search-results .result-title"), ["Quantize a model"]);
    assert!(browser.eval("document.querySelector('.result-excerpt').innerHTML").as_str().unwrap().contains("<mark>"));
    // Arrows move to the results, Enter opens.
    browser.press("ArrowDown");
    assert_eq!(browser.eval("document.activeElement.querySelector('.result-title').textContent"), "Quantize a model");
    browser.press("Enter");
    browser.wait_for("location.pathname.endsWith('/recipes/quantize/') && document.readyState === 'complete'");
    browser.wait_for("!document.querySelector('[data-search]').hidden");
    // Titles are text, never markup.
    browser.press("/");
    browser.type_text("escaping");
    browser.wait_for("document.querySelectorAll('.search-results a').length === 1");
    assert_eq!(
        browser.eval("document.querySelector('.result-title').textContent"),
        "<script>alert(1)</script> escaping"
    );
    assert_eq!(browser.eval("document.querySelector('.result-title').children.length"), 0);
    browser.press("Escape");
    assert_eq!(browser.eval("document.querySelector('[data-search-panel]').hidden"), true);
}

#[test]
fn search_works_from_disk_without_a_server() {
    let Some(mut browser) = Browser::launch() else { return };
    let site = TestSite::fixture("search");
    site.build();
    let page = site.path().join("public/recipes/quantize/index.html");
    browser.goto(&format!("file://{}", page.display()));
    browser.wait_for("!document.querySelector('[data-search]').hidden");
    browser.eval("document.querySelector('[data-search-input]').focus()");
    browser.type_text("batches");
    browser.wait_for("document.querySelectorAll('.search-results a').length === 1");
    assert_eq!(browser.visible_texts(".search-results .result-title"), ["Fast inference"]);
}

#[test]
fn live_reload_shows_an_edit_and_the_error_overlay_without_any_action() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let site = TestSite::fixture("basic");
    let server = common::serve::DevServer::start(site.path());
    browser.goto(&server.url("/recipes/augment/"));
    browser.wait_for("document.body.innerText.includes('Flip and crop images')");
    // The page's event channel is open before the edit.
    let page = "content/recipes/augment.md";
    let original = std::fs::read_to_string(site.path().join(page)).unwrap();
    browser.wait_for("document.documentElement.dataset.primerLive === 'open'");
    site.write(page, original.replace("Text.", "Rotate each picture by a random angle."));
    browser.wait_for("document.body && document.body.innerText.includes('Rotate each picture by a random angle.')");
    site.write(page, "---\ntitle: [unclosed\n---\n");
    browser.wait_for("!!document.getElementById('primer-error-overlay')");
    let location = browser.eval("document.querySelector('.primer-error-location').textContent");
    assert_eq!(location, "content/recipes/augment.md:2:8");
    site.write(page, original.replace("Text.", "Fixed again."));
    browser.wait_for("document.body && document.body.innerText.includes('Fixed again.') && !document.getElementById('primer-error-overlay')");
}

#[test]
fn download_links_build_the_script_and_the_notebook_from_the_page() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let site = TestSite::fixture("basic");
    // A hidden line runs but does not show: the downloads carry it.
    site.write(
        "content/recipes/hidden.md",
        "---\ntitle: Hidden setup\nsummary: One line runs unseen.\n---\nFirst the setup.\n\n```python\n#~ import os\nprint(os.sep)\n```\n\n```output\n/\n```\n\nThen **more** prose.\n\n```python\nprint(2)\n```\n",
    );
    site.build();
    let server = StaticServer::start(&site.path().join("public"));
    let folder = tempfile::tempdir().unwrap();
    browser.goto(&server.url("recipes/hidden/"));
    browser.call(
        "Page.setDownloadBehavior",
        serde_json::json!({ "behavior": "allow", "downloadPath": folder.path().to_str().unwrap() }),
    );
    assert_eq!(browser.visible_texts(".downloads a"), ["Python script", "Jupyter notebook"]);
    let downloaded = |browser: &mut Browser, selector: &str, name: &str| {
        browser.click(selector);
        let path = folder.path().join(name);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !path.is_file() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name} was not downloaded: {e}"))
    };
    let script = downloaded(&mut browser, "a[data-build=script]", "hidden.py");
    assert!(script.starts_with("# Hidden setup\n#\n# One line runs unseen.\n# "), "{script}");
    assert!(script.ends_with("/recipes/hidden/\n\n# %%\nimport os\nprint(os.sep)\n\n# %%\nprint(2)\n"), "{script}");
    let notebook: serde_json::Value =
        serde_json::from_str(&downloaded(&mut browser, "a[data-build=notebook]", "hidden.ipynb")).unwrap();
    assert_eq!(notebook["nbformat"], 4);
    assert_eq!(notebook["metadata"]["kernelspec"]["name"], "python3");
    let cells = notebook["cells"].as_array().unwrap();
    let source =
        |i: usize| cells[i]["source"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect::<String>();
    let kinds: Vec<&str> = cells.iter().map(|c| c["cell_type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["markdown", "markdown", "code", "markdown", "code"]);
    assert_eq!(source(0), "# Hidden setup\n\nOne line runs unseen.");
    assert_eq!(source(1), "<p>First the setup.</p>");
    assert_eq!(source(2), "import os\nprint(os.sep)");
    // The block's output stays with its cell, not in the prose after it.
    assert_eq!(source(3), "<p>Then <strong>more</strong> prose.</p>");
    assert_eq!(source(4), "print(2)");
    assert!(cells[2]["outputs"].as_array().unwrap().is_empty() && cells[2]["execution_count"].is_null());
}

#[test]
fn a_notebook_page_with_a_wide_table_fits_a_phone_and_passes_axe() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let site = TestSite::fixture("basic");
    let header: String = (0..12).map(|i| format!("<th>column {i}</th>")).collect();
    let row: String = (0..12).map(|i| format!("<td>{}</td>", i * 1000)).collect();
    let table =
        format!("<table class=\"dataframe\"><thead><tr>{header}</tr></thead><tbody><tr>{row}</tr></tbody></table>");
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    let notebook = serde_json::json!({
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": { "primer": { "title": "Wide table", "summary": "A table wider than a phone." } },
        "cells": [
            { "cell_type": "markdown", "metadata": {}, "source": "## Data" },
            { "cell_type": "code", "metadata": {}, "execution_count": 1, "source": "df",
              "outputs": [{ "output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": { "text/html": table } }] },
            { "cell_type": "code", "metadata": { "primer": { "alt": "A dot" } }, "execution_count": 2, "source": "plot()",
              "outputs": [{ "output_type": "display_data", "metadata": {}, "data": { "image/png": png } }] }
        ]
    });
    site.write("content/recipes/wide.ipynb", notebook.to_string());
    site.build();
    let server = StaticServer::start(&site.path().join("public"));
    browser.set_viewport(320, 640, true);
    browser.goto(&server.url("recipes/wide/"));
    // A phone's layout viewport grows to fit what is too wide: compare with
    // the screen's width itself.
    let width = browser.eval("document.documentElement.scrollWidth");
    assert!(width.as_i64() <= Some(320), "the page scrolls sideways: {width}");
    // The table scrolls in its own box, which the keyboard can reach.
    let scroll = browser.eval("(() => { const b = document.querySelector('.output-html table'); return [b.scrollWidth, b.clientWidth, b.tabIndex]; })()");
    assert!(scroll[0].as_i64() > scroll[1].as_i64() && scroll[2] == 0, "{scroll}");
    for dark in [false, true] {
        browser.prefer_dark(dark);
        let Some(found) = browser.axe_violations() else { return };
        assert!(found.is_empty(), "dark: {dark}: {found:#?}");
    }
}

#[test]
fn a_gallery_page_with_math_and_long_urls_fits_a_phone_and_passes_axe() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let site = TestSite::fixture("basic");
    let config = site.read_source("book.toml").replace(
        "title = \"Fixture Tutorials\"",
        "title = \"The Extraordinarily Comprehensive Reinforcement-Learning Tutorials Collection\"",
    );
    site.write("book.toml", config);
    site.write(
        "content/tutorials/plot_urls.py",
        "\"\"\"\nReading the docs\n================\n\nFetch ``https://example.org/a/very/long/path/that/never/ends/model_weights_final_v2.pt`` first.\n\"\"\"\n\n######################################################################\n# Loss\n# ----\n#\n# The loss is :math:`\\frac{1}{n}\\sum_i (y_i - \\hat{y}_i)^2`, or\n#\n# .. math::\n#\n#    \\mathcal{L}(\\theta) = \\frac{1}{n} \\sum_{i=1}^{n} \\left(y_i - f_\\theta(x_i)\\right)^2\n#\n# Set ``TORCH_HOME=/a/very/long/path/that/never/ends/in/a/cache/folder/of/models`` too.\n\nx = 1\n",
    );
    site.build();
    let server = StaticServer::start(&site.path().join("public"));
    for width in [320, 390] {
        browser.set_viewport(width, 640, true);
        browser.goto(&server.url("tutorials/plot-urls/"));
        // A phone's layout viewport grows to fit what is too wide: compare
        // with the screen's width itself.
        let widths = browser.eval("document.documentElement.scrollWidth");
        assert!(widths.as_i64() <= Some(i64::from(width)), "the page scrolls sideways at {width} px: {widths}");
        let wide = browser.eval(&format!(
            "[...document.querySelectorAll('.site-title, .prose p, .prose code, .lead, h1')].filter(e => !e.closest('pre')).filter(e => e.getBoundingClientRect().right > {width} + 1).map(e => e.textContent.slice(0, 40))"
        ));
        assert_eq!(wide, serde_json::json!([]), "sticking out at {width} px");
    }
    let maths = browser.eval("document.querySelectorAll('.prose math').length");
    assert_eq!(maths.as_i64(), Some(2));
    for dark in [false, true] {
        browser.prefer_dark(dark);
        let Some(found) = browser.axe_violations() else { return };
        assert!(found.is_empty(), "dark: {dark}: {found:#?}");
    }
}

#[test]
fn a_book_page_with_callouts_equations_and_a_sidebar_fits_a_phone_and_passes_axe() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let site = TestSite::fixture("jupyter-books");
    site.build();
    let server = StaticServer::start(&site.path().join("public"));
    for width in [320, 1280] {
        browser.set_viewport(width, 800, width < 800);
        let pages = [
            "tutorials/jb1/basics/",
            "tutorials/jb1/basics/arrays/",
            "tutorials/jb1/advanced/",
            "tutorials/handbook/02-01-frames/",
        ];
        for page in pages {
            browser.goto(&server.url(page));
            let widths = browser.eval("document.documentElement.scrollWidth");
            assert!(widths.as_i64() <= Some(i64::from(width)), "{page} scrolls sideways at {width} px: {widths}");
            for dark in [false, true] {
                browser.prefer_dark(dark);
                let Some(found) = browser.axe_violations() else { return };
                assert!(found.is_empty(), "{page} at {width} px, dark: {dark}: {found:#?}");
            }
        }
    }
    // On a wide screen the book's contents sit beside the page.
    let sidebar = browser.eval("getComputedStyle(document.querySelector('.sidebar')).display");
    assert_eq!(sidebar.as_str(), Some("block"));
}

#[test]
fn api_pages_filter_by_name_fit_a_phone_keep_code_colours_and_pass_axe() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let site = TestSite::fixture("api-site");
    site.build();
    let server = StaticServer::start(&site.path().join("public"));
    browser.set_viewport(1280, 800, false);
    browser.goto(&server.url("api/"));
    browser.click("[data-api-filter-input]");
    browser.type_text("dataframe");
    assert_eq!(browser.visible_texts("[data-api-name] code"), ["pandas.DataFrame", "pandas.DataFrame.groupby"]);
    assert_eq!(browser.visible_texts("[data-api-module] h2 code"), ["pandas"]);
    assert_eq!(browser.visible_texts("[data-api-count]"), ["2 of 15 shown"]);
    // The query is in the address: a reload or a shared link keeps it.
    let search = browser.eval("location.search");
    assert_eq!(search.as_str(), Some("?q=dataframe"));
    browser.goto(&server.url("api/?q=reduce"));
    assert_eq!(browser.visible_texts("[data-api-name] code"), ["functools.reduce"]);
    // A linked name keeps the colour of its token.
    browser.goto(&server.url("recipes/group-rows/"));
    let colours = browser.eval(
        "[...document.querySelectorAll('pre a.api-link')].filter(a => a.textContent === 'print').map(a => [getComputedStyle(a.querySelector('span') || a).color, getComputedStyle(a).textDecorationStyle])[0]",
    );
    let plain_print = browser.eval(
        "(() => { const c = document.createElement('code'); c.innerHTML = '<span class=\"' + document.querySelector('pre a.api-link[title=print] span').className + '\">print</span>'; document.querySelector('pre').appendChild(c); const colour = getComputedStyle(c.firstChild).color; c.remove(); return colour; })()",
    );
    assert_eq!(colours[0], plain_print);
    assert_eq!(colours[1].as_str(), Some("dotted"));
    for width in [320, 1280] {
        browser.set_viewport(width, 800, width < 800);
        for page in ["api/", "api/pandas.DataFrame.groupby/", "recipes/group-rows/"] {
            browser.goto(&server.url(page));
            let widths = browser.eval("document.documentElement.scrollWidth");
            assert!(widths.as_i64() <= Some(i64::from(width)), "{page} scrolls sideways at {width} px: {widths}");
            for dark in [false, true] {
                browser.prefer_dark(dark);
                let Some(found) = browser.axe_violations() else { return };
                assert!(found.is_empty(), "{page} at {width} px, dark: {dark}: {found:#?}");
            }
        }
    }
}
