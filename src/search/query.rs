//! `primer search`: the browser client's query rules, in Rust, over the
//! same vocabulary and postings the index files are written from.
//!
//! Every step follows `search.js` so the terminal and the browser rank
//! alike (tests compare them): the query's terms (stopwords left out,
//! identifiers whole or by their parts), each word matched as written, by
//! its stem and with one typo (in its own shard, then through the typo
//! keys and by leaving out an extra first letter), scores read from the
//! quantized postings, and the soft AND: most terms matched, then fewest
//! typos, then the best fields, then score.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::{Vocabulary, shard_key, typo_keys};
use crate::config::Config;
use crate::listing::Site;

const EXACT: f64 = 1.0;
const TYPO: f64 = 0.5;
/// One typo is tolerated between words of 5 letters or more, typed with 4
/// or more.
const MIN_TYPED: usize = 4;
const MIN_TYPO_WORD: usize = 5;

/// Words that say little about what a reader looks for; `search.js` has
/// the same list.
pub(crate) const STOPWORDS: [&str; 76] = [
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by",
    "can", "could", "did", "do", "does", "doing", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into",
    "is", "it", "its", "just", "me", "my", "no", "not", "of", "on", "or", "our", "out", "so", "some", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "too", "us", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "why", "will", "with", "would", "you", "your",
];

/// One result of `primer search`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) score: f64,
    /// Whether the page lacks some of the query's terms.
    pub(crate) partial: bool,
}

/// A term of a query: a word, or an identifier with its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
enum QueryTerm {
    Word(String),
    Identifier { whole: String, parts: Vec<String> },
}

/// The `limit` best pages for `query`.
pub(crate) fn search(config: &Config, site: &Site, query: &str, limit: usize) -> Vec<Hit> {
    let vocabulary = Vocabulary::new(config, site);
    let engine = Engine::new(&vocabulary, config);
    engine.search(query, limit)
}

/// What a query reads: the vocabulary by shard, and the typo keys.
struct Engine<'a> {
    vocabulary: &'a Vocabulary<'a>,
    shards: BTreeMap<String, Vec<(&'a str, &'a str)>>,
    typos: FxHashMap<String, Vec<&'a str>>,
    /// The index's stemmer over a whole word, as the client's stems it;
    /// `None` for a language the client does not stem.
    stemmer: Option<std::cell::RefCell<tantivy::tokenizer::TextAnalyzer>>,
}

/// Documents matched by a word: doc → (score, field).
type Found = BTreeMap<usize, (f64, u16)>;
/// Documents matched by a term: doc → (score, field, typo).
type TermFound = BTreeMap<usize, (f64, u16, u16)>;

impl<'a> Engine<'a> {
    fn new(vocabulary: &'a Vocabulary<'a>, config: &Config) -> Self {
        let mut typos: FxHashMap<String, Vec<&'a str>> = FxHashMap::default();
        for (key, word) in typo_keys(&vocabulary.words) {
            typos.entry(key).or_default().push(word);
        }
        let english = config.language.split(['-', '_']).next().is_some_and(|l| l.eq_ignore_ascii_case("en"));
        let stemmer = english.then(|| {
            use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer};
            std::cell::RefCell::new(
                TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(Language::English)).build(),
            )
        });
        Self { vocabulary, shards: vocabulary.shards(), typos, stemmer }
    }

    fn stem(&self, word: &str) -> String {
        let Some(stemmer) = &self.stemmer else { return word.to_owned() };
        let mut stemmer = stemmer.borrow_mut();
        let mut stream = stemmer.token_stream(word);
        let mut out = String::new();
        while stream.advance() {
            out.push_str(&stream.token().text);
        }
        out
    }

    fn shard(&self, word: &str) -> Option<&Vec<(&'a str, &'a str)>> {
        self.shards.get(&shard_key(word, self.vocabulary.prefix))
    }

    /// Adds a stem's postings at `factor`, keeping each document's best.
    fn add_postings(&self, stem: &str, factor: f64, found: &mut Found) {
        let Some(postings) = self.vocabulary.postings.get(stem) else { return };
        #[allow(clippy::cast_precision_loss)]
        let unit = postings.top as f64 / 100.0 / 818.0;
        for &(doc, field, level) in &postings.docs {
            let doc = doc as usize;
            // As the client computes it: the level times the unit.
            let score = f64::from(level) * unit * factor;
            match found.get(&doc) {
                Some(&(old, _)) if old >= score => {}
                _ => {
                    found.insert(doc, (score, field));
                }
            }
        }
    }

    fn add_exact(&self, target: &str, factor: f64, found: &mut Found) {
        let Some(shard) = self.shard(target) else { return };
        if let Ok(at) = shard.binary_search_by(|(word, _)| (*word).cmp(target)) {
            self.add_postings(shard[at].1, factor, found);
        }
    }

    /// A word as written, by its stem, and with one typo (see `search.js`).
    fn match_word(&self, word: &str, wide: bool) -> (Found, Found) {
        let (mut exact, mut typo) = (Found::new(), Found::new());
        let length = word.chars().count();
        let tolerant = length >= MIN_TYPED;
        let shard = self.shard(word);
        if let Some(shard) = shard {
            if let Ok(at) = shard.binary_search_by(|(w, _)| (*w).cmp(word)) {
                self.add_postings(shard[at].1, EXACT, &mut exact);
            }
            if tolerant {
                for (candidate, stem) in shard {
                    if one_typo(candidate, word) {
                        self.add_postings(stem, TYPO, &mut typo);
                    }
                }
            }
        }
        let stemmed = self.stem(word);
        if stemmed != word {
            self.add_exact(&stemmed, EXACT, &mut exact);
        }
        if !tolerant || !(wide || (exact.is_empty() && typo.is_empty())) {
            return (exact, typo);
        }
        for target in self.typos.get(word).map(Vec::as_slice).unwrap_or_default() {
            self.add_exact(target, TYPO, &mut typo);
        }
        if !typo.is_empty() || length <= MIN_TYPED {
            return (exact, typo);
        }
        let chars: Vec<char> = word.chars().collect();
        let without_first: String = chars[1..].iter().collect();
        let without_second: String = std::iter::once(chars[0]).chain(chars[2..].iter().copied()).collect();
        for variant in [without_first, without_second] {
            self.add_exact(&variant, TYPO, &mut typo);
        }
        (exact, typo)
    }

    fn match_plain(&self, word: &str, wide: bool) -> TermFound {
        let (exact, typo) = self.match_word(word, wide);
        let mut out: TermFound = typo.into_iter().map(|(doc, (score, field))| (doc, (score, field, 1))).collect();
        out.extend(exact.into_iter().map(|(doc, (score, field))| (doc, (score, field, 0))));
        out
    }

    fn match_term(&self, term: &QueryTerm, wide: bool) -> TermFound {
        match term {
            QueryTerm::Word(word) => self.match_plain(word, wide),
            QueryTerm::Identifier { whole, parts } => {
                let mut out = self.match_plain(whole, wide);
                let each: Vec<TermFound> = parts.iter().map(|part| self.match_plain(part, wide)).collect();
                #[allow(clippy::cast_precision_loss)]
                let share = each.len() as f64;
                'docs: for &doc in each[0].keys() {
                    let (mut score, mut field, mut typo) = (0.0, 0, 0);
                    for found in &each {
                        let Some(&(s, f, t)) = found.get(&doc) else { continue 'docs };
                        score += s / share;
                        field = field.max(f);
                        typo = typo.max(t);
                    }
                    if out.get(&doc).is_none_or(|&(old, ..)| old < score) {
                        out.insert(doc, (score, field, typo));
                    }
                }
                out
            }
        }
    }

    fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let terms = query_terms(query);
        if terms.is_empty() {
            return Vec::new();
        }
        let tolerant = terms.iter().any(|t| forms(t).iter().any(|w| w.chars().count() >= MIN_TYPED));
        let matched = |wide: bool| -> Vec<TermFound> { terms.iter().map(|t| self.match_term(t, wide)).collect() };
        let mut rows = rank(&matched(false), limit);
        let complete = rows.iter().filter(|r| r.matched == terms.len()).count();
        if complete < limit && tolerant {
            rows = rank(&matched(true), limit);
        }
        rows.into_iter()
            .take(limit)
            .map(|row| {
                let page = self.vocabulary.docs[row.doc].page;
                Hit {
                    url: page.url.clone(),
                    title: page.rendered.title.plain.clone(),
                    score: row.score,
                    partial: row.matched < terms.len(),
                }
            })
            .collect()
    }
}

/// How well one document matches.
struct Row {
    doc: usize,
    matched: usize,
    typos: u16,
    fields: u16,
    score: f64,
}

/// Most terms first, then fewest typos, then the best fields, then score;
/// partial matches only when fewer than `limit` documents have every term.
fn rank(per_term: &[TermFound], limit: usize) -> Vec<Row> {
    let mut docs: Vec<usize> = per_term.iter().flat_map(|found| found.keys().copied()).collect();
    docs.sort_unstable();
    docs.dedup();
    let mut rows: Vec<Row> = docs
        .into_iter()
        .map(|doc| {
            let mut row = Row { doc, matched: 0, typos: 0, fields: 0, score: 0.0 };
            for found in per_term {
                match found.get(&doc) {
                    None => row.fields += 5,
                    Some(&(score, field, typo)) => {
                        row.matched += 1;
                        row.typos += typo;
                        row.fields += field;
                        row.score += score;
                    }
                }
            }
            row
        })
        .collect();
    rows.sort_by(|a, b| {
        b.matched
            .cmp(&a.matched)
            .then(a.typos.cmp(&b.typos))
            .then(a.fields.cmp(&b.fields))
            .then(b.score.total_cmp(&a.score))
            .then(a.doc.cmp(&b.doc))
    });
    let complete = rows.iter().filter(|r| r.matched == per_term.len()).count();
    if complete >= limit {
        rows.truncate(complete);
    }
    rows
}

/// The words that show a term.
fn forms(term: &QueryTerm) -> Vec<&str> {
    match term {
        QueryTerm::Word(word) => vec![word],
        QueryTerm::Identifier { whole, parts } => {
            std::iter::once(whole.as_str()).chain(parts.iter().map(String::as_str)).collect()
        }
    }
}

/// Lowercase and without accents, as the client's `normalize`.
fn fold(text: &str) -> String {
    let mut analyzer = tantivy::tokenizer::TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
        .filter(tantivy::tokenizer::AsciiFoldingFilter)
        .build();
    let mut stream = analyzer.token_stream(text);
    let mut out = String::new();
    while stream.advance() {
        out.push_str(&stream.token().text);
    }
    out
}

/// `camelCase` → camel, Case.
fn camel_parts(word: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut previous: Option<char> = None;
    for c in word.chars() {
        if c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase() || p.is_numeric()) {
            parts.push(String::new());
        }
        parts.last_mut().expect("one part at least").push(c);
        previous = Some(c);
    }
    parts
}

/// The terms of a query, as `search.js` makes them.
fn query_terms(query: &str) -> Vec<QueryTerm> {
    let folded = fold(query);
    let mut terms = Vec::new();
    for piece in folded.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|p| !p.is_empty()) {
        let parts: Vec<String> =
            piece.split('_').filter(|p| !p.is_empty()).flat_map(camel_parts).map(|p| p.to_lowercase()).collect();
        match parts.len() {
            0 => {}
            1 => terms.push(QueryTerm::Word(parts.into_iter().next().unwrap_or_default())),
            _ => terms.push(QueryTerm::Identifier { whole: piece.trim_matches('_').to_lowercase(), parts }),
        }
    }
    let is_stopword = |t: &QueryTerm| matches!(t, QueryTerm::Word(w) if STOPWORDS.contains(&w.as_str()));
    let content: Vec<QueryTerm> = terms.iter().filter(|t| !is_stopword(t)).cloned().collect();
    if content.is_empty() { terms } else { content }
}

/// Whether `a` and `b` differ by one insertion, deletion, change or swap
/// of neighbours (the client's `oneEditApart`).
fn one_edit_apart(a: &[char], b: &[char]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    if a.len() == b.len() {
        let diff: Vec<usize> = (0..a.len()).filter(|&k| a[k] != b[k]).take(3).collect();
        if diff.len() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]] && a[diff[1]] == b[diff[0]] {
            return true;
        }
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

fn one_typo(candidate: &str, typed: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (candidate.chars().collect(), typed.chars().collect());
    a != b && a.len().min(b.len()) >= MIN_TYPED && a.len().max(b.len()) >= MIN_TYPO_WORD && one_edit_apart(&a, &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_lose_their_stopwords_and_identifiers_keep_whole_and_parts() {
        assert_eq!(
            query_terms("How do I parse a date?"),
            [QueryTerm::Word("parse".into()), QueryTerm::Word("date".into())]
        );
        assert_eq!(query_terms("the of"), [QueryTerm::Word("the".into()), QueryTerm::Word("of".into())]);
        assert_eq!(
            query_terms("std::fs::read_to_string"),
            [
                QueryTerm::Word("std".into()),
                QueryTerm::Word("fs".into()),
                QueryTerm::Identifier {
                    whole: "read_to_string".into(),
                    parts: vec!["read".into(), "to".into(), "string".into()]
                }
            ]
        );
        assert_eq!(
            query_terms("HashMap::entry"),
            [
                QueryTerm::Identifier { whole: "hashmap".into(), parts: vec!["hash".into(), "map".into()] },
                QueryTerm::Word("entry".into())
            ]
        );
    }

    #[test]
    fn typos_are_one_edit_between_long_enough_words() {
        assert!(one_typo("python", "pyhton"));
        assert!(one_typo("regex", "regx"));
        assert!(!one_typo("cat", "cut"));
        assert!(!one_typo("python", "pythno!!"));
    }
}
