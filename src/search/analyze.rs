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
/// analyzer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Term {
    pub(crate) surface: Arc<str>,
    pub(crate) stem: Arc<str>,
}

/// The analyzers for one site language.
pub(crate) struct Analyzer {
    surface: TextAnalyzer,
    stemmed: TextAnalyzer,
    /// Terms of the words seen so far: a site has far fewer distinct words
    /// than words, and stemming each once halves the analysis.
    terms: FxHashMap<Arc<str>, Term>,
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
        Self { surface: base().build(), stemmed: stemming(language), terms: FxHashMap::default() }
    }

    /// The terms of prose text.
    pub(crate) fn words(&mut self, text: &str) -> Vec<Term> {
        let mut terms = Vec::new();
        let mut stream = self.surface.token_stream(text);
        while stream.advance() {
            let word = stream.token().text.as_str();
            if let Some(term) = self.terms.get(word) {
                terms.push(term.clone());
                continue;
            }
            // A surface token passes through the stemming analyzer as one
            // token: its filters leave their own output alone.
            let surface: Arc<str> = Arc::from(word);
            let stem = match tokens(&mut self.stemmed, word).pop() {
                Some(stem) if stem != word => Arc::from(stem),
                _ => Arc::clone(&surface),
            };
            let term = Term { surface, stem };
            self.terms.insert(Arc::clone(&term.surface), term.clone());
            terms.push(term);
        }
        terms
    }

    /// The terms of code: words as in prose, plus each compound identifier
    /// whole and its camelCase parts.
    pub(crate) fn code(&mut self, code: &str) -> Vec<Term> {
        let mut terms = Vec::new();
        for identifier in code.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()) {
            let parts = camel_parts(identifier);
            let compound = identifier.contains('_') || parts.len() > 1;
            if compound && identifier.len() <= MAX_WORD {
                let whole: Arc<str> = identifier.trim_matches('_').to_lowercase().into();
                terms.push(Term { surface: Arc::clone(&whole), stem: whole });
            }
            for part in parts {
                terms.extend(self.words(&part));
            }
        }
        terms
    }
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
        let terms = analyzer.words("Running Café");
        assert_eq!(terms[0], Term { surface: "running".into(), stem: "run".into() });
        assert_eq!(&*terms[1].surface, "cafe");
    }

    #[test]
    fn identifiers_are_kept_whole_and_split() {
        let mut analyzer = Analyzer::new("en");
        let surfaces: Vec<Arc<str>> =
            analyzer.code("model.load_state_dict(loadStateDict)").into_iter().map(|t| t.surface).collect();
        for expected in ["model", "load_state_dict", "load", "state", "dict", "loadstatedict"] {
            assert!(surfaces.contains(&Arc::from(expected)), "{expected} in {surfaces:?}");
        }
    }
}
