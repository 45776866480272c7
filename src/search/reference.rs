//! `primer search`'s ranking: a tantivy index of the same documents and
//! fields as the client index, with the same analyzer and field boosts.
//! It answers authors in the terminal and is the reference the client's
//! ranking is tested against.

use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::{Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::{Index, TantivyDocument};

use super::analyze::{Analyzer, stemming};
use super::{FIELD_NAMES, FIELD_WEIGHTS, FIELDS, field_texts, indexed_pages};
use crate::config::Config;
use crate::listing::Site;

/// One result of `primer search`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) score: f32,
}

/// The `limit` best documents for `query`; every word must match.
pub(crate) fn rank(config: &Config, site: &Site, query: &str, limit: usize) -> tantivy::Result<Vec<Hit>> {
    let mut builder = Schema::builder();
    let indexing = TextFieldIndexing::default().set_tokenizer("primer").set_index_option(IndexRecordOption::WithFreqs);
    let text = TextOptions::default().set_indexing_options(indexing);
    let fields: Vec<Field> = FIELD_NAMES.iter().map(|name| builder.add_text_field(name, text.clone())).collect();
    let url = builder.add_text_field("url", STORED);
    let title = builder.add_text_field("title_text", STORED);
    let index = Index::create_in_ram(builder.build());
    index.tokenizers().register("primer", stemming(&config.language));
    let mut writer = index.writer_with_num_threads(1, 20_000_000)?;
    let mut analyzer = Analyzer::new(&config.language);
    for page in indexed_pages(site) {
        let mut texts = field_texts(page);
        // Code is split into identifiers the way the client index splits it.
        let code: Vec<String> = analyzer.code(&texts[FIELDS - 1]).into_iter().map(|t| t.surface.to_string()).collect();
        texts[FIELDS - 1] = code.join(" ");
        let mut document = TantivyDocument::default();
        for (field, value) in fields.iter().zip(&texts) {
            document.add_text(*field, value);
        }
        document.add_text(url, &page.url);
        document.add_text(title, &page.rendered.title.plain);
        writer.add_document(document)?;
    }
    writer.commit()?;
    let searcher = index.reader()?.searcher();
    let mut parser = QueryParser::for_index(&index, fields.clone());
    parser.set_conjunction_by_default();
    for (field, weight) in fields.iter().zip(FIELD_WEIGHTS) {
        // Boosts are small numbers: f32 holds them exactly.
        #[allow(clippy::cast_possible_truncation)]
        parser.set_field_boost(*field, weight as f32);
    }
    let (query, _) = parser.parse_query_lenient(query);
    let top = searcher.search(&query, &TopDocs::with_limit(limit))?;
    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        let document: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| document.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        hits.push(Hit { url: text(url), title: text(title), score });
    }
    Ok(hits)
}
