//! Stage 5b: build the client search index.
//!
//! Analyzes the text of every tutorial, recipe and plain page with
//! [`analyze`] and writes a static index under `search/<version>/` that a
//! browser queries without a server, fetching only what a query needs:
//!
//! - `t/<prefix>.js`: the vocabulary shard of every word starting with
//!   `<prefix>`, with the postings of their stems: document-id deltas and a
//!   precomputed BM25F weight (title and headings count more than body and
//!   code). One word costs one small file.
//! - `d/<block>.js`: URL, title, kind, level and tags of 64 documents,
//!   fetched for the top results only.
//! - `f/<block>.js`: text by section of 8 documents, for excerpts.
//! - `facets.js`: kind, level and tags of every document, for filters.
//!
//! Files are scripts that hand their data to `primerSearch.load`, so the
//! index loads with `<script>` tags from any static host and from disk.
//! The version (a hash of the content) and the prefix length go into every
//! page, so the first query needs no manifest request.

pub(crate) mod analyze;

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::json;

use crate::config::Config;
use crate::listing::Site;
use crate::model::{Kind, Page};
use crate::render::OutputFile;
use analyze::{Analyzer, Term};

/// Field weights of BM25F: title, headings, summary (with tags, kind and
/// level), body, code.
const FIELD_WEIGHTS: [f64; FIELDS] = [4.0, 2.0, 1.5, 1.0, 0.8];
const FIELDS: usize = 5;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Weights are stored in one character: 1 to 63.
const WEIGHT_LEVELS: f64 = 62.0;
const DOC_BLOCK: usize = 64;
const FRAGMENT_BLOCK: usize = 8;
/// Characters of a section kept for excerpts.
const SECTION_TEXT: usize = 1200;

/// What pages need to find the index.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SearchInfo {
    pub(crate) version: String,
    pub(crate) prefix: usize,
    pub(crate) docs: usize,
}

/// The index files and how to reach them.
#[derive(Debug)]
pub(crate) struct SearchIndex {
    pub(crate) info: SearchInfo,
    pub(crate) files: Vec<OutputFile>,
}

/// A document being indexed.
struct Doc<'a> {
    page: &'a Page,
    /// Term frequency per field, by stem.
    frequencies: HashMap<String, [u32; FIELDS]>,
    lengths: [u32; FIELDS],
}

/// Builds the search index of a site.
pub(crate) fn build(config: &Config, site: &Site) -> SearchIndex {
    let mut pages: Vec<&Page> =
        site.pages.iter().filter(|p| matches!(p.kind, Kind::Tutorial | Kind::Recipe | Kind::Page)).collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    let mut analyzer = Analyzer::new(&config.language);
    let mut stem_of: BTreeMap<String, String> = BTreeMap::new();
    let docs: Vec<Doc<'_>> = pages.iter().map(|page| analyze_page(&mut analyzer, page, &mut stem_of)).collect();
    let postings = weigh(&docs);
    let prefix = if stem_of.len() > 4000 { 2 } else { 1 };
    let mut files = Vec::new();
    let mut shards: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for (surface, stem) in &stem_of {
        shards.entry(shard_key(surface, prefix)).or_default().push((surface, stem));
    }
    for (key, words) in &shards {
        files.push(script(&format!("t/{key}"), &json!(shard_payload(words, &postings))));
    }
    for (block, chunk) in docs.chunks(DOC_BLOCK).enumerate() {
        let list: Vec<_> = chunk.iter().map(|d| doc_meta(d.page)).collect();
        files.push(script(&format!("d/{block}"), &json!(list)));
    }
    for (block, chunk) in docs.chunks(FRAGMENT_BLOCK).enumerate() {
        let list: Vec<_> = chunk.iter().map(|d| fragments(d.page)).collect();
        files.push(script(&format!("f/{block}"), &json!(list)));
    }
    files.push(script("facets", &facets(&docs)));
    let mut hasher = blake3::Hasher::new();
    for file in &files {
        hasher.update(file.path.as_bytes()).update(&file.bytes);
    }
    let version = hasher.finalize().to_hex()[..10].to_owned();
    for file in &mut files {
        file.path = format!("search/{version}/{}", file.path);
    }
    SearchIndex { info: SearchInfo { version, prefix, docs: docs.len() }, files }
}

fn analyze_page<'a>(analyzer: &mut Analyzer, page: &'a Page, stem_of: &mut BTreeMap<String, String>) -> Doc<'a> {
    let text = &page.rendered.text;
    let headings: Vec<&str> = text.sections.iter().map(|s| s.heading.as_str()).collect();
    let body: Vec<&str> = text.sections.iter().map(|s| s.text.as_str()).collect();
    let summary = format!(
        "{} {} {:?} {}",
        page.meta.summary.as_deref().unwrap_or_default(),
        page.meta.tags.join(" "),
        page.kind,
        page.meta.level.map(|l| l.name()).unwrap_or_default()
    );
    let fields: [Vec<Term>; FIELDS] = [
        analyzer.words(&page.meta.title),
        analyzer.words(&headings.join(" ")),
        analyzer.words(&summary),
        analyzer.words(&body.join(" ")),
        analyzer.code(&text.code),
    ];
    let mut frequencies: HashMap<String, [u32; FIELDS]> = HashMap::new();
    let mut lengths = [0u32; FIELDS];
    for (field, terms) in fields.iter().enumerate() {
        lengths[field] = u32::try_from(terms.len()).unwrap_or(u32::MAX);
        for term in terms {
            frequencies.entry(term.stem.clone()).or_default()[field] += 1;
            stem_of.entry(term.surface.clone()).or_insert_with(|| term.stem.clone());
            // A stem is also a word readers may type.
            stem_of.entry(term.stem.clone()).or_insert_with(|| term.stem.clone());
        }
    }
    Doc { page, frequencies, lengths }
}

/// BM25F weight of every (stem, document), quantized to 1..=63, as
/// postings sorted by document.
fn weigh(docs: &[Doc<'_>]) -> HashMap<String, Vec<(usize, u8)>> {
    #[allow(clippy::cast_precision_loss)]
    let count = docs.len().max(1) as f64;
    let mut average = [0.0f64; FIELDS];
    for doc in docs {
        for (field, length) in doc.lengths.iter().enumerate() {
            average[field] += f64::from(*length) / count;
        }
    }
    let mut frequency: HashMap<&str, usize> = HashMap::new();
    for doc in docs {
        for stem in doc.frequencies.keys() {
            *frequency.entry(stem).or_default() += 1;
        }
    }
    let mut scores: HashMap<String, Vec<(usize, f64)>> = HashMap::new();
    let mut highest = f64::MIN_POSITIVE;
    for (id, doc) in docs.iter().enumerate() {
        for (stem, tf) in &doc.frequencies {
            #[allow(clippy::cast_precision_loss)]
            let df = frequency[stem.as_str()] as f64;
            let idf = (1.0 + (count - df + 0.5) / (df + 0.5)).ln();
            let weighted: f64 = (0..FIELDS)
                .map(|f| {
                    let norm = 1.0 - B + B * f64::from(doc.lengths[f]) / average[f].max(1.0);
                    FIELD_WEIGHTS[f] * f64::from(tf[f]) / norm
                })
                .sum();
            let score = idf * weighted * (K1 + 1.0) / (K1 + weighted);
            highest = highest.max(score);
            scores.entry(stem.clone()).or_default().push((id, score));
        }
    }
    scores
        .into_iter()
        .map(|(stem, list)| {
            let quantized = list
                .into_iter()
                .map(|(id, score)| {
                    // In 1..=63 by construction.
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let level = (score / highest * WEIGHT_LEVELS).round() as u8 + 1;
                    (id, level)
                })
                .collect();
            (stem, quantized)
        })
        .collect()
}

/// The shard a word belongs to: its first `prefix` characters, with
/// anything outside `a-z0-9` as `_`.
fn shard_key(word: &str, prefix: usize) -> String {
    word.chars().take(prefix).map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '_' }).collect()
}

/// Digits of the index's compact number encoding: 6 bits per character.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends `value` as a variable-length number: 5 bits per character, the
/// sixth bit set on every character but the last.
fn push_varint(out: &mut String, mut value: usize) {
    loop {
        let low = value & 31;
        value >>= 5;
        if value == 0 {
            out.push(char::from(DIGITS[low]));
            return;
        }
        out.push(char::from(DIGITS[low | 32]));
    }
}

/// A shard: one line of postings per stem, then `word<TAB>stem-number`
/// per word. Postings are pairs of (document-id delta, weight).
fn shard_payload(words: &[(&str, &str)], postings: &HashMap<String, Vec<(usize, u8)>>) -> String {
    let mut stems: Vec<&str> = words.iter().map(|(_, stem)| *stem).collect();
    stems.sort_unstable();
    stems.dedup();
    let mut out = format!("{}\n", stems.len());
    for stem in &stems {
        let mut previous = 0;
        for &(doc, weight) in postings.get(*stem).map(Vec::as_slice).unwrap_or_default() {
            push_varint(&mut out, doc - previous);
            out.push(char::from(DIGITS[usize::from(weight)]));
            previous = doc;
        }
        out.push('\n');
    }
    for (word, stem) in words {
        let number = stems.binary_search(stem).unwrap_or(0);
        out.push_str(word);
        out.push('\t');
        push_varint(&mut out, number);
        out.push('\n');
    }
    out
}

fn doc_meta(page: &Page) -> serde_json::Value {
    json!([
        page.url,
        page.meta.title,
        kind_name(page.kind),
        page.meta.level.map(|l| l.name()).unwrap_or_default(),
        page.meta.tags
    ])
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Tutorial => "tutorial",
        Kind::Recipe => "recipe",
        _ => "page",
    }
}

/// Text by section for excerpts; the summary comes first, as the best
/// excerpt when only the title or summary matched.
fn fragments(page: &Page) -> serde_json::Value {
    let summary = page.meta.summary.iter().map(|summary| json!(["", "", summary]));
    let sections = page.rendered.text.sections.iter().map(|s| {
        let text: String = s.text.chars().take(SECTION_TEXT).collect();
        json!([s.anchor, s.heading, text])
    });
    json!(summary.chain(sections).collect::<Vec<_>>())
}

fn facets(docs: &[Doc<'_>]) -> serde_json::Value {
    let list: Vec<_> = docs
        .iter()
        .map(|d| {
            json!([kind_name(d.page.kind), d.page.meta.level.map(|l| l.name()).unwrap_or_default(), d.page.meta.tags])
        })
        .collect();
    json!(list)
}

/// A script file that hands `data` to the client.
fn script(name: &str, data: &serde_json::Value) -> OutputFile {
    let text = format!("primerSearch.load({},{});\n", json!(name), data);
    OutputFile { path: format!("{name}.js"), bytes: text.into_bytes() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_use_five_bits_per_character() {
        let mut out = String::new();
        push_varint(&mut out, 0);
        push_varint(&mut out, 31);
        push_varint(&mut out, 32);
        assert_eq!(out, "AfgB");
    }
}
