//! Tutorials as sphinx-gallery projects write them: `.py` examples with a
//! docstring header and `#####` text blocks, and `.rst` pages, copied into
//! a site unchanged. They build into pages with callouts, separate tested
//! code blocks, headings, MathML and no RST left in their prose; what
//! primer cannot read is a warning at its line, never a silent loss.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Page, TestSite};

/// An example written the way PyTorch's tutorials are.
const TUTORIAL: &str = r#"# -*- coding: utf-8 -*-
"""
Training a Classifier
=====================

**Author**: `Ann Lee <https://example.org/ann>`_

Fit a tiny model on made-up data and check how often it is right.

.. note::
   Everything here runs on a laptop, in seconds.
"""

import math

######################################################################
# Prepare the data
# ----------------
#
# We make points with :func:`math.sin` (see `the math docs`_) and keep
# them in a :class:`~builtins.list`. The loss is :math:`(y - \hat{y})^2`.
#
# .. math::
#
#    L = \frac{1}{n} \sum_i (y_i - \hat{y}_i)^2
#
# .. _the math docs: https://docs.python.org/3/library/math.html

points = [math.sin(x / 10) for x in range(10)]
# sphinx_gallery_thumbnail_number = 2

######################################################################
# Check the result
# ----------------
#
# .. list-table:: What we check
#    :header-rows: 1
#
#    * - Check
#      - Expected
#    * - ``len(points)``
#      - 10
#
# .. code-block:: python
#
#    raise SystemExit("code in prose is shown, never run")
#
# .. warning::
#    Real data is noisier.

print(len(points))

# %%
# Read more in :doc:`../recipes/save` and :ref:`save-label`.
"#;

/// A recipe written the way `.rst` recipes are.
const RECIPE: &str = r#"Save a Model
============

:Author: Bo Chen

Write a model's weights to a file, and read them back.

.. _save-label:

Saving
------

Call ``save`` with a path::

   save(model, "model.pt")

.. tip:: Keep one file per epoch.

.. customcard::
   :header: Not a directive primer knows

Text after it.
"#;

fn site() -> TestSite {
    let site = TestSite::fixture("basic");
    site.write("content/tutorials/plot_classifier.py", TUTORIAL);
    site.write("content/recipes/save.rst", RECIPE);
    site.write("content/tutorials/helpers.py", "import os\n\nROOT = os.getcwd()\n");
    site
}

/// RST markup left in the text of a page's prose, outside code and math.
fn rst_left_in(page: &Page) -> Vec<String> {
    let html = page.inner(".prose");
    let without_code = regex::Regex::new(r"(?s)<pre.*?</pre>|<code.*?</code>|<math.*?</math>").unwrap();
    let text = without_code.replace_all(&html, " ");
    let text = regex::Regex::new(r"<[^>]+>").unwrap().replace_all(&text, " ");
    let markup = regex::Regex::new(r"``|`_|:[a-z]+(:[a-z]+)?:`|\.\. [a-z-]+::|^\.\. _").unwrap();
    markup.find_iter(&text).map(|m| m.as_str().to_owned()).collect()
}

#[test]
fn a_gallery_example_builds_as_sphinx_gallery_shows_it() {
    let site = site();
    let run = site.build();
    assert!(run.stderr.contains("note: copied as a file, not a page: content/tutorials/helpers.py"), "{}", run.stderr);
    let page = site.html("tutorials/plot-classifier/index.html");
    assert_eq!(page.texts("h1"), ["Training a Classifier"]);
    assert_eq!(page.texts(".lead"), ["Fit a tiny model on made-up data and check how often it is right."]);
    assert!(page.texts(".authors").iter().any(|a| a == "By Ann Lee"), "{:?}", page.texts(".page-meta"));
    // Each stretch of code is a block of its own; code in prose is shown.
    assert_eq!(page.count(".code-block[data-cell]"), 3, "{}", page.inner(".prose"));
    assert!(page.inner(".prose").contains("code in prose is shown, never run"));
    assert!(!page.inner(".prose").contains("sphinx_gallery"));
    // Headings are in "On this page".
    let toc = page.texts(".toc nav a");
    assert!(toc.contains(&"Prepare the data".to_owned()) && toc.contains(&"Check the result".to_owned()), "{toc:?}");
    assert_eq!(page.count(".callout-note"), 1);
    assert_eq!(page.count(".callout-warning"), 1);
    assert_eq!(page.count("math"), 2);
    assert_eq!(page.count("math[display=block]"), 1);
    assert!(page.inner(".prose").contains("<annotation encoding=\"application/x-tex\">(y - \\hat{y})^2</annotation>"));
    assert_eq!(page.texts(".prose table th"), ["Check", "Expected"]);
    let links = page.attrs(".prose a[href]", "href");
    assert!(links.contains(&"https://docs.python.org/3/library/math.html".to_owned()), "{links:?}");
    assert!(links.contains(&"../../recipes/save/".to_owned()), "{links:?}");
    assert!(links.contains(&"../../recipes/save/#save-label".to_owned()), "{links:?}");
    // Links with no text show their target's title.
    let texts = page.texts(".prose a");
    assert!(texts.contains(&"Save a Model".to_owned()) && texts.contains(&"Saving".to_owned()), "{texts:?}");
    assert_eq!(rst_left_in(&page), Vec::<String>::new());
}

#[test]
fn an_rst_page_is_a_page_with_callouts_code_and_its_author() {
    let site = site();
    let run = site.build();
    let page = site.html("recipes/save/index.html");
    assert_eq!(page.texts("h1"), ["Save a Model"]);
    assert_eq!(page.texts(".lead"), ["Write a model's weights to a file, and read them back."]);
    assert!(page.texts(".authors").iter().any(|a| a == "By Bo Chen"));
    assert_eq!(page.count(".callout-tip"), 1);
    assert!(page.inner(".prose").contains("id=\"save-label\""), "{}", page.inner(".prose"));
    assert_eq!(rst_left_in(&page), Vec::<String>::new());
    // The card shows the summary, with no markup.
    let listing = site.html("recipes/index.html");
    assert!(
        listing.texts(".card-summary").contains(&"Write a model's weights to a file, and read them back.".to_owned())
    );
    // What primer does not know is a warning at its line, shown as text.
    assert!(run.stderr.contains("warning: unknown RST directive `customcard`"), "{}", run.stderr);
    assert!(run.stderr.contains("--> content/recipes/save.rst:19:4"), "{}", run.stderr);
    assert!(page.inner(".prose").contains("Not a directive primer knows"));
}

#[test]
fn every_problem_of_every_file_is_reported_at_the_line_written() {
    let site = site();
    // Front matter in a script's comments, with a typo, and a broken link
    // in an RST page: both are reported, each at its own file's line.
    site.write(
        "content/tutorials/plot_typo.py",
        "# ---\n# levle: beginner\n# ---\n\"\"\"\nTypo\n====\n\nA page.\n\"\"\"\nprint(1)\n",
    );
    site.write("content/recipes/broken.rst", "Broken\n======\n\nA page.\n\nSee :doc:`nowhere`.\n");
    let run = site.build_fails();
    assert!(run.stderr.contains("--> content/tutorials/plot_typo.py:2:3"), "{}", run.stderr);
    assert!(run.stderr.contains("2 | # levle: beginner"), "the line of the script is quoted: {}", run.stderr);
    assert!(run.stderr.contains("--> content/recipes/broken.rst:6:"), "{}", run.stderr);
    assert!(run.stderr.contains("6 | See :doc:`nowhere`."), "{}", run.stderr);
    assert!(!site.path().join("public").exists());
}

#[test]
fn broken_links_may_warn_while_a_site_moves() {
    let site = site();
    site.write("content/recipes/broken.rst", "Broken\n======\n\nA page.\n\nSee :doc:`nowhere` and `x <gone.html>`_.\n");
    let strict = site.build_fails();
    assert!(
        strict.stderr.ends_with("error: 2 problems and 1 warning found, nothing was written\n"),
        "{}",
        strict.stderr
    );
    let config = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    site.write("book.toml", format!("{config}\n[build]\nbroken_links = \"warn\"\n"));
    let run = site.build();
    assert!(run.stderr.contains("warning: link to a missing file `nowhere`"), "{}", run.stderr);
    assert!(run.stderr.contains("warning: link to a missing file `gone.html`"), "{}", run.stderr);
    assert!(run.stderr.ends_with("warning: 3 warnings\n"), "{}", run.stderr);
    assert!(site.out("recipes/broken/index.html").exists());
    let check = site.run(&["check"]);
    assert!(check.success);
    assert!(check.stdout.starts_with("No errors (3 warnings) in "), "{}", check.stdout);
}

#[test]
fn gallery_code_runs_block_after_block_and_prose_code_does_not() {
    let site = site();
    site.remove("content/recipes/save.rst");
    let run = site.run(&["test"]);
    assert!(run.success, "{}{}", run.stdout, run.stderr);
    let report = std::fs::read_to_string(site.path().join(".primer/results.json")).unwrap();
    assert!(report.contains("plot_classifier.py"), "{report}");
    // `print(len(points))` ran in the session the first blocks made.
    assert!(report.contains("\"10\\n\"") || report.contains("10\\n"), "{report}");
}

#[test]
fn reading_time_counts_the_code_as_well_as_the_prose() {
    let site = TestSite::fixture("basic");
    let code: String = (0..200).map(|i| format!("value_{i} = compute(alpha, beta, gamma)  # step {i}\n")).collect();
    site.write(
        "content/tutorials/plot_long.py",
        format!("\"\"\"\nA long guide\n============\n\nMostly code.\n\"\"\"\n\n######################################################################\n# Steps\n# -----\n\n{code}"),
    );
    site.build();
    let page = site.html("tutorials/plot-long/index.html");
    // 200 lines of 8 words: over 1,600 words, some 8 minutes.
    assert_eq!(page.texts(".reading-time"), ["8 min read"]);
}
