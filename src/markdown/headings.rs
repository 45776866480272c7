//! Heading anchors and the table of contents.
//!
//! Every heading gets a unique slug `id` (an explicit `{#id}` wins), a
//! self-link for sharing, and level-2 and level-3 headings make up the
//! page's table of contents. A level-1 heading that opens the body and
//! repeats the page title is dropped: the template already shows the title.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::{Locator, Spanned};
use crate::diagnostic::Diagnostic;
use crate::model::TocEntry;

/// Removes heading attributes other than `{#id .class}`: pulldown-cmark
/// writes any `{key=value}` as is, `onfocus` handlers included. Each one
/// is reported at its heading.
pub(super) fn drop_attributes(events: &mut [Spanned<'_>], locator: &Locator<'_>, problems: &mut Vec<Diagnostic>) {
    for (event, range) in events {
        let Event::Start(Tag::Heading { attrs, .. }) = event else { continue };
        for (key, _) in attrs.drain(..) {
            problems.push(
                locator
                    .at(range.start, range.len(), format!("heading attribute `{key}` is not allowed"))
                    .with_hint("headings take an id and classes only: `{#id .class}`"),
            );
        }
    }
}

/// Removes a leading `# Title` that repeats the page title.
pub(super) fn drop_title<'a>(mut events: Vec<Spanned<'a>>, title: &str) -> Vec<Spanned<'a>> {
    if !matches!(events.first(), Some((Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }), _))) {
        return events;
    }
    let Some(end) = events.iter().position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_)))) else {
        return events;
    };
    if plain_text(&events[1..end]).trim() == title.trim() {
        events.drain(..=end);
    }
    events
}

/// Assigns heading ids and collects the table of contents.
pub(super) fn transform<'a>(mut events: Vec<Spanned<'a>>, toc: &mut Vec<TocEntry>) -> Vec<Spanned<'a>> {
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 else {
            i += 1;
            continue;
        };
        let level = *level;
        let explicit = id.as_ref().map(ToString::to_string);
        let end = events[i..]
            .iter()
            .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
            .map_or(events.len(), |p| i + p);
        let title = plain_text(&events[i + 1..end]);
        let base = explicit.unwrap_or_else(|| {
            let slug = slug::slugify(&title);
            if slug.is_empty() { "section".to_owned() } else { slug }
        });
        let unique = unique_id(&mut used, base);
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
            *id = Some(CowStr::from(unique.clone()));
        }
        if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
            toc.push(TocEntry { level: level as u8, id: unique.clone(), title });
        }
        let link = format!(" <a class=\"heading-anchor\" href=\"#{unique}\" aria-label=\"Link to this section\">#</a>");
        let range = events[end.min(events.len() - 1)].1.clone();
        events.insert(end, (Event::Html(link.into()), range));
        i = end + 2;
    }
    events
}

fn unique_id(used: &mut HashMap<String, usize>, base: String) -> String {
    let count = used.entry(base.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        return base;
    }
    let mut n = *count - 1;
    loop {
        let candidate = format!("{base}-{n}");
        if !used.contains_key(&candidate) {
            used.insert(candidate.clone(), 1);
            return candidate;
        }
        n += 1;
    }
}

/// The text of inline events, without markup.
pub(super) fn plain_text(events: &[Spanned<'_>]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        if let Event::Text(t) | Event::Code(t) | Event::InlineMath(t) = event {
            text.push_str(t);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_headings_get_numbered_ids() {
        let mut used = HashMap::new();
        assert_eq!(unique_id(&mut used, "setup".into()), "setup");
        assert_eq!(unique_id(&mut used, "setup".into()), "setup-1");
        assert_eq!(unique_id(&mut used, "setup-1".into()), "setup-1-1");
        assert_eq!(unique_id(&mut used, "setup".into()), "setup-2");
    }
}
