//! Links from inline code to API documentation: `` `functools.reduce` ``
//! or `` `DataFrame.groupby()` `` that names one object of the site's
//! inventories becomes a link to its page, titled with its full name.
//! Code already inside a link stays as it is.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Spanned;
use crate::html::escape_html;
use crate::inventory::ApiIndex;

/// Wraps inline code naming an API object in a link to its documentation.
pub(super) fn transform<'a>(events: Vec<Spanned<'a>>, api: &ApiIndex) -> Vec<Spanned<'a>> {
    if api.is_empty() {
        return events;
    }
    let mut in_link = 0usize;
    events
        .into_iter()
        .map(|(event, range)| {
            match &event {
                Event::Start(Tag::Link { .. }) => in_link += 1,
                Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
                Event::Code(code) if in_link == 0 => {
                    if let Some(target) = api.resolve(code) {
                        let html = format!(
                            "<a class=\"api-link\" href=\"{}\" title=\"{}\"><code>{}</code></a>",
                            escape_html(&target.url),
                            escape_html(&target.name),
                            escape_html(code)
                        );
                        return (Event::InlineHtml(html.into()), range);
                    }
                }
                _ => {}
            }
            (event, range)
        })
        .collect()
}
