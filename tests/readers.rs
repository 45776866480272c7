//! Readers on a real-sized cookbook, in headless Chromium at desktop and
//! phone sizes: inline Markdown, the tag filter for 80 tags, phones,
//! browsing from disk, the results page and accessibility (axe-core).
#![allow(clippy::unwrap_used)]

mod common;

use common::browser::Browser;
use common::cookbook;
use common::server::StaticServer;
use serde_json::json;

const PHONE: (u32, u32) = (390, 844);
const SMALL_PHONE: (u32, u32) = (320, 640);
const DESKTOP: (u32, u32) = (1280, 900);
const WIDE: (u32, u32) = (1440, 900);

fn built_cookbook() -> common::TestSite {
    let site = cookbook::cookbook();
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    site
}

fn visible_count(browser: &mut Browser, selector: &str) -> usize {
    browser.visible_texts(selector).len()
}

#[test]
fn titles_and_summaries_show_inline_markdown_and_plain_text_where_markup_cannot_go() {
    let site = built_cookbook();
    let listing = site.html("recipes/index.html");
    let title = listing.inner(".card-title a");
    assert!(title.contains("<code>mpsc</code>"), "{title}");
    let summary = listing.inner(".card-summary");
    assert!(summary.contains("<code>Sender</code>") && summary.contains("<strong>actor</strong>"), "{summary}");
    assert!(!summary.contains("<a") && !summary.contains('`') && !summary.contains("**"), "{summary}");
    let page = site.html("recipes/recipe-007/index.html");
    assert!(page.inner("h1").contains("<code>mpsc</code>"));
    assert!(page.inner(".lead").contains("<code>Sender</code>"));
    assert_eq!(page.texts("title"), ["Communicate with mpsc channels, part 7 · Rust Cookbook"]);
    let description = page.attrs("meta[name=description]", "content");
    assert!(description[0].starts_with("Send values through a Sender to an actor thread"), "{description:?}");
    let feed = site.read("atom.xml");
    assert!(feed.contains("<title>Communicate with mpsc channels, part 7</title>"), "the feed has plain text");
    assert!(!feed.contains("**actor**") && !feed.contains("`mpsc`"));
}

#[test]
fn the_tag_filter_scales_to_80_tags_with_groups_a_search_box_and_faceted_counts() {
    let Some(mut browser) = Browser::launch() else { return };
    let site = built_cookbook();
    let server = StaticServer::start(&site.path().join("public"));
    browser.set_viewport(DESKTOP.0, DESKTOP.1, false);
    browser.goto(&server.url("recipes/"));
    // The most used tags first, the rest behind "All 80 tags".
    assert_eq!(visible_count(&mut browser, "button.chip"), 12);
    let ranks =
        browser.eval("[...document.querySelectorAll('button.chip')].filter(c => !c.hidden).map(c => +c.dataset.rank)");
    assert!(ranks.as_array().unwrap().iter().all(|r| r.as_u64().unwrap() <= 12), "{ranks}");
    let mut used: Vec<String> = (0..cookbook::RECIPES).flat_map(cookbook::tags_of).collect();
    used.sort();
    used.dedup();
    assert_eq!(browser.visible_texts("[data-all-tags]"), [format!("All {} tags", used.len())]);
    browser.click("[data-all-tags]");
    assert_eq!(visible_count(&mut browser, "button.chip"), used.len());
    // Grouped in labelled rows, in the taxonomy's order.
    assert_eq!(browser.visible_texts("[data-tag-group] .filter-label"), cookbook::GROUPS);
    browser.click("[data-all-tags]");
    // The text box narrows the chips, whatever their rank.
    browser.eval("document.querySelector('[data-tag-search]').focus()");
    browser.type_text("web-");
    assert_eq!(
        browser
            .visible_texts("button.chip")
            .iter()
            .map(|t| t.split(' ').next().unwrap().to_owned())
            .collect::<Vec<_>>()
            .len(),
        10
    );
    assert_eq!(browser.visible_texts("[data-tag-group] .filter-label"), ["Web"]);
    browser.eval("{ const s = document.querySelector('[data-tag-search]'); s.value = 'nothing-like-it'; s.dispatchEvent(new Event('input')) }");
    assert_eq!(browser.visible_texts("[data-no-tags]"), ["No tag matches."]);
    browser.eval(
        "{ const s = document.querySelector('[data-tag-search]'); s.value = ''; s.dispatchEvent(new Event('input')) }",
    );

    // Faceted counts: with "all", a chip counts the cards it would leave.
    browser.click("input[name=match][value=all]");
    let first = cookbook::tag(0);
    browser.click(&format!("button.chip[data-tag='{first}']"));
    let shown = visible_count(&mut browser, "[data-cards] .card");
    let expected = (0..cookbook::RECIPES).filter(|&n| cookbook::tags_of(n).contains(&first)).count();
    assert_eq!(shown, expected);
    browser.click("[data-all-tags]");
    let counts = browser.eval(
        "[...document.querySelectorAll('button.chip')].map(c => [c.dataset.tag, +c.querySelector('.chip-count').textContent, c.disabled])",
    );
    let mut disabled = 0;
    for chip in counts.as_array().unwrap() {
        let (tag, count, off) =
            (chip[0].as_str().unwrap(), chip[1].as_u64().unwrap() as usize, chip[2].as_bool().unwrap());
        let would = (0..cookbook::RECIPES)
            .filter(|&n| cookbook::tags_of(n).iter().any(|t| t == tag) && cookbook::tags_of(n).contains(&first))
            .count();
        assert_eq!(count, would, "{tag}");
        if tag != first {
            assert_eq!(off, would == 0, "{tag} is disabled exactly when it would show nothing");
            disabled += usize::from(off);
        }
    }
    assert!(disabled > 10, "most chips give nothing with {first}: {disabled}");
    // Choosing a counted chip shows exactly that many cards.
    let (tag, count) = counts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] != json!(first) && c[1].as_u64().unwrap() > 0)
        .map(|c| (c[0].as_str().unwrap().to_owned(), c[1].as_u64().unwrap() as usize))
        .unwrap();
    browser.click(&format!("button.chip[data-tag='{tag}']"));
    assert_eq!(visible_count(&mut browser, "[data-cards] .card"), count);
    assert_eq!(browser.eval("location.search"), format!("?tags={first},{tag}&match=all"));
}

#[test]
fn phones_get_a_folded_filter_a_compact_header_and_no_sideways_scroll() {
    let Some(mut browser) = Browser::launch() else { return };
    let site = built_cookbook();
    let server = StaticServer::start(&site.path().join("public"));
    browser.set_viewport(PHONE.0, PHONE.1, true);
    browser.goto(&server.url("recipes/"));
    // The first card shows on the first screen.
    let top = browser.eval("document.querySelector('[data-cards] .card').getBoundingClientRect().top");
    assert!(top.as_f64().unwrap() < f64::from(PHONE.1) - 100.0, "first card at y = {top}");
    let header = browser.eval("document.querySelector('.site-header').getBoundingClientRect().height");
    assert!(header.as_f64().unwrap() <= 110.0, "header is {header} px tall");
    assert_eq!(browser.visible_texts("[data-filter-toggle]"), ["Filter"]);
    assert_eq!(visible_count(&mut browser, "button.chip"), 0);
    // Long summaries stop after three lines.
    let lines = browser.eval(
        "(e => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight))(document.querySelector('.card-summary'))",
    );
    assert!(lines.as_f64().unwrap() <= 3.05, "{lines} lines");
    browser.click("[data-filter-toggle]");
    assert_eq!(browser.eval("document.querySelector('[data-filter-toggle]').getAttribute('aria-expanded')"), "true");
    assert_eq!(visible_count(&mut browser, "button.chip"), 12);
    browser.click(&format!("button.chip[data-tag='{}']", cookbook::tag(1)));
    assert_eq!(browser.visible_texts("[data-filter-toggle]"), ["Filter (1)"]);

    // No page scrolls sideways at 320 px, and "On this page" comes first,
    // folded.
    browser.set_viewport(SMALL_PHONE.0, SMALL_PHONE.1, true);
    for path in ["", "recipes/", "recipes/recipe-004/", "tutorials/threads/", "tags/", "tags/web-3/", "search/?q=mpsc"]
    {
        browser.goto(&server.url(path));
        let widths = browser.eval("[document.documentElement.scrollWidth, window.innerWidth]");
        assert!(widths[0].as_u64() <= widths[1].as_u64(), "{path}: {widths}");
    }
    browser.goto(&server.url("tutorials/threads/"));
    assert_eq!(browser.eval("document.querySelector('[data-toc]').open"), false);
    let order = browser.eval(
        "document.querySelector('[data-toc]').getBoundingClientRect().top < document.querySelector('.prose').getBoundingClientRect().top",
    );
    assert_eq!(order, true, "On this page comes before the article");
    // The Copy button sits clear of the code.
    let clear = browser.eval(
        "[...document.querySelectorAll('.code-block')].every(b => b.querySelector('.copy-code').getBoundingClientRect().bottom <= b.querySelector('code').getBoundingClientRect().top + 1)",
    );
    assert_eq!(clear, true);
}

#[test]
fn a_sidebar_lists_the_section_by_group_on_wide_screens_only() {
    let Some(mut browser) = Browser::launch() else { return };
    let site = built_cookbook();
    let server = StaticServer::start(&site.path().join("public"));
    browser.set_viewport(WIDE.0, WIDE.1, false);
    browser.goto(&server.url("recipes/recipe-199/"));
    assert_eq!(browser.visible_texts(".sidebar [aria-current=page]"), ["Communicate with mpsc channels, part 199"]);
    assert_eq!(browser.eval("document.querySelector('.sidebar [aria-current=page] code').textContent"), "mpsc");
    // Scrolled to show the current page.
    let shown = browser.eval(
        "(s => { const c = s.querySelector('[aria-current=page]').getBoundingClientRect(), r = s.getBoundingClientRect(); return c.top >= r.top && c.bottom <= r.bottom; })(document.querySelector('.sidebar'))",
    );
    assert_eq!(shown, true);
    // 200 recipes: the sidebar lists the pages around this one in its
    // group, and the other groups as links to the filtered listing.
    let links = browser.eval("document.querySelectorAll('.sidebar details li a:not(.sidebar-more)').length");
    assert_eq!(links, 40);
    let others =
        browser.eval("[...document.querySelectorAll('.sidebar .sidebar-group a')].map(a => a.getAttribute('href'))");
    assert!(
        others.as_array().unwrap().iter().all(|h| h.as_str().unwrap().starts_with("../../recipes/?tags=")),
        "{others}"
    );
    let open = browser.eval("[...document.querySelectorAll('.sidebar details[open] summary')].map(s => s.textContent)");
    assert_eq!(open.as_array().unwrap().len(), 1, "the current page's group is open: {open}");
    browser.set_viewport(PHONE.0, PHONE.1, true);
    assert_eq!(visible_count(&mut browser, ".sidebar"), 0);
}

#[test]
fn the_search_panel_stays_in_view_and_ends_with_a_results_page() {
    let Some(mut browser) = Browser::launch() else { return };
    let site = built_cookbook();
    let server = StaticServer::start(&site.path().join("public"));
    for (width, height, mobile) in [(320, 640, true), (390, 844, true), (1440, 900, false)] {
        browser.set_viewport(width, height, mobile);
        browser.goto(&server.url("recipes/"));
        browser.wait_for("!document.querySelector('[data-search]').hidden");
        browser.press("/");
        browser.type_text("mpsc");
        browser.wait_for("!document.querySelector('[data-search-panel]').hidden && document.querySelectorAll('.search-results a').length > 0");
        let rect = browser
            .eval("(r => [r.left, r.right])(document.querySelector('[data-search-panel]').getBoundingClientRect())");
        assert!(rect[0].as_f64().unwrap() >= 0.0 && rect[1].as_f64().unwrap() <= f64::from(width), "{width}: {rect}");
        // Escape closes the panel and keeps focus in the box.
        browser.press("Escape");
        assert_eq!(browser.eval("document.querySelector('[data-search-panel]').hidden"), true);
        assert_eq!(browser.eval("document.activeElement.matches('[data-search-input]')"), true);
    }
    // Arrows move through the results; focus leaving the box closes it.
    // (Escape also emptied the box, as search boxes do.)
    browser.type_text("mpsc");
    browser.wait_for("!document.querySelector('[data-search-panel]').hidden");
    browser.press("ArrowDown");
    assert_eq!(browser.eval("document.activeElement.closest('.search-results') !== null"), true);
    browser.press("Escape");
    assert_eq!(browser.eval("document.activeElement.matches('[data-search-input]')"), true);
    browser.type_text("mpsc");
    browser.wait_for("!document.querySelector('[data-search-panel]').hidden");
    browser.eval("document.querySelector('.site-title').focus()");
    assert_eq!(browser.eval("document.querySelector('[data-search-panel]').hidden"), true);
    // "All N results" opens the results page, whose URL can be shared.
    browser.eval("document.querySelector('[data-search-input]').focus()");
    browser.wait_for("!document.querySelector('[data-search-panel]').hidden");
    let all = browser.visible_texts("[data-search-all]");
    assert_eq!(all, [format!("All {} results", cookbook::RECIPES)]);
    browser.click("[data-search-all]");
    browser.wait_for(
        "location.pathname.endsWith('/search/') && document.querySelectorAll('.search-page-results li').length > 0",
    );
    assert_eq!(browser.eval("location.search"), "?q=mpsc");
    assert_eq!(visible_count(&mut browser, ".search-page-results li"), cookbook::RECIPES);
    assert_eq!(browser.eval("document.querySelector('.search-page-results .result-title code').textContent"), "mpsc");
    browser.goto(&server.url("search/?q=receiver%20blocks"));
    browser.wait_for("document.querySelectorAll('.search-page-results li').length > 0");
    let excerpt = browser.eval("document.querySelector('.search-page-results .result-excerpt').innerHTML");
    assert!(excerpt.as_str().unwrap().contains("<mark>receiver</mark> <mark>blocks</mark>"), "{excerpt}");
}

#[test]
fn every_link_works_from_disk_navigation_and_search_included() {
    let Some(mut browser) = Browser::launch() else { return };
    let site = built_cookbook();
    let public = site.path().join("public");
    browser.goto(&format!("file://{}", public.join("index.html").display()));
    // Every internal link names a file, not a folder.
    let folders = browser.eval(
        "[...document.querySelectorAll('a[href]')].map(a => a.href).filter(h => h.startsWith('file:') && h.split('#')[0].endsWith('/'))",
    );
    assert_eq!(folders, json!([]), "links to folders");
    browser.click(".site-nav a[href$='recipes/index.html']");
    browser.wait_for("location.pathname.endsWith('/recipes/index.html') && document.readyState === 'complete'");
    assert_eq!(visible_count(&mut browser, "[data-cards] .card"), cookbook::RECIPES);
    browser.click("[data-cards] .card .card-title a");
    browser.wait_for(
        "/recipes\\/recipe-\\d+\\/index.html$/.test(location.pathname) && document.readyState === 'complete'",
    );
    browser.wait_for("!document.querySelector('[data-search]').hidden");
    browser.press("/");
    browser.type_text("mpsc");
    browser.wait_for("document.querySelectorAll('.search-results a').length > 0");
    browser.press("Enter");
    // The page the search started on matches the same path: wait for the
    // result's own heading, not for any recipe page.
    browser.wait_for("location.pathname.includes('/recipes/recipe-') && document.readyState === 'complete' && document.querySelector('h1 code') !== null");
    assert_eq!(browser.eval("document.querySelector('h1 code').textContent"), "mpsc");
}

#[test]
fn axe_finds_no_violation_on_any_kind_of_page_in_light_and_dark() {
    let Some(mut browser) = Browser::launch() else { return };
    let site = built_cookbook();
    let server = StaticServer::start(&site.path().join("public"));
    let mut report = Vec::new();
    for dark in [false, true] {
        browser.prefer_dark(dark);
        for (name, path, action) in [
            ("home", "", ""),
            ("listing with a tag selected", "recipes/?tags=basics-1", ""),
            ("recipe with code, output and callouts", "recipes/recipe-005/", ""),
            ("tutorial", "tutorials/threads/", ""),
            ("tags index", "tags/", ""),
            ("search open", "recipes/", "mpsc"),
            ("search with no results", "recipes/", "zzzzqqq"),
            ("results page", "search/?q=mpsc", ""),
        ] {
            browser.goto(&server.url(path));
            if !action.is_empty() {
                browser.wait_for("!document.querySelector('[data-search]').hidden");
                browser.press("/");
                browser.type_text(action);
                browser.wait_for("!document.querySelector('[data-search-panel]').hidden");
            }
            let Some(found) = browser.axe_violations() else { return };
            report.extend(found.into_iter().map(|v| format!("{name} ({}): {v}", if dark { "dark" } else { "light" })));
        }
    }
    assert!(report.is_empty(), "{} violations:\n{}", report.len(), report.join("\n"));
}
