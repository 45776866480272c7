//! `primer build` on fixture sites: what readers get.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::TestSite;

#[test]
fn summary_line_counts_pages_kinds_and_tags() {
    let site = TestSite::fixture("basic");
    let run = site.build();
    assert!(
        run.stdout.trim().starts_with("Built 8 pages (2 tutorials, 3 recipes, 4 tags) in [TIME] → public ("),
        "{}",
        run.stdout
    );
}

#[test]
fn timings_name_every_stage_in_order() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["build", "--timings"]);
    assert!(run.success, "{}", run.stderr);
    let stages: Vec<&str> = run.stdout.lines().skip(1).map(|l| l.split("  ").last().unwrap_or_default()).collect();
    assert_eq!(
        stages,
        [
            "read, parse and render Markdown",
            "templates (beside the search index)",
            "search index (beside the templates)",
            "write output"
        ]
    );
}

#[test]
fn listings_show_cards_with_their_fields_in_weight_then_date_order() {
    let site = TestSite::fixture("basic");
    site.build();
    let recipes = site.html("recipes/index.html");
    // No weights: newest first. The draft is left out.
    assert_eq!(recipes.texts(".card .card-title"), ["Load images", "Augment images", "Save a checkpoint"]);
    assert_eq!(recipes.texts(".card .card-summary")[0], "Read a folder of images into tensors.");
    assert_eq!(recipes.attrs(".card", "data-tags"), ["data,vision", "vision", "training"]);
    assert_eq!(recipes.attrs(".card", "data-level"), ["beginner", "intermediate", "intermediate"]);
    assert_eq!(recipes.texts(".card .badge"), ["Beginner", "Intermediate", "Intermediate"]);
    assert_eq!(recipes.texts(".card .reading-time")[0], "1 min read");
    assert_eq!(recipes.attrs(".card .card-title a", "href")[0], "../recipes/load-images/");
    assert_eq!(recipes.attrs(".card img.card-image", "src"), ["../recipes/img/cover.png"]);
    let tutorials = site.html("tutorials/index.html");
    // Weights 1 and 2 win over dates.
    assert_eq!(tutorials.texts(".card .card-title"), ["First steps", "Deploy a model"]);
    // The listing's introduction comes from tutorials/index.md.
    assert_eq!(tutorials.texts("h1"), ["All tutorials"]);
    assert!(tutorials.texts(".listing-intro").join(" ").contains("an hour or two"));
}

#[test]
fn tag_filter_has_a_chip_per_tag_with_counts_linking_to_tag_pages() {
    let site = TestSite::fixture("basic");
    site.build();
    let recipes = site.html("recipes/index.html");
    // The most used first, then by name.
    assert_eq!(recipes.attrs("a.chip", "data-tag"), ["vision", "data", "training"]);
    assert_eq!(recipes.texts("a.chip .chip-count"), ["2", "1", "1"]);
    assert_eq!(recipes.attrs("a.chip", "href"), ["../tags/vision/", "../tags/data/", "../tags/training/"]);
    assert_eq!(recipes.attrs("[data-level] option", "value"), ["", "beginner", "intermediate"]);
    assert_eq!(recipes.texts("[data-count]"), ["3 of 3 shown"]);
    assert_eq!(recipes.count("[data-no-match]"), 1);
}

#[test]
fn tag_pages_list_their_cards_and_the_tag_index_counts_them() {
    let site = TestSite::fixture("basic");
    site.build();
    let vision = site.html("tags/vision/index.html");
    assert_eq!(vision.texts(".card .card-title"), ["Load images", "Augment images"]);
    assert_eq!(vision.texts(".lead"), ["Working with images"]);
    let index = site.html("tags/index.html");
    assert_eq!(index.texts(".tag-index .tag"), ["data", "deploy", "training", "vision"]);
    // Counted by kind, as the listings' chips count them.
    assert_eq!(
        index.texts(".tag-index .count"),
        ["1 recipe · 1 tutorial", "1 tutorial", "1 recipe · 1 tutorial", "2 recipes"]
    );
    // The draft's tag page would list nothing: deploy comes from the tutorial only.
    assert_eq!(site.html("tags/deploy/index.html").texts(".card-title"), ["Deploy a model"]);
}

#[test]
fn callouts_of_every_kind_render_with_icon_title_and_class() {
    let site = TestSite::fixture("basic");
    site.build();
    let page = site.html("tutorials/first-steps/index.html");
    assert_eq!(
        page.attrs(".prose .callout", "class"),
        [
            "callout callout-note",
            "callout callout-tip",
            "callout callout-important",
            "callout callout-warning",
            "callout callout-caution"
        ]
    );
    assert_eq!(page.count(".callout svg.callout-icon[aria-hidden=true]"), 5);
    assert_eq!(page.count("div.callout[role=note]"), 3);
    let titles = page.texts(".callout-title");
    assert_eq!(
        titles,
        ["Note", "Tip: Use a virtual environment", "Important", "Warning: Known problems", "Caution: Data loss"]
    );
    // `-` is collapsible and closed, `+` collapsible and open.
    assert_eq!(page.count("details.callout-warning:not([open])"), 1);
    assert_eq!(page.count("details.callout-caution[open]"), 1);
    assert_eq!(page.texts(".callout-warning .callout-body"), ["Old GPUs are slow."]);
}

#[test]
fn code_is_highlighted_with_classes_and_unknown_languages_are_escaped() {
    let site = TestSite::fixture("basic");
    site.build();
    let page = site.html("tutorials/first-steps/index.html");
    assert_eq!(page.attrs(".code-block", "data-lang"), ["python", "unknownlang"]);
    // One flat span per token, classed by its light and dark styles.
    assert!(page.count("code.language-python span[class^=l]") >= 1, "python tokens have light classes");
    assert!(page.count("code.language-python span[class*=d]") >= 1, "python tokens have dark classes");
    assert_eq!(page.count("code.language-python span span"), 0, "spans are not nested");
    assert_eq!(page.count(".code-block code [style]"), 0, "no inline styles");
    assert_eq!(page.count("code.language-unknownlang span"), 0);
    assert_eq!(page.texts("code.language-unknownlang"), ["<not> highlighted & escaped"]);
    assert_eq!(page.count(".code-block button.copy-code"), 2);
    let light = site.read("assets/highlight-light.css");
    let dark = site.read("assets/highlight-dark.css");
    for class in page.attrs("code.language-python span", "class").iter().flat_map(|c| c.split(' ')) {
        let css = if class.starts_with('l') { &light } else { &dark };
        assert!(css.contains(&format!(" .{class} {{")), "no rule for class {class}");
    }
    assert!(dark.contains("html[data-theme=\"dark\"] .hl span { color: inherit;"));
}

#[test]
fn links_between_pages_are_rewritten_to_relative_pretty_urls() {
    let site = TestSite::fixture("basic");
    site.build();
    let page = site.html("tutorials/first-steps/index.html");
    let links = page.attrs(".prose p a", "href");
    assert!(links.contains(&"../../recipes/load-images/#options".to_owned()), "{links:?}");
    assert!(links.contains(&"#train-the-model".to_owned()), "{links:?}");
    let recipe = site.html("recipes/load-images/index.html");
    assert_eq!(recipe.attrs(".prose img", "src"), ["../../recipes/img/cover.png"]);
    assert_eq!(recipe.attrs(".prose p a", "href"), ["../../tutorials/first-steps/"]);
    assert_eq!(site.html("about/index.html").attrs(".prose a", "href"), ["../"]);
    assert!(site.out("recipes/img/cover.png").is_file(), "assets are copied");
}

#[test]
fn headings_get_unique_anchors_and_a_table_of_contents() {
    let site = TestSite::fixture("basic");
    site.build();
    let page = site.html("tutorials/first-steps/index.html");
    assert_eq!(
        page.attrs(".prose h2, .prose h3", "id"),
        ["install", "train-the-model", "custom-id", "train-the-model-1"]
    );
    assert_eq!(page.attrs(".toc a", "href"), ["#install", "#train-the-model", "#custom-id", "#train-the-model-1"]);
    assert_eq!(page.attrs(".toc li", "class"), ["toc-level-2", "toc-level-2", "toc-level-3", "toc-level-2"]);
    assert_eq!(page.count(".prose table"), 1);
    assert_eq!(page.count(".prose input[type=checkbox][checked]"), 1);
    assert_eq!(page.count(".prose .footnote-definition"), 1);
    // `# First steps` repeats the title: the page shows it once.
    assert_eq!(page.count("h1"), 1);
}

#[test]
fn pages_show_metadata_breadcrumbs_prev_next_and_edit_link() {
    let site = TestSite::fixture("basic");
    site.build();
    let first = site.html("tutorials/first-steps/index.html");
    assert_eq!(first.texts(".page-header h1"), ["First steps"]);
    assert_eq!(first.texts(".page-meta .badge"), ["Beginner"]);
    assert_eq!(first.attrs(".page-meta time", "datetime"), ["2024-03-01"]);
    assert_eq!(first.texts(".page-meta .authors"), ["By Ada Lovelace"]);
    assert_eq!(first.attrs(".page-header .tags a", "href"), ["../../tags/data/", "../../tags/training/"]);
    assert_eq!(first.texts(".breadcrumbs li"), ["Home", "Tutorials", "First steps"]);
    assert_eq!(first.count(".prev-next .prev"), 0);
    assert_eq!(first.attrs(".prev-next .next", "href"), ["../../tutorials/deploy/"]);
    assert_eq!(
        first.attrs(".edit-link", "href"),
        ["https://github.com/example/fixture/edit/main/content/tutorials/first-steps.md"]
    );
    let deploy = site.html("tutorials/deploy/index.html");
    assert_eq!(deploy.attrs(".prev-next .prev", "href"), ["../../tutorials/first-steps/"]);
    assert_eq!(deploy.count(".prev-next .next"), 0);
    assert_eq!(deploy.attrs(".page-meta time", "datetime"), ["2024-06-10", "2024-07-01"]);
}

#[test]
fn home_page_has_intro_resource_callouts_and_newest_cards() {
    let site = TestSite::fixture("basic");
    site.build();
    let home = site.html("index.html");
    assert_eq!(home.texts(".hero h1"), ["Learn the library"]);
    assert!(home.texts(".home-intro").join(" ").contains("Pick a tutorial"));
    assert_eq!(home.texts(".resource .resource-title"), ["New to the library?", "Cheat sheet"]);
    assert_eq!(home.attrs(".resource a.button", "href"), ["tutorials/first-steps/", "https://example.org/cheatsheet"]);
    // newest = 2 in book.toml: by date, not by weight.
    assert_eq!(home.texts("#newest-tutorials + .cards .card-title"), ["Deploy a model", "First steps"]);
    assert_eq!(home.texts("#newest-recipes + .cards .card-title"), ["Load images", "Augment images"]);
}

#[test]
fn sitemap_feed_404_and_meta_tags_use_the_base_url() {
    let site = TestSite::fixture("basic");
    site.build();
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/learn/recipes/load-images/</loc>"), "{sitemap}");
    assert!(sitemap.contains("<loc>https://example.org/learn/tags/vision/</loc>"));
    assert!(!sitemap.contains("work-in-progress"), "drafts stay out");
    let feed = site.read("atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 5, "tutorials and recipes");
    // Newest first: deploy was updated 2024-07-01.
    let first_entry = feed.split("<entry>").nth(1).unwrap();
    assert!(first_entry.contains("<title>Deploy a model</title>"));
    assert!(first_entry.contains("<updated>2024-07-01T00:00:00Z</updated>"));
    assert!(feed.contains("<updated>2024-07-01T00:00:00Z</updated>"));
    let not_found = site.html("404.html");
    assert_eq!(not_found.attrs("link[rel=stylesheet]", "href")[0], "/learn/assets/style.css");
    let page = site.html("recipes/load-images/index.html");
    assert_eq!(page.attrs("meta[name=description]", "content"), ["Read a folder of images into tensors."]);
    assert_eq!(page.attrs("meta[property='og:url']", "content"), ["https://example.org/learn/recipes/load-images/"]);
    assert_eq!(page.attrs("meta[property='og:image']", "content"), ["https://example.org/learn/recipes/img/cover.png"]);
    assert_eq!(page.attrs("meta[property='og:type']", "content"), ["article"]);
}

#[test]
fn base_url_override_and_a_subpath_keep_every_internal_link_relative() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["build", "--base-url", "https://docs.example.com/v2/tutorials-site"]);
    assert!(run.success, "{}", run.stderr);
    let page = site.html("recipes/augment/index.html");
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["https://docs.example.com/v2/tutorials-site/recipes/augment/"]
    );
    for href in page.attrs("a[href], link[href], script[src]", "href") {
        assert!(
            href.starts_with("../") || href.starts_with('#') || href.starts_with("https://"),
            "internal links must not assume the site's root: {href}"
        );
    }
    assert_eq!(site.html("404.html").attrs(".site-title", "href"), ["/v2/tutorials-site/"]);
}

#[test]
fn drafts_are_built_with_the_flag() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["build", "--drafts"]);
    assert!(run.success, "{}", run.stderr);
    assert!(run.stdout.contains("4 recipes"), "{}", run.stdout);
    assert!(site.out("recipes/wip/index.html").is_file());
}

#[test]
fn a_site_template_replaces_the_built_in_one_file_by_file() {
    let site = TestSite::fixture("basic");
    site.write(
        "themes/default/templates/partials/card.html",
        "<article class=\"card custom-card\" data-tags=\"\"><h3 class=\"card-title\">{{ card.title | upper }}</h3></article>",
    );
    site.write("themes/default/static/assets/extra.css", "body { color: red }");
    site.build();
    let recipes = site.html("recipes/index.html");
    assert_eq!(recipes.texts(".custom-card .card-title")[0], "LOAD IMAGES");
    // Everything else still comes from the built-in theme.
    assert_eq!(recipes.count(".site-header"), 1);
    assert_eq!(site.read("assets/extra.css"), "body { color: red }");
    assert!(site.read("assets/style.css").contains("--accent"));
}

#[test]
fn a_sidebar_link_template_makes_every_link_of_every_sidebar() {
    let site = TestSite::fixture("basic");
    site.write(
        "themes/default/templates/partials/sidebar-link.html",
        "<li class=\"mine\"><a href=\"{{ root }}{{ link.url }}\">{% if link.current %}[{{ link.title_html | safe }}]{% else %}{{ link.title_html | safe }}{% endif %} · {{ site.title }}</a></li>",
    );
    site.build();
    let page = site.html("recipes/load-images/index.html");
    let links = page.texts(".sidebar li.mine a");
    assert_eq!(links.len(), page.count(".sidebar li"), "{links:?}");
    // Each page marks its own link, though the others are made once.
    assert_eq!(links.iter().filter(|l| l.starts_with('[')).collect::<Vec<_>>(), [&"[Load images] · Fixture Tutorials"]);
    let other = site.html("recipes/augment/index.html");
    assert!(other.texts(".sidebar li.mine a").contains(&"Load images · Fixture Tutorials".to_owned()));
    assert!(other.texts(".sidebar li.mine a").iter().any(|l| l.starts_with("[Augment images]")));
}

#[test]
fn output_folder_from_the_command_line() {
    let site = TestSite::fixture("basic");
    let run = site.run(&["build", "--out", "dist/site"]);
    assert!(run.success, "{}", run.stderr);
    assert!(site.path().join("dist/site/index.html").is_file());
    assert!(!site.path().join("public").exists());
    // Paths on the command line are relative to the current folder, not
    // to the site's.
    std::fs::create_dir(site.path().join("work")).unwrap();
    let run = site
        .run_command(site.command(&["build", "--root", "..", "--out", "out"]).current_dir(site.path().join("work")));
    assert!(run.success, "{}", run.stderr);
    assert!(site.path().join("work/out/index.html").is_file());
    assert!(!site.path().join("out").exists());
}

#[test]
fn serve_in_a_folder_without_book_toml_is_an_error() {
    let site = TestSite::empty();
    let run = site.run(&["serve", "--port", "0"]);
    assert!(!run.success);
    assert!(run.stderr.contains("has no book.toml: it is not a primer site"), "{}", run.stderr);
    assert!(run.stderr.contains("primer init"), "{}", run.stderr);
}

/// Every file under `dir` with its modification time.
fn mtimes(dir: &Path) -> BTreeMap<String, std::time::SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().display().to_string(), e.metadata().unwrap().modified().unwrap()))
        .collect()
}

#[test]
fn a_rebuild_writes_only_what_changed_deletes_what_it_no_longer_makes_and_leaves_the_rest() {
    let site = TestSite::fixture("basic");
    let first = site.build();
    assert!(first.stdout.contains("files written)"), "{}", first.stdout);
    std::fs::write(site.out("CNAME"), "docs.example.org").unwrap();
    let before = mtimes(&site.out(""));
    let again = site.build();
    assert!(again.stdout.ends_with("(0 files written; 1 file not made by primer left alone)\n"), "{}", again.stdout);
    assert_eq!(mtimes(&site.out("")), before, "nothing is rewritten");
    // The search index was kept, not rebuilt; a file of it that is gone
    // makes the next build write it again.
    let shard = before.keys().find(|path| path.starts_with("search/") && path.contains("/t/")).unwrap().clone();
    std::fs::remove_file(site.out(&shard)).unwrap();
    let repaired = site.build();
    assert!(site.out(&shard).is_file(), "{}", repaired.stdout);
    // One page changes: its page is rewritten, an unrelated one is not.
    let page = site.read_source("content/recipes/augment.md");
    site.write("content/recipes/augment.md", page.replace("Text.", "Rotate each picture."));
    site.build();
    let after = mtimes(&site.out(""));
    assert_ne!(after["recipes/augment/index.html"], before["recipes/augment/index.html"]);
    assert_eq!(after["recipes/checkpoint/index.html"], before["recipes/checkpoint/index.html"]);
    // The index keeps its file names: only the files that changed are
    // written, among them the shard of the new word.
    let index: Vec<&String> = before.keys().filter(|path| path.starts_with("search/t/")).collect();
    let rewritten: Vec<&&String> = index.iter().filter(|path| after.get(**path) != before.get(**path)).collect();
    assert!(!rewritten.is_empty() && rewritten.len() < index.len(), "{rewritten:?} of {index:?}");
    assert_eq!(after["search/facets.js"], before["search/facets.js"]);
    // A removed page's files go; the file primer never wrote stays.
    site.remove("content/recipes/augment.md");
    let removed = site.build();
    assert!(removed.stdout.contains("deleted"), "{}", removed.stdout);
    assert!(!site.out("recipes/augment").exists(), "its folder goes too");
    assert_eq!(site.read("CNAME"), "docs.example.org");
    let temporary: Vec<String> = mtimes(site.path()).into_keys().filter(|name| name.contains(".primer-")).collect();
    assert!(temporary.is_empty(), "{temporary:?}");
}

#[test]
fn a_build_that_fails_after_its_pages_are_rendered_leaves_no_trace() {
    // The new page renders into a new folder before its clash with a file
    // of the content folder is found, when every file has been rendered.
    let (site, _) = common::refused(
        |site| {
            site.write("content/recipes/brand-new.md", "---\ntitle: New\nsummary: S.\n---\nNew page.\n");
            site.write("content/recipes/brand-new/index.html", "<p>mine</p>");
        },
        &["build"],
        &["content/recipes/brand-new/index.html and content/recipes/brand-new.md would both be written"],
    );
    assert!(!site.out("recipes/brand-new").exists());
    // A build after the fix writes the new page.
    site.remove("content/recipes/brand-new/index.html");
    site.build();
    assert!(site.read("recipes/brand-new/index.html").contains("New page."));
}

#[test]
fn a_build_killed_while_writing_leaves_every_file_old_or_new() {
    let site = TestSite::empty();
    site.write("book.toml", "[site]\ntitle = \"Killed\"\n");
    let write_pages = |word: &str| {
        for n in 0..300 {
            let body = format!("{word} ").repeat(400);
            site.write(
                &format!("content/recipes/r{n:03}.md"),
                format!("---\ntitle: Recipe {n}\nsummary: S.\n---\n{body}\n"),
            );
        }
    };
    write_pages("alpha");
    site.build();
    let started = std::time::Instant::now();
    write_pages("beta");
    site.build();
    let took = started.elapsed();
    let mut mixed = false;
    for (attempt, word) in ["gamma", "delta", "epsilon", "zeta", "eta", "theta"].iter().enumerate() {
        write_pages(word);
        let mut child = site.command(&["build"]).stdout(std::process::Stdio::null()).spawn().unwrap();
        // From half of a build's time to nearly all of it: most kills land
        // while files are being written.
        std::thread::sleep(took.mul_f64(0.5 + 0.08 * attempt as f64));
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGKILL)
            .unwrap();
        child.wait().unwrap();
        let (mut old, mut new) = (0, 0);
        for n in 0..300 {
            let html = site.read(&format!("recipes/r{n:03}/index.html"));
            assert!(html.trim_end().ends_with("</html>"), "r{n:03} is cut short");
            if html.contains(&format!("{word} {word}")) { new += 1 } else { old += 1 }
        }
        mixed |= old > 0 && new > 0;
        // The next build repairs everything.
        site.build();
        assert!(site.read("recipes/r299/index.html").contains(&format!("{word} {word}")));
    }
    eprintln!("a kill landed between two files: {mixed}");
    let temporary: Vec<String> = mtimes(&site.out("")).into_keys().filter(|name| name.contains(".primer-")).collect();
    assert!(temporary.is_empty(), "a later build clears what a killed one left: {temporary:?}");
}

#[test]
fn html_in_titles_and_summaries_is_escaped() {
    let site = TestSite::fixture("basic");
    site.write(
        "content/recipes/xss.md",
        "---\ntitle: \"<script>alert(1)</script>\"\nsummary: \"a <b>bold</b> claim\"\n---\nBody.\n",
    );
    site.build();
    let recipes = site.read("recipes/index.html");
    assert!(!recipes.contains("<script>alert"), "titles are escaped");
    assert!(recipes.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!recipes.contains("<b>bold</b>"));
}

#[test]
fn python_downloads_are_built_by_the_browser_unless_colab_needs_the_notebook_file() {
    let site = TestSite::fixture("basic");
    site.build();
    let page = site.html("tutorials/first-steps/index.html");
    // Links the theme's script reveals and fills in; no file behind them.
    assert_eq!(page.attrs(".downloads a[hidden]", "data-build"), ["script", "notebook"]);
    assert_eq!(page.attrs(".downloads a", "download"), ["first-steps.py", "first-steps.ipynb"]);
    assert_eq!(page.attrs("[data-cell]", "data-lang"), ["python"], "the block the downloads are made of");
    let downloads: Vec<String> =
        mtimes(&site.out("")).into_keys().filter(|p| p.ends_with(".py") || p.ends_with(".ipynb")).collect();
    assert!(downloads.is_empty(), "{downloads:?}");
    // Pages without Python have no downloads.
    assert_eq!(site.html("recipes/augment/index.html").count(".downloads"), 0);

    // Colab opens the notebook from the repository: it is written.
    let config = std::fs::read_to_string(site.path().join("book.toml")).unwrap();
    site.write("book.toml", config.replace("language = \"en\"", "language = \"en\"\ncolab_branch = \"gh-pages\""));
    site.build();
    let page = site.html("tutorials/first-steps/index.html");
    assert_eq!(
        page.attrs(".downloads a", "href"),
        [
            "#",
            "../../tutorials/first-steps/first-steps.ipynb",
            "https://colab.research.google.com/github/example/fixture/blob/gh-pages/tutorials/first-steps/first-steps.ipynb"
        ]
    );
    let notebook: serde_json::Value =
        serde_json::from_str(&site.read("tutorials/first-steps/first-steps.ipynb")).unwrap();
    assert_eq!(notebook["nbformat"], 4);
    assert!(notebook["nbformat_minor"].as_u64().unwrap() >= 5, "cell ids need 4.5");
    assert_eq!(notebook["metadata"]["kernelspec"]["name"], "python3");
    let cells = notebook["cells"].as_array().unwrap();
    let kinds: Vec<&str> = cells.iter().map(|c| c["cell_type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["markdown", "markdown", "code", "markdown"]);
    let mut ids = std::collections::HashSet::new();
    for cell in cells {
        let id = cell["id"].as_str().unwrap();
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') && ids.insert(id.to_owned()));
        assert!(cell["metadata"].is_object());
        assert!(cell["source"].as_array().unwrap().iter().all(serde_json::Value::is_string));
        if cell["cell_type"] == "code" {
            assert!(cell["outputs"].as_array().unwrap().is_empty());
            assert!(cell["execution_count"].is_null());
        }
    }
    let code: String = cells[2]["source"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(code, "import math\n\ndef area(r):\n    return math.pi * r ** 2");
    // Prose between blocks, other languages included, becomes Markdown.
    let after: String = cells[3]["source"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(after.starts_with("```unknownlang"), "{after}");
}

#[test]
fn pages_without_dates_take_them_from_git_history() {
    let site = TestSite::fixture("basic");
    let git = |args: &[&str], date: &str| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(site.path())
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"], "2023-01-02T10:00:00Z");
    git(&["add", "."], "2023-01-02T10:00:00Z");
    git(&["commit", "-q", "-m", "first"], "2023-01-02T10:00:00Z");
    site.write("content/about.md", "---\ntitle: About\n---\nChanged.\n");
    site.write(
        "content/recipes/augment.md",
        "---\ntitle: Augment images\nsummary: S\ndate: 2024-04-01\n---\nChanged.\n",
    );
    git(&["commit", "-q", "-am", "second"], "2023-06-07T10:00:00Z");
    site.build();
    // No dates in front matter: created and updated from git.
    assert_eq!(site.html("about/index.html").attrs(".page-meta time", "datetime"), ["2023-01-02", "2023-06-07"]);
    // Front matter wins for the date; git's last change is before it, so no update.
    assert_eq!(site.html("recipes/augment/index.html").attrs(".page-meta time", "datetime"), ["2024-04-01"]);
}

#[test]
fn newest_cards_follow_updated_before_date_and_empty_kinds_leave_the_nav() {
    let site = TestSite::fixture("basic");
    // Older by `date` than every other recipe, but updated last.
    site.write(
        "content/recipes/refreshed.md",
        "---\ntitle: Refreshed recipe\nsummary: S\ndate: 2020-01-01\nupdated: 2030-01-01\n---\nBody.\n",
    );
    site.build();
    let home = site.html("index.html");
    assert_eq!(home.texts("#newest-recipes + .cards .card-title")[0], "Refreshed recipe");
    assert_eq!(home.texts(".site-nav a"), ["Tutorials", "Recipes", "Tags", "Source"]);
    let recipes_only = TestSite::empty();
    recipes_only.write("book.toml", "[site]\ntitle = \"Recipes only\"\n");
    recipes_only.write("content/recipes/one.md", "---\ntitle: One\nsummary: S\n---\nBody.\n");
    recipes_only.build();
    assert_eq!(recipes_only.html("index.html").texts(".site-nav a"), ["Recipes", "Tags"]);
}

#[test]
fn a_favicon_comes_built_in_and_a_site_replaces_it() {
    let site = TestSite::fixture("basic");
    site.build();
    assert_eq!(site.html("recipes/augment/index.html").attrs("link[rel=icon]", "href"), ["../../favicon.svg"]);
    assert!(site.read("favicon.svg").starts_with("<svg"));
    site.write("themes/default/static/favicon.svg", "<svg id=\"ours\"/>");
    site.build();
    assert_eq!(site.read("favicon.svg"), "<svg id=\"ours\"/>");
}

#[test]
fn tag_groups_from_the_taxonomy_label_the_filter_rows_in_order() {
    let site = TestSite::fixture("basic");
    let config = site.read_source("book.toml").replace(
        "[taxonomy.tags]\ndata = \"Loading and preparing data\"\nvision = \"Working with images\"",
        "[taxonomy]\ngroups = [\"Domains\"]\n\n[taxonomy.tags]\ndata = { description = \"Loading and preparing data\", group = \"Workflow\" }\nvision = { description = \"Working with images\", group = \"Domains\" }",
    );
    site.write("book.toml", config);
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    let recipes = site.html("recipes/index.html");
    // Named groups in the taxonomy's order, then the rest by name, then
    // tags without a group.
    assert_eq!(recipes.texts("[data-tag-group] .filter-label"), ["Domains", "Workflow", "Other"]);
    assert_eq!(site.html("tags/vision/index.html").texts(".lead"), ["Working with images"]);
    site.write(
        "book.toml",
        site.read_source("book.toml").replace("group = \"Domains\"", "group = \"Domains\", colour = 1"),
    );
    let run = site.build_fails();
    assert!(run.stderr.contains("book.toml"), "{}", run.stderr);
}
