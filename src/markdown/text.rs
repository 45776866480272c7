//! The plain text of a page, by section, for the search index.
//!
//! Runs after headings have their ids and before code blocks become HTML,
//! so it sees heading anchors, prose and code alike.

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use super::Spanned;
use crate::model::{PageText, SAVED_HTML, SectionText};

/// Splits a page's text into sections at its headings, and collects its code.
pub(super) fn collect(events: &[Spanned<'_>]) -> PageText {
    let mut text = PageText { sections: vec![SectionText::default()], code: String::new() };
    let mut in_heading = false;
    let mut in_code = false;
    let mut in_saved_html = false;
    // An image's alt text (badges: "build passing") is not the page's prose.
    let mut in_image = 0usize;
    for (event, _) in events {
        let section = text.sections.last_mut().expect("there is always a section");
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = true;
                text.sections.push(SectionText {
                    anchor: id.as_ref().map(ToString::to_string).unwrap_or_default(),
                    ..SectionText::default()
                });
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            // A notebook's saved HTML is what code printed, not the page's text.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.starts_with(SAVED_HTML) => {
                in_saved_html = true;
            }
            Event::End(TagEnd::CodeBlock) if in_saved_html => in_saved_html = false,
            Event::Text(_) if in_saved_html => {}
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                text.code.push('\n');
            }
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Text(_) | Event::Code(_) if in_image > 0 => {}
            Event::Text(t) | Event::Code(t) if in_code => text.code.push_str(t),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) if in_heading => section.heading.push_str(t),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                section.text.push_str(t);
            }
            // Callout titles were turned into HTML by an earlier pass.
            Event::Html(html) if html.contains("class=\"callout-title\"") => {
                section.text.push_str(&strip_tags(html));
                section.text.push(' ');
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell)
                if !section.text.ends_with(' ') =>
            {
                section.text.push(' ');
            }
            _ => {}
        }
    }
    for section in &mut text.sections {
        section.text = section.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    text.sections.retain(|s| !s.text.is_empty() || !s.heading.is_empty());
    text
}

/// The text of an HTML fragment, without its tags.
fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The words a reader reads on a page: its prose and its code.
pub(super) fn words(text: &PageText) -> usize {
    let count = |text: &str| text.split_whitespace().count();
    text.sections.iter().map(|section| count(&section.heading) + count(&section.text)).sum::<usize>()
        + count(&text.code)
}
