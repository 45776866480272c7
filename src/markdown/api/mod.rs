//! Links from code to API documentation. Inline code that names one
//! object of the site's inventories (`` `functools.reduce` ``,
//! `` `DataFrame.groupby()` ``) becomes a link to its page; in Python
//! blocks, the names [`python`] resolves become links inside the
//! highlighted code, around its coloured spans. Every link is titled with
//! the object's full name, and the names linked are kept as the page's
//! APIs used. Code already inside a link stays as it is.

mod python;
mod tokens;

use std::collections::BTreeSet;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Spanned;
use super::code::CodeInfo;
use crate::html::escape_html;
use crate::inventory::{ApiIndex, ApiTarget};

/// Links the code of one page, gathering the objects it uses.
#[derive(Debug)]
pub(super) struct CodeLinker<'a> {
    api: &'a ApiIndex,
    /// Off for a page whose front matter says `api_links: false`.
    on: bool,
    scope: python::PageScope,
    /// Full names of the objects linked, for the page's "APIs used".
    pub(super) used: BTreeSet<String>,
}

impl<'a> CodeLinker<'a> {
    pub(super) fn new(api: &'a ApiIndex, on: bool) -> Self {
        Self { api, on: on && !api.is_empty(), scope: python::PageScope::default(), used: BTreeSet::new() }
    }

    /// Wraps inline code naming an API object in a link to it.
    pub(super) fn inline<'e>(&mut self, events: Vec<Spanned<'e>>) -> Vec<Spanned<'e>> {
        if !self.on {
            return events;
        }
        let mut in_link = 0usize;
        let mut out = Vec::with_capacity(events.len());
        for (event, range) in events {
            match &event {
                Event::Start(Tag::Link { .. }) => in_link += 1,
                Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
                Event::Code(code) if in_link == 0 => {
                    if let Some(target) = self.api.resolve(code) {
                        self.used.insert(target.name.to_owned());
                        let html = format!("{}<code>{}</code></a>", opening(&target), escape_html(code));
                        out.push((Event::InlineHtml(html.into()), range));
                        continue;
                    }
                }
                _ => {}
            }
            out.push((event, range));
        }
        out
    }

    /// `html`, the highlighted `visible` lines of a block's `code`, with
    /// the names of a Python block linked. Hidden lines bind names too.
    pub(super) fn block(&mut self, info: &CodeInfo, code: &str, visible: &str, html: String) -> String {
        let python = crate::codeblock::canonical(&info.lang) == "python";
        if !self.on || !python || info.attrs.iter().any(|a| a == crate::codeblock::NO_API_LINKS) {
            return html;
        }
        self.scope.run_hidden(&crate::codeblock::hidden_code(&info.lang, code), self.api);
        let prompts = info.lang == "pycon" || tokens::prompt_length(visible.trim_start()).is_some();
        let links = self.scope.links(visible, prompts, self.api);
        if links.is_empty() {
            return html;
        }
        self.used.extend(links.iter().map(|link| link.target.name.to_owned()));
        link_spans(&html, &links)
    }

    /// The objects linked, as the page keeps them.
    pub(super) fn into_used(self) -> Vec<crate::model::UsedApi> {
        let api = self.api;
        self.used
            .into_iter()
            .filter_map(|name| {
                let target = api.get(&name)?;
                let module = api.module_of(&name).to_owned();
                let (url, role) = (target.url, target.role.to_owned());
                Some(crate::model::UsedApi { name, url, role, module })
            })
            .collect()
    }
}

/// The opening tag of a link to `target`.
fn opening(target: &ApiTarget) -> String {
    format!("<a class=\"api-link\" href=\"{}\" title=\"{}\">", escape_html(&target.url), escape_html(target.name))
}

/// Highlighted HTML (flat spans around escaped text) with a link around
/// each range of the code it shows. A link that starts or ends inside a
/// span closes and reopens the span, so every character keeps its
/// colour.
fn link_spans(html: &str, links: &[python::NameLink<'_>]) -> String {
    let mut out = String::with_capacity(html.len() + links.len() * 96);
    let mut links = links.iter().peekable();
    let mut open_span: Option<&str> = None;
    let mut open_link: Option<usize> = None;
    let mut offset = 0usize;
    let mut rest = html;
    while !rest.is_empty() {
        let (piece, code_bytes) = next_piece(rest);
        if code_bytes == 0 {
            if piece.starts_with("<span") {
                open_span = Some(piece);
            } else if piece == "</span>" {
                open_span = None;
            }
        } else {
            if open_link == Some(offset) {
                wrap_tag(&mut out, open_span, "</a>");
                open_link = None;
            }
            // A link overlapping the one before is dropped.
            while open_link.is_none() && links.next_if(|link| link.range.start < offset).is_some() {}
            if open_link.is_none()
                && let Some(link) = links.next_if(|link| link.range.start == offset)
            {
                wrap_tag(&mut out, open_span, &opening(&link.target));
                open_link = Some(link.range.end);
            }
        }
        out.push_str(piece);
        offset += code_bytes;
        rest = &rest[piece.len()..];
    }
    if open_link.is_some() {
        wrap_tag(&mut out, open_span, "</a>");
    }
    out
}

/// Puts `tag` where the text is, closing the open span before it and
/// opening it again after.
fn wrap_tag(out: &mut String, open_span: Option<&str>, tag: &str) {
    match open_span {
        Some(span) => {
            out.push_str("</span>");
            out.push_str(tag);
            out.push_str(span);
        }
        None => out.push_str(tag),
    }
}

/// The next tag, entity or character of highlighted HTML, and how many
/// bytes of code it shows.
fn next_piece(html: &str) -> (&str, usize) {
    let end_of = |close: char| html.find(close).map_or(html.len(), |at| at + 1);
    match html.as_bytes()[0] {
        b'<' => (&html[..end_of('>')], 0),
        b'&' => (&html[..end_of(';')], 1),
        _ => {
            let length = html.chars().next().map_or(1, char::len_utf8);
            (&html[..length], length)
        }
    }
}

#[cfg(test)]
mod tests;
