//! The floor: the least work a generator of these pages can do.
//!
//! Reads every Markdown file under `content/`, skips its front matter,
//! renders it with pulldown-cmark, highlights fenced code with syntect's
//! Oniguruma backend into class-based spans, and writes one HTML file per
//! page under `public/`, on rayon's thread pool. No templates, listings,
//! tags, search index, sitemap or feed. `bench/compare.py` times it beside
//! primer so the ratio of primer to this floor shows what primer adds.
//!
//!     primer-floor [SITE]   (default: the current folder)

use std::fs;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, html};
use rayon::prelude::*;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

fn main() {
    let site = std::env::args().nth(1).map_or_else(|| PathBuf::from("."), PathBuf::from);
    let content = site.join("content");
    let public = site.join("public");
    let sources: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "md"))
        .map(walkdir::DirEntry::into_path)
        .collect();
    let syntaxes = SyntaxSet::load_defaults_newlines();
    sources.par_iter().for_each(|source| {
        let rel = source.strip_prefix(&content).expect("under content/").with_extension("html");
        let html = render(&fs::read_to_string(source).expect("readable page"), &syntaxes);
        write(&public.join(rel), &html);
    });
}

fn write(path: &Path, html: &str) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("output folder");
    }
    fs::write(path, html).expect("output file");
}

/// The page's HTML: its Markdown after the front matter, code highlighted.
fn render(text: &str, syntaxes: &SyntaxSet) -> String {
    let body = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(text, |(_, body)| body);
    let mut events = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(body, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(text) if code.is_some() => code.as_mut().expect("in a block").1.push_str(&text),
            Event::End(TagEnd::CodeBlock) => {
                let (lang, source) = code.take().expect("in a block");
                events.push(Event::Html(highlight(&source, &lang, syntaxes).into()));
            }
            event => events.push(event),
        }
    }
    let mut out = String::with_capacity(body.len() * 2);
    html::push_html(&mut out, events.into_iter());
    out
}

fn highlight(code: &str, lang: &str, syntaxes: &SyntaxSet) -> String {
    let syntax = syntaxes.find_syntax_by_token(lang).unwrap_or_else(|| syntaxes.find_syntax_plain_text());
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, ClassStyle::Spaced);
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).expect("highlightable line");
    }
    format!("<pre><code class=\"language-{lang}\">{}</code></pre>", generator.finalize())
}
