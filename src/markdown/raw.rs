//! Raw HTML in Markdown: dangerous URLs are errors at their line, and the
//! HTML reaches the page as `[build] raw_html` says.
//!
//! Sanitizing must see the raw HTML of a page as one document — a
//! `<details>` opened in one block is closed in another, with Markdown in
//! between — but never the HTML primer generates around it. So the raw
//! parts are cut out of the event stream and replaced by markers; after
//! rendering, the raw parts are put together with a placeholder for each
//! stretch of generated HTML, cleaned as one document, and the generated
//! HTML is put back in place of the placeholders.

use pulldown_cmark::{CowStr, Event};

use super::{Locator, Spanned};
use crate::diagnostic::Diagnostic;
use crate::safety::{RawHtml, Sanitizer, dangerous_attributes};

/// Separates raw parts in rendered HTML and generated parts in the
/// document that is sanitized; private-use characters, which Markdown
/// and HTML never produce by themselves.
const MARK: char = '\u{F8FF}';

/// Reports dangerous URLs in raw HTML, then escapes raw HTML or cuts it
/// out for [`sanitize`]. Returns the events and the raw parts cut out.
pub(super) fn transform<'a>(
    mut events: Vec<Spanned<'a>>,
    mode: RawHtml,
    locator: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<Spanned<'a>>, Vec<CowStr<'a>>) {
    let mut cut = Vec::new();
    for (event, range) in &mut events {
        let (Event::Html(html) | Event::InlineHtml(html)) = event else { continue };
        for found in dangerous_attributes(html) {
            let offset = range.start + found.offset.min(range.len());
            problems.push(
                locator
                    .at(offset, found.value.len(), format!("`{}` URL in raw HTML `{}`", found.scheme, found.attribute))
                    .with_hint("a link that runs code is never published: link to a page or an http(s) URL"),
            );
        }
        match mode {
            RawHtml::Allow => {}
            RawHtml::Escape => *event = Event::Text(std::mem::replace(html, CowStr::Borrowed(""))),
            RawHtml::Sanitize => {
                cut.push(std::mem::replace(html, CowStr::Borrowed("")));
                *event = Event::Html(CowStr::from(format!("{MARK}{}{MARK}", cut.len() - 1)));
            }
        }
    }
    (events, cut)
}

/// Rendered `html` with the raw parts `cut` out put back, sanitized.
pub(super) fn sanitize(html: &str, cut: &[CowStr<'_>], sanitizer: &Sanitizer) -> String {
    if cut.is_empty() {
        return html.to_owned();
    }
    // `html` alternates generated stretches and `MARK n MARK` raw markers.
    let mut generated: Vec<&str> = Vec::new();
    let mut document = String::with_capacity(html.len());
    for (i, piece) in html.split(MARK).enumerate() {
        if i % 2 == 0 {
            document.push_str(&format!("{MARK}{}{MARK}", generated.len()));
            generated.push(piece);
        } else if let Some(raw) = piece.parse::<usize>().ok().and_then(|n| cut.get(n)) {
            document.push_str(raw);
        }
    }
    let cleaned = sanitizer.clean(&document);
    let mut out = String::with_capacity(html.len());
    for (i, piece) in cleaned.split(MARK).enumerate() {
        match (i % 2, piece.parse::<usize>().ok().and_then(|n| generated.get(n))) {
            (1, Some(stretch)) => out.push_str(stretch),
            (1, None) => {}
            _ => out.push_str(piece),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_parts_are_cleaned_as_one_document_around_generated_html() {
        let sanitizer = Sanitizer::new(&[]);
        let cut = [CowStr::from("<details><summary>More</summary>"), CowStr::from("</details><b onclick=x>b</b>")];
        let html = format!("<p>a</p>{MARK}0{MARK}<p>inside <code>&lt;x&gt;</code></p>{MARK}1{MARK}<p>z</p>");
        let out = sanitize(&html, &cut, &sanitizer);
        assert_eq!(
            out,
            "<p>a</p><details><summary>More</summary><p>inside <code>&lt;x&gt;</code></p></details><b>b</b><p>z</p>"
        );
    }
}
