//! The search index and its client, queried in Node as a browser would.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::TestSite;
use serde_json::{Value, json};

/// Runs `queries` (query text and filters) with the client in Node.
fn search(site: &TestSite, queries: &[(&str, Value)]) -> Vec<Vec<Value>> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let list: Vec<Value> = queries.iter().map(|(q, f)| json!([q, f])).collect();
    let output = Command::new("node")
        .arg(manifest.join("tests/search/query.js"))
        .arg(manifest.join("themes/default/static/assets/search.js"))
        .arg(site.path().join("public"))
        .arg(Value::Array(list).to_string())
        .output()
        .expect("node runs (apt-get install nodejs)");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    value["results"].as_array().unwrap().iter().map(|r| r.as_array().unwrap().clone()).collect()
}

fn titles(results: &[Value]) -> Vec<String> {
    results.iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect()
}

fn built() -> TestSite {
    let site = TestSite::fixture("search");
    site.build();
    site
}

#[test]
fn stemming_finds_other_forms_of_a_word() {
    let site = built();
    let results = search(&site, &[("running ", json!({}))]);
    // "Run a model" only says "run"; "Fast inference" says "Running".
    let mut found = titles(&results[0]);
    found.sort();
    assert_eq!(found, ["Fast inference", "Run a model"]);
}

#[test]
fn the_last_word_matches_as_a_prefix_while_typing() {
    let site = built();
    let results = search(&site, &[("infere", json!({})), ("quant", json!({})), ("quant ", json!({}))]);
    assert_eq!(titles(&results[0]), ["Fast inference", "Run a model"]);
    assert_eq!(titles(&results[1]), ["Quantize a model"]);
    assert!(results[2].is_empty(), "a finished word is not a prefix");
}

#[test]
fn long_words_tolerate_one_typo_and_short_ones_do_not() {
    let site = built();
    let results = search(
        &site,
        &[("inferance ", json!({})), ("quantisation ", json!({})), ("modle ", json!({})), ("rnu ", json!({}))],
    );
    assert_eq!(titles(&results[0]), ["Fast inference", "Run a model"]);
    assert_eq!(titles(&results[1]), ["Quantize a model"]);
    assert!(titles(&results[2]).contains(&"Run a model".to_owned()), "5 letters: one typo is fine");
    assert!(results[3].is_empty(), "3 letters: no typo tolerance");
}

#[test]
fn exact_matches_rank_before_typos_and_a_typo_may_be_a_real_word() {
    let site = TestSite::fixture("search");
    site.write("content/recipes/modal.md", "---\ntitle: Open a modal dialog\nsummary: A dialog box.\n---\nDialogs.\n");
    site.build();
    let results = search(&site, &[("model ", json!({})), ("modal ", json!({})), ("modal quantize ", json!({}))]);
    let model = titles(&results[0]);
    assert_eq!(model.last().map(String::as_str), Some("Open a modal dialog"), "{model:?}");
    assert!(model.len() > 2, "pages saying `model` come first: {model:?}");
    assert_eq!(titles(&results[1])[0], "Open a modal dialog");
    // `modal` is a word of the site, but no page says it with `quantize`:
    // the page with `quantize` and `model`, one typo away, leads.
    assert_eq!(titles(&results[2])[0], "Quantize a model");
    assert!(!partial(&results[2])[0]);
}

#[test]
fn typos_in_the_first_two_letters_are_found_across_shards() {
    let site = built();
    let results = search(
        &site,
        &[
            ("uantization ", json!({})),
            ("qantization ", json!({})),
            ("xquantization ", json!({})),
            ("nference ", json!({})),
        ],
    );
    for (i, result) in results.iter().take(3).enumerate() {
        assert_eq!(titles(result), ["Quantize a model"], "query {i}");
    }
    assert!(titles(&results[3]).contains(&"Fast inference".to_owned()), "{:?}", titles(&results[3]));
}

fn partial(results: &[Value]) -> Vec<bool> {
    results.iter().map(|r| r["partial"].as_bool().unwrap()).collect()
}

#[test]
fn pages_with_every_word_come_first_then_pages_with_some_marked_partial() {
    let site = built();
    let results = search(
        &site,
        &[("inference quickly ", json!({})), ("model accuracy ", json!({})), ("model accuracy zebra ", json!({}))],
    );
    assert_eq!(titles(&results[0])[0], "Fast inference");
    assert!(!partial(&results[0])[0]);
    assert_eq!(titles(&results[1])[0], "Quantize a model");
    assert!(partial(&results[1])[1..].iter().all(|p| *p), "the rest lack a word: {:?}", titles(&results[1]));
    // No page has all three: the best partial match leads.
    assert_eq!(titles(&results[2])[0], "Quantize a model");
    assert!(partial(&results[2]).iter().all(|p| *p));
}

#[test]
fn questions_find_their_page_without_the_question_words() {
    let site = built();
    let results = search(
        &site,
        &[
            ("how do I quantize a model? ", json!({})),
            ("what is the fastest inference ", json!({})),
            ("the ", json!({})),
        ],
    );
    assert_eq!(titles(&results[0])[0], "Quantize a model");
    assert!(!partial(&results[0])[0], "stopwords are not required");
    assert_eq!(titles(&results[1])[0], "Fast inference");
    // A query of stopwords only still searches for them.
    assert!(!results[2].is_empty());
}

#[test]
fn word_forms_the_pages_never_use_find_their_stem() {
    let site = built();
    // The pages say "quantize" and "batches", never these forms.
    let results = search(&site, &[("quantizing ", json!({})), ("batching ", json!({}))]);
    assert_eq!(titles(&results[0]), ["Quantize a model"]);
    assert_eq!(titles(&results[1])[0], "Fast inference");
}

#[test]
fn a_title_beats_a_mention_in_the_body() {
    let site = TestSite::fixture("search");
    for n in 0..3 {
        site.write(
            &format!("content/recipes/mention{n}.md"),
            format!("---\ntitle: Other page {n}\nsummary: S.\n---\n## Setup\n\nWe calibrate, calibrate and calibrate again before we calibrate.\n"),
        );
    }
    site.write(
        "content/recipes/calibrate.md",
        "---\ntitle: Calibrate a sensor\nsummary: S.\n---\nA long page about other things entirely, with many words.\n",
    );
    site.build();
    let results = search(&site, &[("calibrate ", json!({}))]);
    assert_eq!(titles(&results[0])[0], "Calibrate a sensor");
}

#[test]
fn swapped_first_letters_are_typos_too() {
    let site = built();
    let results = search(&site, &[("qunatize ", json!({})), ("uqantize ", json!({}))]);
    assert_eq!(titles(&results[0]), ["Quantize a model"]);
    assert_eq!(titles(&results[1]), ["Quantize a model"]);
}

#[test]
fn identifiers_are_found_whole_and_by_their_parts() {
    let site = built();
    let results = search(&site, &[("load_state_dict ", json!({})), ("state dict ", json!({}))]);
    assert_eq!(titles(&results[0]), ["Run a model"]);
    assert_eq!(titles(&results[1]), ["Run a model"]);
}

#[test]
fn filters_by_tag_kind_and_level_work_like_the_card_filter() {
    let site = built();
    let results = search(
        &site,
        &[
            ("model ", json!({ "kind": "recipe" })),
            ("model ", json!({ "level": "beginner" })),
            ("inference ", json!({ "tags": ["performance"] })),
            ("model ", json!({ "tags": ["inference", "performance"], "match": "any" })),
            ("model ", json!({ "tags": ["inference", "performance"], "match": "all" })),
        ],
    );
    assert_eq!(titles(&results[0]), ["Quantize a model"]);
    assert_eq!(titles(&results[1]), ["Run a model"]);
    assert_eq!(titles(&results[2]), ["Fast inference"]);
    assert_eq!(titles(&results[3]).len(), 2);
    assert!(results[4].is_empty());
}

#[test]
fn results_carry_kind_level_url_and_a_highlighted_excerpt() {
    let site = built();
    let results = search(&site, &[("batches ", json!({})), ("virtual environment ", json!({}))]);
    let hit = &results[0][0];
    assert_eq!(hit["title"], "Fast inference");
    assert_eq!(hit["kind"], "recipe");
    assert_eq!(hit["level"], "advanced");
    assert_eq!(hit["url"], "recipes/fast-inference/#batching");
    let excerpt = hit["excerpt"].as_str().unwrap();
    assert!(excerpt.contains("needs <mark>batches</mark>."), "{excerpt}");
    assert!(excerpt.contains("&lt;b&gt;markup&lt;/b&gt;"), "text from the page is escaped: {excerpt}");
    // Callout titles are searchable.
    assert_eq!(titles(&results[1]), ["Run a model"]);
}

#[test]
fn a_query_its_result_cards_answer_needs_only_the_shard() {
    let site = built();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |query: &str| {
        let output = Command::new("node")
            .arg(manifest.join("tests/search/query.js"))
            .arg(manifest.join("themes/default/static/assets/search.js"))
            .arg(site.path().join("public"))
            .arg(json!([[query, {}]]).to_string())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice::<Value>(&output.stdout).unwrap()
    };
    // "quantize" is in the title and "int8" in the summary: the card in the
    // shard of "quantize" shows the result, excerpt included.
    let value = run("quantize int8 ");
    let hit = &value["results"][0][0];
    assert_eq!(hit["title"], "Quantize a model");
    // The card names the section where "quantize" is most at home.
    assert_eq!(hit["url"], "recipes/quantize/#quantization");
    assert_eq!(hit["level"], "intermediate");
    // Words of the same stem light up too.
    assert_eq!(hit["excerpt"], "Shrink a model with <mark>int8</mark> <mark>quantization</mark>.");
    assert_eq!(value["transferred"]["files"], json!(["t/q", "t/i"]), "no result file");
    // "batches" is only in the body: the result file has the text to quote.
    let value = run("batches ");
    assert_eq!(value["results"][0][0]["url"], "recipes/fast-inference/#batching");
    let files: Vec<&str> =
        value["transferred"]["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(files.iter().any(|f| f.starts_with("r/")), "{files:?}");
}

#[test]
fn excerpts_can_be_limited_to_the_first_results() {
    let site = built();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("node")
        .arg(manifest.join("tests/search/query.js"))
        .arg(manifest.join("themes/default/static/assets/search.js"))
        .arg(site.path().join("public"))
        .arg(r#"[["model ", {}, 1]]"#)
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = value["results"][0].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(!results[0]["excerpt"].as_str().unwrap().is_empty());
    assert_eq!(results[1]["excerpt"], "", "no excerpt past the first");
    assert!(!results[1]["url"].as_str().unwrap().contains('#'));
}

#[test]
fn absent_words_find_nothing() {
    let site = built();
    let results = search(&site, &[("zebra ", json!({})), ("", json!({}))]);
    assert!(results.iter().all(Vec::is_empty), "{results:?}");
}

#[test]
fn the_index_is_small_static_files_fetched_per_query() {
    let site = built();
    let files: Vec<String> = walkdir::WalkDir::new(site.out("search"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(site.out("search")).unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(files.len() < 40, "{files:?}");
    assert!(files.contains(&"facets.js".to_owned()) && files.iter().any(|f| f.starts_with("t/")), "{files:?}");
    // Every page loads the index's entry, whose name never changes.
    let page = site.html("recipes/quantize/index.html");
    assert_eq!(page.attrs("meta[name=primer-search]", "content"), ["../../search/"]);
    assert_eq!(page.attrs("script[src$='entry.js']", "src"), ["../../search/entry.js"]);
    // Its version, which the client asks for files with, is a hash of them.
    let entry = site.read("search/entry.js");
    let version = entry.split("\"version\":\"").nth(1).and_then(|v| v.split('"').next()).unwrap_or_default();
    assert!(version.len() == 10 && version.bytes().all(|b| b.is_ascii_hexdigit()), "{entry}");
}

/// `primer search --json` results, as (url, title).
fn reference(site: &TestSite, query: &str, limit: usize) -> Vec<String> {
    let run = site.run(&["search", "--root", ".", "--json", "-n", &limit.to_string(), query]);
    assert!(run.success, "{}", run.stderr);
    run.stdout.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()["url"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn primer_search_ranks_in_the_terminal() {
    let site = TestSite::fixture("search");
    let run = site.run(&["search", "running"]);
    assert!(run.success, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stdout);
    assert!(lines[0].starts_with(" 1. Run a model  /tutorials/run-a-model/"), "{}", run.stdout);
    assert_eq!(reference(&site, "zebra", 5), Vec::<String>::new());
    assert_eq!(reference(&site, "state dict", 5), ["tutorials/run-a-model/"]);
}

/// The vocabulary of [`generated_site`].
const WORDS: &[&str] = &[
    "tensor",
    "gradient",
    "optimizer",
    "dataset",
    "loader",
    "batch",
    "epoch",
    "model",
    "layer",
    "network",
    "convolution",
    "attention",
    "transformer",
    "embedding",
    "token",
    "vision",
    "image",
    "audio",
    "speech",
    "text",
    "quantization",
    "pruning",
    "distillation",
    "export",
    "deploy",
    "server",
    "mobile",
    "profiling",
    "memory",
    "kernel",
    "compile",
    "graph",
    "trace",
    "checkpoint",
    "resume",
    "distributed",
    "parallel",
    "cluster",
    "node",
    "metric",
    "accuracy",
    "loss",
    "schedule",
    "warmup",
    "augment",
    "crop",
    "flip",
    "normalize",
    "sample",
    "random",
    "seed",
    "reproducible",
    "debug",
    "visualize",
    "plot",
    "inference",
    "latency",
    "throughput",
    "precision",
    "mixed",
    "float",
    "integer",
    "sparse",
    "dense",
    "matrix",
    "vector",
    "shape",
    "reshape",
];

/// A deterministic site of `count` pages drawn from a small vocabulary.
fn generated_site(count: usize) -> TestSite {
    let mut state: u64 = 42;
    let mut next = |n: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(state >> 33).unwrap() % n
    };
    let site = TestSite::empty();
    site.write("book.toml", "[site]\ntitle = \"Generated\"\n");
    for page in 0..count {
        let mut pick = |n: usize| (0..n).map(|_| WORDS[next(WORDS.len())]).collect::<Vec<_>>().join(" ");
        let title = format!("{} {}", pick(3), page);
        let summary = pick(10);
        let mut body = String::new();
        for _ in 0..3 {
            body.push_str(&format!("## {}\n\n{}.\n\n", pick(2), pick(60)));
        }
        body.push_str(&format!("```python\n{}_{} = {}()\n```\n", pick(1), pick(1), pick(1)));
        let kind = if page % 3 == 0 { "tutorials" } else { "recipes" };
        site.write(
            &format!("content/{kind}/p{page}.md"),
            format!("---\ntitle: {title}\nsummary: {summary}\n---\n{body}"),
        );
    }
    site
}

#[test]
fn the_client_and_primer_search_rank_alike_on_a_500_page_site() {
    let site = generated_site(500);
    site.build();
    // Two title words of 12 pages spread over the site, as a reader types
    // them: plainly, as a question, with a typo, with a word missing a
    // letter at its start, and as an identifier.
    let pages: Vec<usize> = (0..12).map(|i| i * 41 + 3).collect();
    let mut queries: Vec<String> = Vec::new();
    for &page in &pages {
        let dir = if page % 3 == 0 { "tutorials" } else { "recipes" };
        let text = std::fs::read_to_string(site.path().join(format!("content/{dir}/p{page}.md"))).unwrap();
        let title = text.lines().find_map(|l| l.strip_prefix("title: ")).unwrap().to_owned();
        let words: Vec<&str> = title.split(' ').collect();
        let (first, second) = (words[0], words[1]);
        let swapped: String = {
            let mut chars: Vec<char> = second.chars().collect();
            chars.swap(1, 2);
            chars.into_iter().collect()
        };
        queries.push(format!("{first} {second} "));
        queries.push(format!("how do I use the {first} with a {second} "));
        queries.push(format!("{first} {swapped} "));
        queries.push(format!("{} {second} ", &first[1..]));
        queries.push(format!("{first}_{second} "));
    }
    let client = search(&site, &queries.iter().map(|q| (q.as_str(), json!({}))).collect::<Vec<_>>());
    let mut top_agree = 0;
    let mut all_agree = 0;
    for (query, results) in queries.iter().zip(&client) {
        let ours: Vec<String> =
            results.iter().take(5).map(|r| r["url"].as_str().unwrap().split('#').next().unwrap().to_owned()).collect();
        let theirs = reference(&site, query.trim(), 5);
        top_agree += usize::from(ours.first() == theirs.first());
        all_agree += usize::from(ours == theirs);
        if ours != theirs {
            eprintln!("{query:?}: client {ours:?} primer search {theirs:?}");
        }
    }
    assert_eq!(top_agree, queries.len(), "the top result agrees for every query");
    assert_eq!(all_agree, queries.len(), "the top five agree for every query");
}

#[test]
fn excerpts_quote_rendered_text_without_markup_or_badge_alt_text() {
    let site = TestSite::fixture("search");
    site.write(
        "content/recipes/badges.md",
        "---\ntitle: Release notes\nsummary: What **changed** in `v2`.\n---\n\
         [![build passing](https://example.org/badge.svg)](https://example.org/ci)\n\n\
         The **scheduler** now uses [`tokio`](https://tokio.rs) for every https://example.org/http request.\n",
    );
    site.build();
    let results = search(&site, &[("scheduler ", json!({})), ("changed ", json!({})), ("http ", json!({}))]);
    let excerpt = results[0][0]["excerpt"].as_str().unwrap();
    assert_eq!(excerpt, "The <mark>scheduler</mark> now uses tokio for every https://example.org/http request.");
    assert_eq!(results[1][0]["excerpt"], "What <mark>changed</mark> in v2.");
    // "http" is a word of the page only inside the URL: nothing lights up
    // inside "https".
    for result in &results[2] {
        assert!(!result["excerpt"].as_str().unwrap().contains("<mark>http</mark>s"), "{result}");
    }
}

#[test]
fn one_letter_words_count_when_pages_have_them() {
    let site = TestSite::fixture("search");
    site.write(
        "content/recipes/c-api.md",
        "---\ntitle: Call the C API\nsummary: Bindings for C programs.\n---\nUse the header.\n",
    );
    site.build();
    let results = search(&site, &[("c api ", json!({})), ("the c ", json!({}))]);
    assert_eq!(titles(&results[0])[0], "Call the C API");
    assert!(!partial(&results[0])[0]);
    assert_eq!(titles(&results[1])[0], "Call the C API");
}
