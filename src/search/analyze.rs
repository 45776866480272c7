//! Turning text into index terms with tantivy's analyzers.
//!
//! Words are lowercased and ASCII-folded (tantivy's `LowerCaser` and
//! `AsciiFoldingFilter`), and stemmed with the stemmer for the site's
//! language. Every token yields its surface form and its stem: the index
//! keys postings by stem and lists every surface word that leads to it, so
//! the browser finds `run` from `running` without a stemmer of its own.
//! Code identifiers are kept whole as well as split (`load_state_dict`,
//! `loadStateDict` → `load`, `state`, `dict`).

use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};

/// Longest word indexed; longer tokens are noise (hashes, base64).
const MAX_WORD: usize = 40;

/// A word as written (normalized) and its stem. Shared: the same words
/// recur thousands of times in a site, and each is allocated once per
/// analyzer, with one allocation per distinct stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub(crate) surface: Arc<str>,
    pub(crate) stem: Arc<str>,
    /// The stem's number in the analyzer that made the term.
    pub(crate) stem_id: StemId,
}

/// A term's number in the analyzer that met it.
pub(crate) type TermId = u32;
/// A stem's number in an analyzer: equal stems, equal numbers.
pub(crate) type StemId = u32;

/// The analyzers for one site language, and every term they met, by
/// number: a site has far fewer distinct words than words, so each word
/// is stemmed once, and callers count by number instead of by text.
pub(crate) struct Analyzer {
    surface: TextAnalyzer,
    stemmed: TextAnalyzer,
    terms: Vec<Term>,
    /// Prose words by surface form.
    words: FxHashMap<Arc<str>, TermId>,
    /// Whole compound identifiers (`load_state_dict`): their own stems.
    compounds: FxHashMap<Arc<str>, TermId>,
    stems: Stems,
}

/// Every stem met, each allocated once: by text, and by number.
#[derive(Default)]
struct Stems {
    ids: FxHashMap<Arc<str>, StemId>,
    names: Vec<Arc<str>>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer")
    }
}

/// tantivy's stemmer for a language code (`en`, `de-AT`…), if it has one.
pub(crate) fn stemmer_language(code: &str) -> Option<Language> {
    Some(match code.split(['-', '_']).next().unwrap_or(code).to_ascii_lowercase().as_str() {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "no" | "nb" | "nn" => Language::Norwegian,
        "pt" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru" => Language::Russian,
        "es" => Language::Spanish,
        "sv" => Language::Swedish,
        "ta" => Language::Tamil,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

fn base() -> tantivy::tokenizer::TextAnalyzerBuilder<impl tantivy::tokenizer::Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// The analyzer that yields stems: what the index keys postings by, and
/// what `primer search` registers with tantivy.
pub(crate) fn stemming(language: &str) -> TextAnalyzer {
    match stemmer_language(language) {
        Some(language) => base().filter(Stemmer::new(language)).build(),
        None => base().build(),
    }
}

impl Analyzer {
    pub(crate) fn new(language: &str) -> Self {
        Self {
            surface: base().build(),
            stemmed: stemming(language),
            terms: Vec::new(),
            words: FxHashMap::default(),
            compounds: FxHashMap::default(),
            stems: Stems::default(),
        }
    }

    /// Every stem met, by number.
    pub(crate) fn into_stems(self) -> Vec<Arc<str>> {
        self.stems.names
    }

    /// The term numbered `id` by this analyzer.
    pub(crate) fn term(&self, id: TermId) -> &Term {
        &self.terms[id as usize]
    }

    /// The terms of prose text.
    pub(crate) fn words(&mut self, text: &str) -> Vec<TermId> {
        let Self { surface, stemmed, terms, words, stems, .. } = self;
        let mut out = Vec::new();
        let mut stream = surface.token_stream(text);
        while stream.advance() {
            let word = stream.token().text.as_str();
            let id = match words.get(word) {
                Some(&id) => id,
                None => {
                    // A surface token passes through the stemming analyzer
                    // as one token: its filters leave their own output alone.
                    let stem = tokens(stemmed, word).pop();
                    let term = new_term(stems, word, stem.as_deref().unwrap_or(word));
                    let id = push(terms, term);
                    words.insert(Arc::clone(&terms[id as usize].surface), id);
                    id
                }
            };
            out.push(id);
        }
        out
    }

    /// The terms of code: words as in prose, plus each compound identifier
    /// whole and its camelCase parts.
    pub(crate) fn code(&mut self, code: &str) -> Vec<TermId> {
        let mut out = Vec::new();
        for identifier in code.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()) {
            let parts = camel_parts(identifier);
            let compound = identifier.contains('_') || parts.len() > 1;
            if compound && identifier.len() <= MAX_WORD {
                let whole = identifier.trim_matches('_').to_lowercase();
                let id = match self.compounds.get(whole.as_str()) {
                    Some(&id) => id,
                    None => {
                        let term = new_term(&mut self.stems, &whole, &whole);
                        let id = push(&mut self.terms, term);
                        self.compounds.insert(Arc::clone(&self.terms[id as usize].surface), id);
                        id
                    }
                };
                out.push(id);
            }
            for part in parts {
                out.extend(self.words(&part));
            }
        }
        out
    }
}

/// The term of `surface` and `stem`, with the stem's one allocation.
fn new_term(stems: &mut Stems, surface: &str, stem: &str) -> Term {
    let (stem, stem_id) = match stems.ids.get_key_value(stem) {
        Some((stem, &id)) => (Arc::clone(stem), id),
        None => {
            let id = StemId::try_from(stems.names.len()).unwrap_or(StemId::MAX);
            let stem: Arc<str> = Arc::from(stem);
            stems.ids.insert(Arc::clone(&stem), id);
            stems.names.push(Arc::clone(&stem));
            (stem, id)
        }
    };
    let surface = if *surface == *stem { Arc::clone(&stem) } else { Arc::from(surface) };
    Term { surface, stem, stem_id }
}

fn push(terms: &mut Vec<Term>, term: Term) -> TermId {
    terms.push(term);
    TermId::try_from(terms.len() - 1).unwrap_or(TermId::MAX)
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// `loadStateDict` → `load State Dict`; other words unchanged.
fn camel_parts(word: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in word.chars() {
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercased_folded_and_stemmed() {
        let mut analyzer = Analyzer::new("en");
        let ids = analyzer.words("Running Café runs");
        let running = analyzer.term(ids[0]);
        assert_eq!((&*running.surface, &*running.stem), ("running", "run"));
        assert_eq!(&*analyzer.term(ids[1]).surface, "cafe");
        // One stem, one number and one allocation.
        let runs = analyzer.term(ids[2]);
        assert_eq!(runs.stem_id, running.stem_id);
        assert!(Arc::ptr_eq(&runs.stem, &running.stem));
    }

    #[test]
    fn identifiers_are_kept_whole_and_split() {
        let mut analyzer = Analyzer::new("en");
        let ids = analyzer.code("model.load_state_dict(loadStateDict)");
        let surfaces: Vec<Arc<str>> = ids.into_iter().map(|id| Arc::clone(&analyzer.term(id).surface)).collect();
        for expected in ["model", "load_state_dict", "load", "state", "dict", "loadstatedict"] {
            assert!(surfaces.contains(&Arc::from(expected)), "{expected} in {surfaces:?}");
        }
    }
}
