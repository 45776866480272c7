//! Books as Jupyter Book writes them: a folder with a `_toc.yml` (Jupyter
//! Book 1) or a `myst.yml` (Jupyter Book 2) keeps the order, parts and
//! titles its toc gives, is one card in the listing, and its MyST pages
//! and notebooks build and test unchanged.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestSite;

const BOOK_1: &str = "tutorials/jb1";
const BOOK_2: &str = "tutorials/jb2";

/// Prev/next links followed from `first` to the end: the reading order.
fn reading_order(site: &TestSite, first: &str) -> Vec<String> {
    let mut order = vec![first.to_owned()];
    let mut url = first.to_owned();
    while let Some(next) = site.html(&format!("{url}index.html")).attrs(".prev-next a.next", "href").first() {
        let depth = url.matches('/').count();
        url = next[depth * 3..].to_owned();
        order.push(url.clone());
        assert!(order.len() < 20, "{order:?}");
    }
    order
}

/// MyST a reader should never see: directive fences, roles, targets.
const RAW_MYST: [&str; 8] = ["```{", ":::{", "{eq}`", "{ref}`", "{doc}`", ")=", "% A comment", "+++"];

#[test]
fn a_jupyter_book_1_keeps_its_order_parts_and_titles_and_is_one_card() {
    let site = TestSite::fixture("jupyter-books");
    site.build();
    let listing = site.html("tutorials/index.html");
    assert_eq!(listing.texts(".card-title")[2..], ["Data Science with Arrays", "Plotting Handbook"]);
    assert_eq!(listing.texts(".card .chapters"), ["4 chapters", "4 chapters"]);
    assert_eq!(
        reading_order(&site, &format!("{BOOK_1}/intro/")),
        ["tutorials/jb1/intro/", "tutorials/jb1/basics/", "tutorials/jb1/basics/arrays/", "tutorials/jb1/advanced/"]
    );
    let page = site.html(&format!("{BOOK_1}/basics/index.html"));
    assert_eq!(page.texts(".sidebar h2"), ["Data Science with Arrays"]);
    assert_eq!(page.texts(".sidebar summary"), ["Getting started", "Going further"]);
    assert_eq!(
        page.texts(".sidebar li"),
        ["Data Science with Arrays", "The Basics", "Arrays in Practice", "Advanced topics"],
        "the toc's own title wins"
    );
    assert_eq!(page.texts(".sidebar li.depth-1"), ["Arrays in Practice"]);
    assert_eq!(page.count(".sidebar details[open]"), 1, "the part holding the page is open");
}

#[test]
fn myst_pages_show_no_raw_myst() {
    let site = TestSite::fixture("jupyter-books");
    site.build();
    let page = site.html(&format!("{BOOK_1}/basics/index.html"));
    assert_eq!(page.texts("article h1"), ["The Basics"]);
    assert_eq!(page.texts(".lead"), ["Arrays hold numbers of one type."]);
    assert_eq!(page.count(".callout-note"), 1);
    assert_eq!(page.texts("details.callout-tip summary"), ["Tip: Run the cells in order"], "a dropdown folds");
    assert_eq!(page.count(".code-block[data-cell]"), 2, "code cells run, the code-block only shows");
    assert_eq!(page.texts(".equation-number"), ["(1)", "(2)"]);
    assert_eq!(page.attrs(".equation", "id"), ["mean", "variance"]);
    let links = page.attrs(".prose a", "href");
    assert!(links.contains(&"../../../tutorials/jb1/basics/#mean".to_owned()), "{links:?}");
    assert!(links.contains(&"../../../tutorials/jb1/basics/#basics-setup".to_owned()), "{links:?}");
    assert_eq!(page.texts(".prose table th"), ["Type", "Bytes"]);
    assert!(page.texts(".prose code").contains(&"sorted()".to_owned()));
    for url in ["jb1/intro", "jb1/basics", "jb1/basics/arrays", "jb1/advanced", "jb2", "jb2/wrap-up"] {
        let prose = site.html(&format!("tutorials/{url}/index.html")).inner(".prose");
        for raw in RAW_MYST {
            assert!(!prose.contains(raw), "{url} shows `{raw}`: {prose}");
        }
    }
    let advanced = site.html(&format!("{BOOK_1}/advanced/index.html"));
    assert_eq!(advanced.count(".callout-warning"), 1);
    assert_eq!(advanced.texts(".callout-tip .callout-title"), ["Tip: Broadcasting"]);
    assert_eq!(advanced.attrs(".prose img", "alt"), ["A grid of cells"]);
    let intro = site.html(&format!("{BOOK_1}/intro/index.html"));
    let texts = intro.texts(".prose a");
    assert_eq!(texts, ["the basics", "Beyond the Basics"], "a {{ref}} to a page label shows its title");
}

#[test]
fn a_jupyter_book_2_follows_its_myst_yml() {
    let site = TestSite::fixture("jupyter-books");
    site.build();
    assert_eq!(
        reading_order(&site, &format!("{BOOK_2}/")),
        [
            "tutorials/jb2/",
            "tutorials/jb2/notebooks/01-load/",
            "tutorials/jb2/notebooks/02-plot/",
            "tutorials/jb2/wrap-up/"
        ]
    );
    let page = site.html(&format!("{BOOK_2}/notebooks/01-load/index.html"));
    assert_eq!(page.texts(".sidebar h2"), ["Plotting Handbook"]);
    assert_eq!(page.texts(".sidebar summary"), ["Notebooks"]);
    assert_eq!(page.texts("article h1"), ["Loading data"]);
    let wrap = site.html(&format!("{BOOK_2}/wrap-up/index.html"));
    assert_eq!(wrap.texts(".callout-note .callout-title"), ["Note: See also"]);
    assert_eq!(wrap.attrs(".callout a", "href"), ["../../../tutorials/jb2/notebooks/01-load/"]);
}

#[test]
fn a_toc_entry_naming_a_missing_file_is_an_error_at_its_line() {
    let site = TestSite::fixture("jupyter-books");
    let toc = site.read_source(&format!("content/{BOOK_1}/_toc.yml"));
    site.write(&format!("content/{BOOK_1}/_toc.yml"), toc.replace("file: advanced", "file: advancd"));
    site.write(&format!("content/{BOOK_1}/notes.md"), "# Notes\n\nLeft out of the toc.\n");
    let run = site.build_fails();
    assert!(
        run.stderr.contains("the table of contents names `advancd`, which is no page in content/tutorials/jb1/"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/tutorials/jb1/_toc.yml:12:13"), "{}", run.stderr);
    site.write(&format!("content/{BOOK_1}/_toc.yml"), toc);
    let run = site.build();
    assert!(run.stderr.contains("not in its table of contents: `tutorials/jb1/notes.md`"), "{}", run.stderr);
    assert!(site.out(&format!("{BOOK_1}/notes/index.html")).exists(), "a page left out is still built");
    assert!(!site.out(&format!("{BOOK_1}/_toc.yml")).exists(), "the toc is read, not published");
}

#[test]
fn the_books_notebooks_and_code_cells_pass_primer_test_with_ipython() {
    if !common::python_can_import("IPython") {
        return;
    }
    let site = TestSite::fixture("jupyter-books");
    let run = site.run(&["test"]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("8 passed, 0 failed"), "{}", run.stdout);
    assert!(run.stdout.contains("content/tutorials/jb1/basics.md:66 python: marked `ignore`"), "{}", run.stdout);
}

#[test]
fn a_folder_of_numbered_notebooks_keeps_its_order_and_jupyters_links() {
    let site = TestSite::fixture("jupyter-books");
    site.build();
    let listing = site.html("tutorials/index.html");
    assert_eq!(
        listing.texts(".card-title"),
        ["Arrays First", "Frames Second", "Data Science with Arrays", "Plotting Handbook"],
        "numbered files come in their numbers' order, together"
    );
    let first = site.html("tutorials/handbook/01-arrays/index.html");
    assert_eq!(first.texts("article h1"), ["Arrays First"]);
    assert_eq!(first.texts(".lead"), ["Plots and arrays."], "a title cell and the cell after it make the head");
    assert_eq!(first.attrs(".prose p a", "href"), ["../../../tutorials/handbook/02-01-frames/#building-a-frame"]);
    assert_eq!(first.count(".code-block[data-cell]"), 1, "the ipython fence in a Markdown cell only shows");
    let second = site.html("tutorials/handbook/02-01-frames/index.html");
    assert_eq!(second.attrs("article h1", "id"), ["frames-second"], "Jupyter's link to the title reaches it");
    assert_eq!(second.attrs(".prose p a", "href"), ["#frames-second"]);
    assert_eq!(second.count(".output-html th"), 4, "{}", second.inner(".output-html"));
    assert_eq!(second.count(".output-html thead td"), 1, "no empty header cell");
}
