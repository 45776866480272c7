//! Callout blocks in GitHub's alert syntax.
//!
//! `> [!TIP]` starts a callout of that kind; text after the marker on the
//! same line is its title (`> [!TIP] Use a GPU`); `[!NOTE]-` makes it
//! collapsible and closed, `[!NOTE]+` collapsible and open. Callouts render
//! as a `<div role="note">` (or `<details>`) with an icon, a title and a
//! class per kind. An unknown kind is an error with a suggestion.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Locator, Spanned};
use crate::diagnostic::{Diagnostic, did_you_mean};

/// Kinds of callout: marker name, default title, SVG icon path.
const KINDS: [(&str, &str, &str); 5] = [
    ("note", "Note", "M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1Zm0 3.2a1 1 0 1 1 0 2 1 1 0 0 1 0-2ZM7 7.5h2V12H7Z"),
    ("tip", "Tip", "M8 1a5 5 0 0 0-3 9v2h6v-2a5 5 0 0 0-3-9Zm-2 12.5h4V15H6Z"),
    ("important", "Important", "M2 2h12v9H7l-3 3v-3H2Zm5 1.5v4h2v-4Zm0 5v1.5h2V8.5Z"),
    ("warning", "Warning", "M8 1 15 14H1Zm-1 4.5v4h2v-4Zm0 5v1.5h2v-1.5Z"),
    ("caution", "Caution", "M5 1h6l4 4v6l-4 4H5l-4-4V5Zm2 3.5v4.5h2V4.5Zm0 5.5v1.5h2V10Z"),
];

struct Marker {
    kind: usize,
    /// `Some(open)` for the collapsible form.
    collapsible: Option<bool>,
    /// Text of the title on the marker's line, after the marker.
    rest: String,
}

/// Turns alert blockquotes into callout HTML.
pub(super) fn transform<'a>(
    events: &[Spanned<'a>],
    locator: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len());
    // For each open blockquote: the closing HTML if it became a callout.
    let mut open: Vec<Option<&'static str>> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::BlockQuote(_)) => match parse_marker(events, i, locator, problems) {
                Some((marker, title_end)) => {
                    let range = events[i].1.clone();
                    let title_events = &events[i + 2 + marker_text_len(events, i + 2)..title_end];
                    let (html, close) = opening_html(&marker, title_events);
                    out.push((Event::Html(html.into()), range));
                    open.push(Some(close));
                    // Skip the marker line; keep the paragraph if text follows.
                    i = match events.get(title_end).map(|e| &e.0) {
                        Some(Event::SoftBreak | Event::HardBreak) => {
                            out.push((Event::Start(Tag::Paragraph), events[title_end].1.clone()));
                            title_end + 1
                        }
                        _ => title_end + 1,
                    };
                    continue;
                }
                None => {
                    open.push(None);
                    out.push(events[i].clone());
                }
            },
            Event::End(TagEnd::BlockQuote(_)) => match open.pop().flatten() {
                Some(close) => out.push((Event::Html(close.into()), events[i].1.clone())),
                None => out.push(events[i].clone()),
            },
            _ => out.push(events[i].clone()),
        }
        i += 1;
    }
    out
}

/// Number of leading `Text` events from `start`.
fn marker_text_len(events: &[Spanned<'_>], start: usize) -> usize {
    events[start..].iter().take_while(|(e, _)| matches!(e, Event::Text(_))).count()
}

/// Reads `[!KIND]` at the start of the blockquote opened at `start`.
/// Returns the marker and the index of the event that ends its line.
fn parse_marker(
    events: &[Spanned<'_>],
    start: usize,
    locator: &Locator<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Option<(Marker, usize)> {
    if !matches!(events.get(start + 1), Some((Event::Start(Tag::Paragraph), _))) {
        return None;
    }
    let text_start = start + 2;
    let count = marker_text_len(events, text_start);
    let joined: String = events[text_start..text_start + count]
        .iter()
        .filter_map(|(e, _)| match e {
            Event::Text(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let inner = joined.strip_prefix("[!")?;
    let (name, after) = inner.split_once(']')?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let Some(kind) = KINDS.iter().position(|(k, _, _)| *k == lower) else {
        let offset = events[text_start].1.start;
        let hint = match did_you_mean(&lower, KINDS.iter().map(|(k, _, _)| *k)) {
            Some(best) => format!("did you mean `[!{}]`?", best.to_ascii_uppercase()),
            None => "callout kinds are NOTE, TIP, IMPORTANT, WARNING and CAUTION".to_owned(),
        };
        let message = format!("unknown callout kind `[!{name}]`");
        problems.push(locator.at(offset, name.len() + 3, message).with_hint(hint));
        return None;
    };
    let (collapsible, rest) = match after.chars().next() {
        Some('-') => (Some(false), &after[1..]),
        Some('+') => (Some(true), &after[1..]),
        _ => (None, after),
    };
    let title_end = events[text_start..]
        .iter()
        .position(|(e, _)| matches!(e, Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph)))
        .map_or(events.len(), |p| text_start + p);
    let marker = Marker { kind, collapsible, rest: rest.trim_start().to_owned() };
    Some((marker, title_end))
}

/// The opening HTML of a callout, and the HTML that closes it.
fn opening_html(marker: &Marker, title_events: &[Spanned<'_>]) -> (String, &'static str) {
    let (name, default_title, icon) = KINDS[marker.kind];
    let mut title = crate::html::escape_html(&marker.rest);
    // Inline markup after the marker text (`**bold**`, `code`) is rendered.
    pulldown_cmark::html::push_html(&mut title, title_events.iter().map(|(e, _)| e.clone()));
    let title = title.trim();
    // A custom title hides the kind; screen readers still announce it.
    let (title, label) = if title.is_empty() {
        (default_title.to_owned(), String::new())
    } else {
        (title.to_owned(), format!("<span class=\"visually-hidden\">{default_title}: </span>"))
    };
    let svg = format!(
        "<svg class=\"callout-icon\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" aria-hidden=\"true\"><path d=\"{icon}\"/></svg>"
    );
    match marker.collapsible {
        None => (
            format!(
                "<div class=\"callout callout-{name}\" role=\"note\">\n<p class=\"callout-title\">{svg}{label}{title}</p>\n<div class=\"callout-body\">\n"
            ),
            "</div>\n</div>\n",
        ),
        Some(open) => (
            format!(
                "<details class=\"callout callout-{name}\"{}>\n<summary class=\"callout-title\">{svg}{label}{title}</summary>\n<div class=\"callout-body\">\n",
                if open { " open" } else { "" }
            ),
            "</div>\n</details>\n",
        ),
    }
}
