//! Titles and summaries: a line of inline Markdown, as HTML for the places
//! readers see it (cards, `<h1>`, the lead, search results) and as plain
//! text for everything else (`<title>`, meta description, feeds, the
//! search index).
//!
//! Code, emphasis, strong and strikethrough become HTML. Links and images
//! keep only their text: a title shows inside cards and results that are
//! links themselves. Raw HTML is shown as the text it is.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::html::push_escaped;
use crate::model::InlineText;

/// Renders one title or summary.
pub(crate) fn render(source: &str) -> InlineText {
    let mut html = String::with_capacity(source.len() + 16);
    let mut plain = String::with_capacity(source.len());
    let mut text = |html: &mut String, text: &str| {
        push_escaped(html, text);
        plain.push_str(text);
    };
    for event in Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => text(&mut html, &t),
            Event::Code(code) => {
                html.push_str("<code>");
                text(&mut html, &code);
                html.push_str("</code>");
            }
            Event::Start(Tag::Emphasis) => html.push_str("<em>"),
            Event::End(TagEnd::Emphasis) => html.push_str("</em>"),
            Event::Start(Tag::Strong) => html.push_str("<strong>"),
            Event::End(TagEnd::Strong) => html.push_str("</strong>"),
            Event::Start(Tag::Strikethrough) => html.push_str("<del>"),
            Event::End(TagEnd::Strikethrough) => html.push_str("</del>"),
            // Line breaks and the ends of blocks (a summary of two
            // paragraphs, a title read as a list item) become spaces.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                text(&mut html, " ");
            }
            _ => {}
        }
    }
    InlineText { html: html.trim_end().to_owned(), plain: plain.trim_end().to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(source: &str) -> (String, String) {
        let rendered = render(source);
        (rendered.html, rendered.plain)
    }

    #[test]
    fn code_and_emphasis_render_and_links_keep_their_text() {
        assert_eq!(
            both("Communicate between threads with `mpsc` channels"),
            (
                "Communicate between threads with <code>mpsc</code> channels".to_owned(),
                "Communicate between threads with mpsc channels".to_owned()
            )
        );
        assert_eq!(
            both("Send a [`Sender`](https://doc.rust-lang.org) to an **actor**"),
            (
                "Send a <code>Sender</code> to an <strong>actor</strong>".to_owned(),
                "Send a Sender to an actor".to_owned()
            )
        );
        assert_eq!(both("*Fast* ~~slow~~"), ("<em>Fast</em> <del>slow</del>".to_owned(), "Fast slow".to_owned()));
    }

    #[test]
    fn markup_is_text_and_blocks_join_with_spaces() {
        assert_eq!(
            both("<script>alert(1)</script> escaping"),
            (
                "&lt;script&gt;alert(1)&lt;/script&gt; escaping".to_owned(),
                "<script>alert(1)</script> escaping".to_owned()
            )
        );
        assert_eq!(both("# Heading\n\n- item\n\ntext & more").1, "Heading item text & more");
        assert_eq!(both("Use `a<b>` & `c`").0, "Use <code>a&lt;b&gt;</code> &amp; <code>c</code>");
    }
}
