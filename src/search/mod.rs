//! Stage 6b: build the client search index, after the templates.
//!
//! Analyzes the text of every tutorial, recipe and plain page with
//! [`analyze`] and writes a static index under `search/` that a browser
//! queries without a server, fetching only what a query needs:
//!
//! - `t/<prefix>.js`: the vocabulary shard of every word starting with
//!   `<prefix>`, with the postings of their stems: document-id deltas and a
//!   precomputed BM25 weight (title and headings count more than body and
//!   code). One word costs one small file. It also lists words of the site
//!   typed without their first or second letter, which lead to the shard
//!   of the word meant.
//!   Each shard also carries the cards (URL, title, kind, level, tags,
//!   summary and "verified on") of the best title matches of its words,
//!   so a query answered by titles and summaries shows its results with
//!   no further file.
//! - `r/<block>.js`: what a result shows for 6 documents: URL, title,
//!   kind, level, tags, the text by section for excerpts and "verified
//!   on". Fetched only for shown results whose card is not at hand or
//!   does not show every query word, so blocks stay small.
//! - `facets.js`: kind, level and tags of every document, for filters.
//!
//! Files are scripts that hand their data, gzipped and base64-encoded, to
//! `primerSearch.load`, so the index loads with `<script>` tags from any
//! static host and from disk; the client inflates it with the platform's
//! `DecompressionStream`.
//! The version (a hash of the content), the prefix length, the block size
//! and which shard files exist go into `search/entry.js`, which every page
//! loads with the search script: pages stay the same when only the index
//! changes. Files keep their names from build to build, so a rebuild
//! rewrites only those whose content changed; the client asks for them
//! with the version in the query string, so no browser cache mixes two
//! builds.

pub(crate) mod analyze;
pub(crate) mod query;
mod script;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::json;
use tantivy::fieldnorm::FieldNormReader;

use crate::config::Config;
use crate::listing::Site;
use crate::model::{Kind, Page};
use crate::output::OutputFile;
use analyze::{Analyzer, StemId, TermId};
use script::Scripts;

/// Field weights of BM25F: title, headings, summary (with tags, kind and
/// level), body, code.
const FIELD_WEIGHTS: [f64; FIELDS] = [4.0, 2.0, 1.5, 1.0, 0.8];
const FIELDS: usize = 5;
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A posting's weight is stored in two characters (12 bits) together with
/// the best field the stem occurs in: `field * FIELD_SPAN + level`, the
/// level 1 to `WEIGHT_LEVELS` parts of the stem's top score.
const FIELD_SPAN: u16 = 819;
const WEIGHT_LEVELS: f64 = 818.0;
/// Documents per result file: small enough that a shown result costs
/// little more than its own text, large enough to keep files well under
/// one per page.
const RESULT_BLOCK: usize = 6;
/// Characters of a section kept for excerpts: enough for the excerpt
/// around a match in the opening of each section.
const SECTION_TEXT: usize = 800;
/// Cards a shard carries per word: the search box shows six results.
const TITLE_CARDS: usize = 6;

/// What pages need to find the index.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub(crate) struct SearchInfo {
    pub(crate) version: String,
    pub(crate) prefix: usize,
    /// Documents per result file.
    pub(crate) block: usize,
    pub(crate) docs: usize,
    /// Which shard files exist, as a bitmap (see [`shard_bitmap`]), so the
    /// client never asks for a missing one.
    pub(crate) shards: String,
}

/// The index files and how to reach them.
#[derive(Debug)]
pub(crate) struct SearchIndex {
    pub(crate) info: SearchInfo,
    pub(crate) files: Vec<OutputFile>,
    /// Files of the last build's index that the output folder already
    /// holds as they should be, when nothing the index is made from changed.
    pub(crate) kept: Vec<String>,
}

/// What the last build's index was made from and consists of, kept in
/// the site root.

#[derive(Debug, Serialize, serde::Deserialize)]
struct LastIndex {
    inputs: String,
    info: SearchInfo,
    paths: Vec<String>,
}

/// The search index of a site, or the last build's when nothing it is made
/// from has changed and `still_there` finds its files in the output as
/// they were written: an unchanged rebuild then neither analyzes the pages
/// nor writes an index file.
pub(crate) fn build_or_keep(config: &Config, site: &Site, still_there: impl Fn(&[String]) -> bool) -> SearchIndex {
    let inputs = inputs(config, site);
    let path = crate::paths::SitePaths::new(&config.root).search_cache();
    let last: Option<LastIndex> = match crate::paths::read_state(&path, crate::paths::MAX_STATE_FILE) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .inspect_err(|error| eprintln!("warning: ignoring {}: {error}", path.display()))
            .ok(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            eprintln!("warning: cannot read {}: {error}; the search index is made anew", path.display());
            None
        }
    };
    if let Some(last) = last.filter(|last| last.inputs == inputs && still_there(&last.paths)) {
        return SearchIndex { info: last.info, files: Vec::new(), kept: last.paths };
    }
    let index = build(config, site);
    let record =
        LastIndex { inputs, info: index.info.clone(), paths: index.files.iter().map(|f| f.path.clone()).collect() };
    if let Ok(text) = serde_json::to_vec(&record) {
        let _ = crate::paths::write_state(&path, &text);
    }
    index
}

/// A fingerprint of everything the index files are made from: each
/// page as [`Indexed`] shows it, the one view every index file reads, so
/// a field the index comes to read is a field the fingerprint covers.
fn inputs(config: &Config, site: &Site) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes()).update(b"\0");
    hasher.update(config.language.as_bytes()).update(b"\0");
    for page in indexed_pages(site) {
        hasher.update(page_fingerprint(page).as_bytes());
    }
    hasher.finalize().to_hex().to_string()
}

/// A fingerprint of one page as the index reads it.
fn page_fingerprint(page: &Page) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    // Serializing borrowed strings cannot fail.
    let _ = serde_json::to_writer(&mut hasher, &Indexed::of(page));
    hasher.finalize()
}

/// A page as the search index reads it: every index file, result and
/// card is made from these fields and no others.
#[derive(Debug, Serialize)]
struct Indexed<'a> {
    url: &'a str,
    title: &'a crate::model::InlineText,
    summary: Option<&'a str>,
    kind: &'static str,
    level: &'static str,
    tags: &'a [String],
    sections: &'a [crate::model::SectionText],
    code: &'a str,
    verified: Option<&'a crate::model::Verified>,
}

impl<'a> Indexed<'a> {
    fn of(page: &'a Page) -> Self {
        let rendered = &page.rendered;
        Self {
            url: &page.url,
            title: &rendered.title,
            summary: rendered.summary.as_ref().map(|s| s.plain.as_str()),
            kind: kind_name(page.kind),
            level: page.meta.level.map(|l| l.name()).unwrap_or_default(),
            tags: &page.meta.tags,
            sections: &rendered.text.sections,
            code: &rendered.text.code,
            verified: rendered.verified.as_ref(),
        }
    }
}

/// A word readers may type and the stem it leads to.
type WordStem = (Arc<str>, Arc<str>);

/// A document being indexed.
struct Doc<'a> {
    page: &'a Page,
    /// Terms per field.
    lengths: [u32; FIELDS],
    /// For each stem of the title, the section (by anchor) where it is
    /// most at home: where it occurs most, a heading counting three times;
    /// the first such section on a tie. A card that a title match brings
    /// links there.
    anchors: Anchors<'a>,
}

/// Stems with the anchor of a section.
type Anchors<'a> = Vec<(Arc<str>, &'a str)>;

/// How often a stem occurs in each field of one document.
type FieldCounts = [u16; FIELDS];

/// What the index holds before it becomes files, and what `primer search`
/// queries: the documents, every word readers may type with its stem,
/// sorted, and the postings of every stem.
pub(crate) struct Vocabulary<'a> {
    docs: Vec<Doc<'a>>,
    words: Vec<WordStem>,
    postings: FxHashMap<Arc<str>, Postings>,
    /// Characters of a word that name its shard.
    prefix: usize,
}

/// What the analysis of a run of consecutive documents gathers. Counts go
/// straight into per-stem lists, so no document keeps a table of its own:
/// at 10,000 pages those tables were the larger part of a build's memory.
#[derive(Default)]
struct Gathered<'a> {
    docs: Vec<Doc<'a>>,
    /// Every word with its stem, the first document's word winning.
    stem_of: FxHashMap<Arc<str>, Arc<str>>,
    /// Per stem, each document's counts, by document.
    counts: FxHashMap<Arc<str>, Vec<(u32, FieldCounts)>>,
}

/// One analyzer's run of documents, gathered by term and stem number
/// rather than by text, which [`Chunk::finish`] turns into [`Gathered`].
struct Chunk<'a> {
    analyzer: Analyzer,
    docs: Vec<Doc<'a>>,
    stem_of: FxHashMap<Arc<str>, Arc<str>>,
    /// Whether each term (by number) has been put in `stem_of`.
    recorded: Vec<bool>,
    /// Per stem number, each document's counts, by document.
    counts: Vec<Vec<(u32, FieldCounts)>>,
}

impl<'a> Chunk<'a> {
    fn new(language: &str) -> Self {
        Self {
            analyzer: Analyzer::new(language),
            docs: Vec::new(),
            stem_of: FxHashMap::default(),
            recorded: Vec::new(),
            counts: Vec::new(),
        }
    }

    fn add(&mut self, id: u32, page: &'a Page) {
        let (fields, anchors) = analyze_page(&mut self.analyzer, page);
        let mut lengths = [0u32; FIELDS];
        let mut counts: FxHashMap<StemId, FieldCounts> = FxHashMap::default();
        for (field, terms) in fields.iter().enumerate() {
            lengths[field] = u32::try_from(terms.len()).unwrap_or(u32::MAX);
            for &term_id in terms {
                let term = self.analyzer.term(term_id);
                let count = &mut counts.entry(term.stem_id).or_default()[field];
                *count = count.saturating_add(1);
                let at = term_id as usize;
                if self.recorded.len() <= at {
                    self.recorded.resize(at + 1, false);
                }
                if !std::mem::replace(&mut self.recorded[at], true) {
                    // In the order words first occur, as if every
                    // occurrence were recorded: the first one of a word
                    // (or of a stem) is the one that counts.
                    self.stem_of.entry(Arc::clone(&term.surface)).or_insert_with(|| Arc::clone(&term.stem));
                    // A stem is also a word readers may type.
                    self.stem_of.entry(Arc::clone(&term.stem)).or_insert_with(|| Arc::clone(&term.stem));
                }
            }
        }
        for (stem, count) in counts {
            let stem = stem as usize;
            if self.counts.len() <= stem {
                self.counts.resize_with(stem + 1, Vec::new);
            }
            self.counts[stem].push((id, count));
        }
        self.docs.push(Doc { page, lengths, anchors });
    }

    fn finish(self) -> Gathered<'a> {
        let stems = self.analyzer.into_stems();
        let counts = stems.into_iter().zip(self.counts).filter(|(_, list)| !list.is_empty()).collect();
        Gathered { docs: self.docs, stem_of: self.stem_of, counts }
    }
}

impl Gathered<'_> {
    /// `self` followed by the documents of `later`.
    fn merge(mut self, later: Self) -> Self {
        self.docs.extend(later.docs);
        for (word, stem) in later.stem_of {
            self.stem_of.entry(word).or_insert(stem);
        }
        for (stem, list) in later.counts {
            self.counts.entry(stem).or_default().extend(list);
        }
        self
    }
}

impl<'a> Vocabulary<'a> {
    pub(crate) fn new(config: &Config, site: &'a Site) -> Self {
        let pages = indexed_pages(site);
        // Folded and merged in document order, so the index is the same on
        // every run.
        let size = chunk_size(pages.len());
        let gathered = pages
            .par_chunks(size)
            .enumerate()
            .map(|(chunk, pages)| {
                let mut gathered = Chunk::new(&config.language);
                for (at, page) in pages.iter().enumerate() {
                    gathered.add(u32::try_from(chunk * size + at).unwrap_or(u32::MAX), page);
                }
                gathered.finish()
            })
            .reduce(Gathered::default, Gathered::merge);
        let Gathered { docs, stem_of, counts } = gathered;
        let mut words: Vec<WordStem> = stem_of.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let postings = weigh(&docs, counts);
        let prefix = if words.len() > 4000 { 2 } else { 1 };
        Self { docs, words, postings, prefix }
    }

    /// The words of every shard, sorted, with their stems.
    fn shards(&self) -> BTreeMap<String, Vec<(&str, &str)>> {
        let mut shards: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
        for (surface, stem) in &self.words {
            shards.entry(shard_key(surface, self.prefix)).or_default().push((surface.as_ref(), stem.as_ref()));
        }
        shards
    }
}

/// Builds the search index of a site.
pub(crate) fn build(config: &Config, site: &Site) -> SearchIndex {
    let vocabulary = Vocabulary::new(config, site);
    let Vocabulary { docs, words: stem_of, postings, prefix } = &vocabulary;
    let prefix = *prefix;
    let shards = vocabulary.shards();
    // A typo key goes to the shard of its prefix when that shard exists;
    // otherwise to a shared `<shorter prefix>~` file, so typos cost few
    // extra files.
    let mut redirects: BTreeMap<String, Vec<(String, &str)>> = BTreeMap::new();
    for (key, word) in typo_keys(stem_of) {
        let shard = shard_key(&key, prefix);
        let file = if shards.contains_key(&shard) { shard } else { format!("{}~", shard_key(&key, prefix - 1)) };
        redirects.entry(file).or_default().push((key, word));
    }
    let typo_lines = |keys: &[(String, &str)], payload: &mut String| {
        for (typo, word) in keys {
            let _ = writeln!(payload, "{typo}\t~{word}");
        }
    };
    // Each file is compressed as soon as it is made, so the index is never
    // held uncompressed whole.
    let mut files: Vec<OutputFile> = redirects
        .par_iter()
        .filter(|(file, _)| file.ends_with('~'))
        .map_init(Scripts::new, |scripts, (file, keys)| {
            let mut payload = String::from("0\n");
            typo_lines(keys, &mut payload);
            scripts.script(&format!("t/{file}"), &json!(payload))
        })
        .collect();
    let best_titles = best_title_matches(postings);
    files.par_extend(shards.par_iter().map_init(Scripts::new, |scripts, (key, words)| {
        let mut payload = shard_payload(words, postings);
        payload.push_str(&title_cards(words, &best_titles, docs));
        typo_lines(redirects.get(key).map(Vec::as_slice).unwrap_or_default(), &mut payload);
        scripts.script(&format!("t/{key}"), &json!(payload))
    }));
    files.par_extend(docs.par_chunks(RESULT_BLOCK).enumerate().map_init(Scripts::new, |scripts, (block, chunk)| {
        let list: Vec<_> = chunk.iter().map(|d| result(d.page)).collect();
        scripts.script(&format!("r/{block}"), &json!(list))
    }));
    files.push(Scripts::new().script("facets", &facets(docs)));
    let mut hasher = blake3::Hasher::new();
    for file in &files {
        hasher.update(file.path.as_bytes()).update(&file.bytes);
    }
    let version = hasher.finalize().to_hex()[..10].to_owned();
    for file in &mut files {
        file.path = format!("search/{}", file.path);
    }
    let keys = shards.keys().map(String::as_str).chain(redirects.keys().map(String::as_str));
    let shards = shard_bitmap(keys, prefix);
    let info = SearchInfo { version, prefix, block: RESULT_BLOCK, docs: docs.len(), shards };
    files.push(info.entry());
    SearchIndex { info, files, kept: Vec::new() }
}

/// The file every page loads to find the index. Its name never changes,
/// so pages do not change when only the index does: a rebuild after one
/// page changed rewrites that page and the index, not every page.
pub(crate) const ENTRY: &str = "search/entry.js";

impl SearchInfo {
    fn entry(&self) -> OutputFile {
        let data =
            json!({ "version": self.version, "prefix": self.prefix, "block": self.block, "shards": self.shards });
        OutputFile {
            path: ENTRY.to_owned(),
            bytes: format!("self.primerSearchEntry = {data};\n").into_bytes(),
            source: None,
        }
    }
}

/// Whether an output path is one of the index's files (and not, say, the
/// search results page beside them).
pub(crate) fn is_index_file(path: &str) -> bool {
    path == ENTRY || path == "search/facets.js" || path.starts_with("search/t/") || path.starts_with("search/r/")
}

/// The pages the index holds, in document-id order.
fn indexed_pages(site: &Site) -> Vec<&Page> {
    let own = site.pages.iter().filter(|p| p.kind.has_own_page());
    let mut pages: Vec<&Page> = own.chain(&site.api_search_pages).collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    pages
}

/// The terms of each field of a page: title, headings, summary (with
/// tags, kind and level), body and code; and the best section of each
/// title stem (see [`Doc::anchors`]). Sections are analyzed one by one,
/// which gives the same terms as their text joined.
fn analyze_page<'a>(analyzer: &mut Analyzer, page: &'a Page) -> ([Vec<TermId>; FIELDS], Anchors<'a>) {
    let page = Indexed::of(page);
    let title = analyzer.words(&page.title.plain);
    let mut title_stems: Vec<(Arc<str>, StemId)> = title
        .iter()
        .map(|&id| {
            let term = analyzer.term(id);
            (Arc::clone(&term.stem), term.stem_id)
        })
        .collect();
    title_stems.sort_unstable();
    title_stems.dedup();
    let mut best: Vec<Option<(&str, u32)>> = vec![None; title_stems.len()];
    let (mut headings, mut body) = (Vec::new(), Vec::new());
    for section in page.sections {
        let heading = analyzer.words(&section.heading);
        let text = analyzer.words(&section.text);
        if !section.anchor.is_empty() && !title_stems.is_empty() {
            let mut counts = vec![0u32; title_stems.len()];
            let weighted = heading.iter().map(|&id| (id, 3)).chain(text.iter().map(|&id| (id, 1)));
            for (id, weight) in weighted {
                let stem = analyzer.term(id).stem_id;
                if let Some(at) = title_stems.iter().position(|(_, title)| *title == stem) {
                    counts[at] += weight;
                }
            }
            for (slot, count) in best.iter_mut().zip(counts) {
                if count > slot.map_or(0, |(_, c)| c) {
                    *slot = Some((&section.anchor, count));
                }
            }
        }
        headings.extend(heading);
        body.extend(text);
    }
    let anchors = title_stems
        .into_iter()
        .zip(best)
        .filter_map(|((stem, _), best)| best.map(|(anchor, _)| (stem, anchor)))
        .collect();
    let summary = format!("{} {} {} {}", page.summary.unwrap_or_default(), page.tags.join(" "), page.kind, page.level);
    let summary = analyzer.words(&summary);
    let code = analyzer.code(page.code);
    ([title, headings, summary, body, code], anchors)
}

/// The postings of one stem: its highest BM25F score, and each
/// document's score as a fraction of it, quantized to 1..=818, with the
/// best field (title first) the stem occurs in there.
struct Postings {
    /// Highest score, in hundredths.
    top: usize,
    /// Document, best field, level.
    docs: Vec<(u32, u16, u16)>,
}

/// The relevance of every (stem, document), as postings sorted by
/// document: BM25 in each field, scaled by the field's weight and summed
/// over fields — the same model as tantivy's multi-field queries, so the
/// browser and `primer search` rank alike.
fn weigh(docs: &[Doc<'_>], counts: FxHashMap<Arc<str>, Vec<(u32, FieldCounts)>>) -> FxHashMap<Arc<str>, Postings> {
    #[allow(clippy::cast_precision_loss)]
    let count = docs.len().max(1) as f64;
    let mut average = [0.0f64; FIELDS];
    for doc in docs {
        for (field, length) in doc.lengths.iter().enumerate() {
            average[field] += f64::from(*length) / count;
        }
    }
    // tantivy stores field lengths in one lossy byte; do the same.
    let norms: Vec<[f64; FIELDS]> = docs
        .iter()
        .map(|doc| {
            std::array::from_fn(|f| {
                let length = FieldNormReader::id_to_fieldnorm(FieldNormReader::fieldnorm_to_id(doc.lengths[f]));
                K1 * (1.0 - B + B * f64::from(length) / average[f].max(1.0))
            })
        })
        .collect();
    counts
        .into_iter()
        .map(|(stem, list)| {
            // Documents containing the stem, per field.
            let mut df = [0u32; FIELDS];
            for (_, tf) in &list {
                for field in 0..FIELDS {
                    df[field] += u32::from(tf[field] > 0);
                }
            }
            let scored: Vec<(u32, u16, f64)> = list
                .into_iter()
                .map(|(id, tf)| {
                    let score: f64 = (0..FIELDS)
                        .filter(|&f| tf[f] > 0)
                        .map(|f| {
                            let idf = (1.0 + (count - f64::from(df[f]) + 0.5) / (f64::from(df[f]) + 0.5)).ln();
                            let tf = f64::from(tf[f]);
                            FIELD_WEIGHTS[f] * idf * tf * (K1 + 1.0) / (tf + norms[id as usize][f])
                        })
                        .sum();
                    let best = (0..FIELDS).find(|&f| tf[f] > 0).and_then(|f| u16::try_from(f).ok()).unwrap_or(0);
                    (id, best, score)
                })
                .collect();
            let highest = scored.iter().map(|(_, _, s)| *s).fold(f64::MIN_POSITIVE, f64::max);
            // Both casts are of small positive numbers by construction.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let docs = scored
                .into_iter()
                .map(|(id, field, score)| (id, field, ((score / highest * (WEIGHT_LEVELS - 1.0)).round() as u16) + 1))
                .collect();
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let top = (highest * 100.0).round() as usize;
            (stem, Postings { top, docs })
        })
        .collect()
}

/// The documents with each stem in their title, best first, at most
/// [`TITLE_CARDS`] of them.
fn best_title_matches(postings: &FxHashMap<Arc<str>, Postings>) -> FxHashMap<&str, Vec<usize>> {
    postings
        .iter()
        .filter_map(|(stem, postings)| {
            // A posting's best field is the title when the title has it.
            let mut titled: Vec<(u32, u16)> =
                postings.docs.iter().filter(|(_, field, _)| *field == 0).map(|&(doc, _, level)| (doc, level)).collect();
            if titled.is_empty() {
                return None;
            }
            titled.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            Some((stem.as_ref(), titled.into_iter().take(TITLE_CARDS).map(|(doc, _)| doc as usize).collect()))
        })
        .collect()
}

/// Items per chunk of parallel work that gives each chunk an [`Analyzer`]
/// of its own: few enough chunks that each analyzer stems a word once for
/// many pages, enough of them to keep every thread busy.
fn chunk_size(items: usize) -> usize {
    items.div_ceil(4 * rayon::current_num_threads()).max(1)
}

/// The card lines of a shard: for every document among the best title
/// matches of its stems, `[id, url, title, kind, level, tags, summary,
/// anchors]`, `anchors` naming, for the stems of the shard whose title
/// match brought the card, the section of the page that has most of
/// them, so a card's result links there.
fn title_cards(words: &[(&str, &str)], best_titles: &FxHashMap<&str, Vec<usize>>, docs: &[Doc<'_>]) -> String {
    let chosen: std::collections::BTreeSet<usize> =
        words.iter().filter_map(|(_, stem)| best_titles.get(stem)).flatten().copied().collect();
    let mut stems: Vec<&str> = words.iter().map(|(_, stem)| *stem).collect();
    stems.sort_unstable();
    stems.dedup();
    let mut out = String::new();
    for id in chosen {
        let page = docs[id].page;
        let mut card = vec![json!(id)];
        card.extend(result_heading(page));
        card.push(json!(Indexed::of(page).summary.unwrap_or_default()));
        let mut anchors = serde_json::Map::new();
        // Only for the shard's stems whose best title matches brought the card.
        for stem in &stems {
            if !best_titles.get(stem).is_some_and(|ids| ids.contains(&id)) {
                continue;
            }
            if let Some((_, anchor)) = docs[id].anchors.iter().find(|(titled, _)| **titled == **stem) {
                anchors.insert((*stem).to_owned(), json!(anchor));
            }
        }
        let verified = Indexed::of(page).verified.map(crate::model::Verified::sentence);
        if !anchors.is_empty() || verified.is_some() {
            card.push(serde_json::Value::Object(anchors));
        }
        if let Some(verified) = verified {
            card.push(json!(verified));
        }
        out.push_str(&serde_json::Value::Array(card).to_string());
        out.push('\n');
    }
    out
}

/// Shortest word that gets typo keys: the client tolerates one typo in
/// words of 5 letters, typed with 4 or more.
const TYPO_KEY_MIN: usize = 5;

/// Words as a reader would type them with the first or the second letter
/// left out, or one of the first three swapped with its neighbour,
/// pointing at the word itself. Such a typo changes the word's
/// shard, where the client could not find it; the key sits in the shard
/// the reader's query goes to. Keys that are words of their own are kept:
/// when the word taken as typed matches too little, the client follows
/// them.
pub(super) fn typo_keys(words: &[WordStem]) -> Vec<(String, &str)> {
    let mut keys = Vec::new();
    for (word, _) in words {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() < TYPO_KEY_MIN {
            continue;
        }
        let without_first: String = chars[1..].iter().collect();
        let without_second: String = std::iter::once(chars[0]).chain(chars[2..].iter().copied()).collect();
        let swapped = |at: usize| {
            let mut swapped = chars.clone();
            swapped.swap(at, at + 1);
            swapped.into_iter().collect::<String>()
        };
        for key in [without_first, without_second, swapped(0), swapped(1)] {
            if key != word.as_ref() {
                keys.push((key, word.as_ref()));
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The shard a word belongs to: its first `prefix` characters, with
/// anything outside `a-z0-9` as `_`.
pub(super) fn shard_key(word: &str, prefix: usize) -> String {
    word.chars().take(prefix).map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '_' }).collect()
}

/// The characters of shard keys: `^` ends a key shorter than the prefix,
/// `~` names a file of typo keys.
const KEY_CHARS: &str = "^_0123456789abcdefghijklmnopqrstuvwxyz~";

/// The set of shard keys as a bitmap in [`DIGITS`], 6 bits a character:
/// bit `n` for the key whose characters, read as digits in base 39 (last
/// character most significant), make `n`.
fn shard_bitmap<'a>(keys: impl Iterator<Item = &'a str>, prefix: usize) -> String {
    let base = KEY_CHARS.len();
    let size = (0..prefix).fold(1, |n, _| n * base);
    let mut bits = vec![false; size];
    for key in keys {
        let mut n = 0;
        let mut scale = 1;
        for at in 0..prefix {
            let c = key.chars().nth(at).unwrap_or('^');
            n += KEY_CHARS.find(c).unwrap_or(0) * scale;
            scale *= base;
        }
        bits[n] = true;
    }
    bits.chunks(6)
        .map(|chunk| {
            let value = chunk.iter().enumerate().fold(0, |v, (i, &bit)| v | (usize::from(bit) << i));
            char::from(DIGITS[value])
        })
        .collect()
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

/// A shard: one line per stem (its top score in hundredths, then pairs of
/// document-id delta and a two-character weight: best field and level in
/// 818ths of the top), then
/// `word<TAB>stem-number` per word.
fn shard_payload(words: &[(&str, &str)], postings: &FxHashMap<Arc<str>, Postings>) -> String {
    let mut stems: Vec<&str> = words.iter().map(|(_, stem)| *stem).collect();
    stems.sort_unstable();
    stems.dedup();
    let mut out = format!("{}\n", stems.len());
    for stem in &stems {
        let mut previous = 0;
        let Some(stem_postings) = postings.get(*stem) else {
            out.push('\n');
            continue;
        };
        push_varint(&mut out, stem_postings.top);
        for &(doc, field, level) in &stem_postings.docs {
            let weight = field * FIELD_SPAN + level;
            push_varint(&mut out, (doc - previous) as usize);
            out.push(char::from(DIGITS[usize::from(weight >> 6)]));
            out.push(char::from(DIGITS[usize::from(weight & 63)]));
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

/// What a result shows: URL, title, kind, level, tags, the text by
/// section for its excerpt, and when its examples were last verified
/// with what (`null` for a page without runnable code).
fn result(page: &Page) -> serde_json::Value {
    let mut result = result_heading(page).to_vec();
    result.push(fragments(page));
    result.push(json!(Indexed::of(page).verified.map(crate::model::Verified::sentence)));
    serde_json::Value::Array(result)
}

/// What every result shows of a page, in result files and cards alike:
/// URL, title, kind, level and tags. The title is its plain text, or
/// `[plain, html]` when it has inline Markdown to show.
fn result_heading(page: &Page) -> [serde_json::Value; 5] {
    let [kind, level, tags] = facet(page);
    let page = Indexed::of(page);
    let title = page.title;
    let title = if crate::html::escape_html(&title.plain) == title.html {
        json!(title.plain)
    } else {
        json!([title.plain, title.html])
    };
    [json!(page.url), title, kind, level, tags]
}

/// What filters look at: kind, level and tags.
fn facet(page: &Page) -> [serde_json::Value; 3] {
    let page = Indexed::of(page);
    [json!(page.kind), json!(page.level), json!(page.tags)]
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
    let page = Indexed::of(page);
    let summary = page.summary.map(|summary| json!(["", "", summary]));
    let sections = page.sections.iter().map(|s| {
        let text: String = s.text.chars().take(SECTION_TEXT).collect();
        json!([s.anchor, s.heading, text])
    });
    json!(summary.into_iter().chain(sections).collect::<Vec<_>>())
}

fn facets(docs: &[Doc<'_>]) -> serde_json::Value {
    let list: Vec<_> = docs.iter().map(|d| json!(facet(d.page))).collect();
    json!(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changing_any_indexed_field_changes_the_fingerprint() {
        let config =
            crate::config::parse(std::path::Path::new("/site"), "[site]\ntitle = \"T\"\n", &Default::default())
                .expect("config");
        let text = "---\ntitle: T\nsummary: S\ntags: [a]\nlevel: beginner\n---\nBody\n";
        let doc = crate::model::SourceDoc {
            rel: "recipes/p.md".to_owned(),
            display: "content/recipes/p.md".to_owned(),
            text: text.to_owned(),
            origins: None,
            images: Vec::new(),
            labels: Vec::new(),
        };
        let (pages, _) = crate::frontmatter::run(&config, vec![doc]);
        let mut page = pages.into_iter().next().expect("a page");
        page.rendered.summary = Some(crate::model::InlineText::default());
        page.rendered.text.sections.push(crate::model::SectionText::default());
        let edits: [fn(&mut Page); 12] = [
            |p| p.url.push('x'),
            |p| p.rendered.title.plain.push('x'),
            |p| p.rendered.title.html.push('x'),
            |p| p.rendered.summary = None,
            |p| p.kind = Kind::Tutorial,
            |p| p.meta.level = None,
            |p| p.meta.tags.push("b".to_owned()),
            |p| p.rendered.text.sections[0].anchor.push('x'),
            |p| p.rendered.text.sections[0].heading.push('x'),
            |p| p.rendered.text.sections[0].text.push('x'),
            |p| p.rendered.text.code.push('x'),
            |p| p.rendered.text.sections.clear(),
        ];
        let before = page_fingerprint(&page);
        for (n, edit) in edits.iter().enumerate() {
            let mut edited = page.clone();
            edit(&mut edited);
            assert_ne!(page_fingerprint(&edited), before, "edit {n} left the fingerprint as it was");
        }
    }

    #[test]
    fn varints_use_five_bits_per_character() {
        let mut out = String::new();
        push_varint(&mut out, 0);
        push_varint(&mut out, 31);
        push_varint(&mut out, 32);
        assert_eq!(out, "AfgB");
    }
}
