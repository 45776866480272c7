//! Stage 4: render Markdown.
//!
//! Parses each page body with pulldown-cmark (tables, footnotes,
//! strikethrough, task lists, heading attributes, smart punctuation) and
//! runs the event stream through small passes, one per feature: links,
//! callouts, headings, the plain text kept for search, and code (with the
//! output `primer test` captured). Fills in each page's [`Rendered`] HTML,
//! table of contents, anchors, text and word count, then checks the
//! `#anchor` of every link between pages and card images. Pages render in
//! parallel.

mod api;
mod callouts;
pub(crate) mod code;
mod headings;
pub(crate) mod highlight;
mod inline;
pub(crate) mod links;
mod math;
mod raw;
mod text;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use pulldown_cmark::{Event, Options, Parser};

use crate::diagnostic::{Diagnostic, Severity, line_col};
use crate::model::{Page, Rendered, Verified};
use crate::results::{BlockResult, PageStatus, Results};
use crate::safety::{RawHtml, Sanitizer};
use highlight::{Highlighter, Session};
use links::LinkTargets;

/// An event and the byte range of the body it came from.
type Spanned<'a> = (Event<'a>, Range<usize>);

/// What rendering needs besides the page itself.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    pub(crate) highlighter: &'a Highlighter,
    pub(crate) targets: &'a LinkTargets,
    /// The last `primer test` results, shown beneath the blocks they ran.
    pub(crate) results: &'a Results,
    /// What becomes of raw HTML.
    pub(crate) raw_html: RawHtml,
    pub(crate) sanitizer: &'a Sanitizer,
    /// How links to missing pages, files, anchors and labels are reported.
    pub(crate) broken_links: Severity,
    /// The API objects inline code may link to.
    pub(crate) api: &'a crate::inventory::ApiIndex,
    /// Links that report a failing example, when the site takes feedback.
    pub(crate) example_reports: Option<&'a crate::config::ExampleReports>,
}

/// Renders page bodies, checking what each page can check alone.
///
/// Each thread of the pool takes the next page not yet taken, with one
/// highlighting session for all it takes: what a session remembers of
/// the lines and scopes it met pays off across pages. (A parallel
/// iterator would start a session per job, dozens in a build, each
/// starting empty; and a session cannot move between threads.)
pub(crate) fn render_pages(context: &Context<'_>, mut pages: Vec<Page>) -> (Vec<Page>, Vec<Diagnostic>) {
    let next = AtomicUsize::new(0);
    let rendered: Vec<Vec<(usize, Rendered, Vec<Diagnostic>)>> = rayon::broadcast(|_| {
        let mut session = context.highlighter.session();
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(page) = pages.get(index) else { break done };
            let (rendered, problems) = render(context, &mut session, page);
            done.push((index, rendered, problems));
        }
    });
    let mut problems = Vec::new();
    let mut all: Vec<_> = rendered.into_iter().flatten().collect();
    all.sort_unstable_by_key(|(index, ..)| *index);
    for (index, rendered, mut found) in all {
        pages[index].rendered = rendered;
        problems.append(&mut found);
    }
    (pages, problems)
}

/// Checks what needs every rendered page: `#anchor`s of links between
/// pages, and card images.
pub(crate) fn check_links(context: &Context<'_>, pages: &mut [Page]) -> Vec<Diagnostic> {
    let mut problems = links::check_anchors(pages, context.broken_links);
    problems.extend(pages.iter().filter_map(|page| links::check_image(page, context.targets)));
    problems
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_MATH
        | Options::ENABLE_DEFINITION_LIST
}

fn render(context: &Context<'_>, highlighter: &mut Session<'_>, page: &Page) -> (Rendered, Vec<Diagnostic>) {
    let body = page.body();
    let locator = Locator { page };
    let mut problems = Vec::new();
    let mut rendered = Rendered {
        title: inline::render(&page.meta.title),
        summary: page.meta.summary.as_deref().map(inline::render),
        ..Rendered::default()
    };
    let mut events: Vec<Spanned<'_>> = Parser::new_ext(body, options()).into_offset_iter().collect();
    headings::drop_attributes(&mut events, &locator, &mut problems);
    let linking = links::Linking { page, targets: context.targets, broken: context.broken_links, api: context.api };
    let mut linker = api::CodeLinker::new(context.api, !page.meta.no_api_links);
    let events = links::transform(events, &linking, &locator, &mut rendered.links, &mut linker.used, &mut problems);
    let (events, raw_parts) = raw::transform(events, context.raw_html, &locator, &mut problems);
    let events = callouts::transform(&events, &locator, &mut problems);
    let events = linker.inline(events);
    let record = context.results.pages.get(&page.source.rel);
    let blocks: HashMap<&str, &BlockResult> =
        record.map(|record| record.blocks.iter().map(|b| (b.code_hash.as_str(), b)).collect()).unwrap_or_default();
    let report = context.example_reports.map(|reports| {
        let title = rendered.title.plain.clone();
        move |line: usize| reports.link(&title, &page.url, &page.source.display, line)
    });
    let captured = code::Captured {
        blocks,
        store: &context.results.outputs,
        sanitizer: context.sanitizer,
        report: report.as_ref().map(|f| f as &dyn Fn(usize) -> String),
    };
    rendered.verified = record
        .filter(|record| record.status != PageStatus::Skipped)
        .map(|record| Verified::new(record.verified.clone(), record.status == PageStatus::Failed, record.with.clone()));
    let events = headings::drop_title(events, &rendered.title.plain);
    let events = headings::transform(events, &mut rendered.toc);
    rendered.text = text::collect(&events);
    rendered.words = text::words(&rendered.text);
    let events = math::transform(events, &locator, &mut problems);
    let mut blocks =
        code::Blocks { highlighter, linker: &mut linker, cells: &mut rendered.cells, outputs: &mut rendered.outputs };
    let events = code::transform(events, &mut blocks, &captured);
    let mut html = String::with_capacity(body.len() + body.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(event, _)| event));
    let html = raw::sanitize(&html, &raw_parts, context.sanitizer, &locator, &mut problems);
    rendered.anchors = element_ids(&html);
    // The title is the page's `h1`, above the body: `#Title` reaches it,
    // as Jupyter ids a notebook's title heading.
    let title_id = slug::slugify(&rendered.title.plain);
    if !title_id.is_empty() && rendered.anchors.insert(title_id.clone()) {
        rendered.title_id = title_id;
    }
    rendered.html = html;
    rendered.apis = linker.into_used();
    (rendered, problems)
}

/// Every `id="…"` in rendered HTML: headings, footnotes and raw HTML alike.
fn element_ids(html: &str) -> std::collections::HashSet<String> {
    html.split(" id=\"").skip(1).filter_map(|rest| rest.split_once('"').map(|(id, _)| id.to_owned())).collect()
}

/// Turns byte offsets in a page body into file lines for diagnostics.
struct Locator<'a> {
    page: &'a Page,
}

impl Locator<'_> {
    /// Line, byte column and length (clipped to the line) of a body range.
    fn span(&self, body_offset: usize, len: usize) -> (usize, usize, usize) {
        let text = &self.page.source.text;
        let offset = self.page.body_start + body_offset;
        let (line, col) = line_col(text, offset);
        let line_end = text[offset.min(text.len())..].find('\n').map_or(text.len(), |i| offset + i);
        (line, col, len.min(line_end.saturating_sub(offset)).max(1))
    }

    fn at(&self, body_offset: usize, len: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col, len) = self.span(body_offset, len);
        let source = &self.page.source;
        Diagnostic::at(&source.display, &source.text, line, col, len, message)
    }
}
