//! Links and images between pages and files of the site.
//!
//! Authors link to other pages by their source path (`../recipes/load.md#options`)
//! so links work on GitHub too; primer rewrites them to the built pretty
//! URLs, relative to the linking page so the site works under any subpath.
//! Relative links to files are checked against `content/`. A link to a page
//! or file that does not exist is an error at its line; `#anchor`s are
//! recorded and checked by [`check_anchors`] once every page is rendered.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{Locator, Spanned};
use crate::diagnostic::{Diagnostic, Severity, did_you_mean};
use crate::listing::{RECIPES_URL, TAGS_URL, TUTORIALS_URL, tag_url};
use crate::model::{Asset, Page, PageLink};

/// Everything a relative link may point at.
#[derive(Debug)]
pub(crate) struct LinkTargets {
    /// Content path of each page → its URL.
    pub(crate) pages: HashMap<String, String>,
    /// Content paths of the files copied as they are.
    pub(crate) assets: HashSet<String>,
    /// Every URL the site will have, pages and generated listings alike.
    pub(crate) urls: HashSet<String>,
    /// Content path of each page → its title (inline Markdown), shown by
    /// links that have no text of their own.
    titles: HashMap<String, String>,
    /// RST labels by name → the page, the anchor (empty: the page) and the
    /// title a link shows.
    labels: HashMap<String, (String, String, String)>,
}

impl LinkTargets {
    /// Collects the URLs the site will have, before any page is rendered.
    pub(crate) fn new(pages: &[Page], assets: &[Asset]) -> Self {
        let mut urls: HashSet<String> =
            [String::new(), TUTORIALS_URL.to_owned(), RECIPES_URL.to_owned(), TAGS_URL.to_owned()].into();
        for page in pages {
            urls.insert(page.url.clone());
            urls.extend(page.meta.tags.iter().map(|tag| tag_url(tag)));
        }
        let mut labels = HashMap::new();
        for page in pages {
            for label in &page.source.labels {
                let title = if label.title.is_empty() { page.meta.title.clone() } else { label.title.clone() };
                labels.entry(label.name.clone()).or_insert((page.source.rel.clone(), label.anchor.clone(), title));
            }
        }
        Self {
            pages: pages.iter().map(|p| (p.source.rel.clone(), p.url.clone())).collect(),
            assets: assets.iter().map(|a| a.rel.clone()).collect(),
            urls,
            titles: pages.iter().map(|p| (p.source.rel.clone(), p.meta.title.clone())).collect(),
            labels,
        }
    }
}

impl LinkTargets {
    /// The label sphinx-gallery gives each example,
    /// `sphx_glr_<gallery folder>_<path>_<name>.py`, whose gallery folder
    /// is the build's: the page whose path ends the label.
    fn gallery_label(&self, label: &str) -> Option<(String, String, String)> {
        let rest = label.strip_prefix("sphx_glr_")?;
        let (rel, title) = self.titles.iter().filter(|(rel, _)| rel.ends_with(".py")).find(|(rel, _)| {
            let key = crate::sources::label_anchor(&rel.replace('/', "_"));
            rest.ends_with(&key)
        })?;
        Some((rel.clone(), String::new(), title.clone()))
    }
}

/// The relative path from a page at `url` back to the site root.
pub(crate) fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// A link from the page at `from_url` to the site path `target`.
pub(crate) fn relative_url(from_url: &str, target: &str) -> String {
    let url = format!("{}{target}", root_of(from_url));
    if url.is_empty() { "./".to_owned() } else { url }
}

/// Where links point and what becomes of broken ones.
pub(super) struct Linking<'a> {
    pub(super) page: &'a Page,
    pub(super) targets: &'a LinkTargets,
    /// How a link to a missing page, file, anchor or label is reported.
    pub(super) broken: Severity,
    /// The API objects `api:name` links (from roles) reach.
    pub(super) api: &'a crate::inventory::ApiIndex,
}

/// Rewrites relative links and image sources, recording links to anchors.
/// A link with no text of its own to a page or a label shows its title.
pub(super) fn transform<'a>(
    mut events: Vec<Spanned<'a>>,
    linking: &Linking<'_>,
    locator: &Locator<'_>,
    links: &mut Vec<PageLink>,
    apis: &mut std::collections::BTreeSet<String>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Spanned<'a>> {
    let (page, targets) = (linking.page, linking.targets);
    let mut titles = Vec::new();
    let mut unlinked = Vec::new();
    for (index, (event, range)) in events.iter_mut().enumerate() {
        let image = matches!(event, Event::Start(Tag::Image { .. }));
        if let Event::Start(Tag::Link { dest_url, title, .. }) = event
            && let Some(name) = dest_url.strip_prefix("api:")
        {
            // A role names its object on purpose: an exact name wins even
            // where bare inline code would be ambiguous.
            match linking.api.get(name).or_else(|| linking.api.resolve(name)) {
                Some(target) => {
                    apis.insert(target.name.to_owned());
                    *title = CowStr::from(target.name.to_owned());
                    *dest_url = CowStr::from(target.url);
                }
                None => {
                    // With no inventories, an API role is code, as it was.
                    if !linking.api.is_empty() {
                        problems.push(api_problem(linking.api, name, locator, range));
                    }
                    unlinked.push(index);
                }
            }
            continue;
        }
        let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) = event else {
            continue;
        };
        if let Some(scheme) = crate::safety::dangerous_scheme(dest_url, image) {
            let what = if image { "image" } else { "link" };
            problems.push(
                locator
                    .at(range.start, range.len(), format!("{what} to a `{scheme}` URL"))
                    .with_hint("a link that runs code is never published: link to a page or an http(s) URL"),
            );
            *dest_url = CowStr::Borrowed("");
            continue;
        }
        let span = locator.span(range.start, range.len());
        match resolve(page, targets, dest_url) {
            Ok(Resolution::Keep) => {}
            Ok(Resolution::Rewrite(url, anchor, title)) => {
                if let Some((target, anchor)) = anchor {
                    let href = url.clone();
                    links.push(PageLink { target, anchor, href, line: span.0, byte_col: span.1, len: span.2 });
                }
                *dest_url = CowStr::from(url);
                titles.extend(title.map(|title| (index + 1, title)));
            }
            Err((message, hint)) => {
                if dest_url.starts_with("ref:") {
                    unlinked.push(index);
                }
                let diagnostic = locator.at(range.start, range.len(), message).with_severity(linking.broken);
                problems.push(match hint {
                    Some(hint) => diagnostic.with_hint(hint),
                    None => diagnostic,
                });
            }
        }
    }
    // From the end back, so that no change moves the places of the next.
    let mut changes: Vec<(usize, Option<String>)> = titles.into_iter().map(|(at, t)| (at, Some(t))).collect();
    changes.extend(unlinked.into_iter().map(|start| (start, None)));
    changes.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    for (at, title) in changes {
        match title {
            // Links with no text get their target's title.
            Some(title) if matches!(events.get(at), Some((Event::End(TagEnd::Link), _))) => {
                let range = events[at].1.clone();
                let plain = super::inline::render(&title).plain;
                events.insert(at, (Event::Text(CowStr::from(plain)), range));
            }
            Some(_) => {}
            // A cross-reference that reaches nothing shows as its text.
            None => {
                let end = events[at..].iter().position(|(e, _)| matches!(e, Event::End(TagEnd::Link)));
                if let Some(end) = end {
                    events.remove(at + end);
                    events.remove(at);
                }
            }
        }
    }
    events
}

/// A role naming an object no inventory has: a warning, with the
/// nearest name the inventories know.
fn api_problem(
    api: &crate::inventory::ApiIndex,
    name: &str,
    locator: &Locator<'_>,
    range: &std::ops::Range<usize>,
) -> Diagnostic {
    let problem = locator.at(range.start, range.len(), format!("`{name}` is in none of the site's inventories"));
    let hint = match did_you_mean(name, api.names()) {
        Some(best) => format!("did you mean `{best}`? It shows as code, with no link"),
        None => "it shows as code, with no link; check the name, or add the inventory that documents it".to_owned(),
    };
    problem.with_hint(hint).warning()
}

enum Resolution {
    Keep,
    /// New URL, the (page, anchor) it points at when it has an anchor, and
    /// the title of the page or section it reaches.
    Rewrite(String, Option<(String, String)>, Option<String>),
}

/// Page extensions a link may leave out (RST's `:doc:` does).
const PAGE_EXTENSIONS: [&str; 4] = [".md", ".rst", ".py", ".ipynb"];

/// A link to an RST label: `ref:name`.
fn resolve_label(page: &Page, targets: &LinkTargets, label: &str) -> Result<Resolution, LinkError> {
    let Some((rel, anchor, title)) = targets.labels.get(label).cloned().or_else(|| targets.gallery_label(label)) else {
        let hint = did_you_mean(label, targets.labels.keys().map(String::as_str))
            .map(|best| format!("did you mean `{best}`?"))
            .unwrap_or_else(|| "define the label with `.. _name:` on the line before a section title".to_owned());
        return Err((format!("`:ref:` to an unknown label `{label}`"), Some(hint)));
    };
    let mut url = relative_url(&page.url, targets.pages.get(&rel).map_or("", String::as_str));
    let link = (!anchor.is_empty()).then(|| {
        url.push('#');
        url.push_str(&anchor);
        (rel.clone(), anchor.clone())
    });
    Ok(Resolution::Rewrite(url, link, Some(title)))
}

type LinkError = (String, Option<String>);

fn resolve(page: &Page, targets: &LinkTargets, dest: &str) -> Result<Resolution, LinkError> {
    if let Some(label) = dest.strip_prefix("ref:") {
        return resolve_label(page, targets, label);
    }
    if dest.is_empty() || dest.starts_with('/') || dest.starts_with("//") || has_scheme(dest) {
        return Ok(Resolution::Keep);
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() {
        // MyST reaches any label with `#label`, on any page.
        let label = crate::sources::label_anchor(fragment.unwrap_or_default());
        if targets.labels.contains_key(&label) {
            return resolve_label(page, targets, &label);
        }
        // `#anchor` on this very page.
        let anchor = fragment.unwrap_or_default().to_owned();
        return Ok(Resolution::Rewrite(dest.to_owned(), Some((page.source.rel.clone(), anchor)), None));
    }
    let Some(mut resolved) = join(&page.source.rel, path) else {
        return Err((format!("link `{dest}` points outside content/"), None));
    };
    if !targets.pages.contains_key(&resolved) && !resolved.ends_with('/') && !targets.assets.contains(&resolved) {
        // Sphinx links to the page it builds (`intro.html`) or names it
        // without an extension (`:doc:`): either reaches the page file.
        let stem = resolved.strip_suffix(".html").unwrap_or(&resolved);
        let page_file = PAGE_EXTENSIONS.iter().map(|ext| format!("{stem}{ext}"));
        if let Some(found) = page_file.into_iter().find(|file| targets.pages.contains_key(file)) {
            resolved = found;
        }
    }
    if path.ends_with(".md") || targets.pages.contains_key(&resolved) {
        let Some(url) = targets.pages.get(&resolved) else {
            let others = targets.pages.keys().map(String::as_str).filter(|p| *p != page.source.rel);
            let hint = did_you_mean(&resolved, others).map(|best| {
                let written = relative_path(&page.source.rel, best);
                format!("did you mean `{written}`? Links to pages are paths relative to this file")
            });
            return Err((format!("link to a missing page `{dest}` (no content/{resolved})"), hint));
        };
        // A label of that page named as its anchor (`page.md#label`).
        let label = fragment.map(crate::sources::label_anchor).and_then(|label| targets.labels.get(&label));
        if let Some((rel, anchor, _)) = label.filter(|(rel, _, _)| *rel == resolved) {
            let fragment = if anchor.is_empty() { String::new() } else { format!("#{anchor}") };
            let rewritten = format!("{}{fragment}", relative_url(&page.url, url));
            let anchor = (!anchor.is_empty()).then(|| (rel.clone(), anchor.clone()));
            return Ok(Resolution::Rewrite(rewritten, anchor, targets.titles.get(&resolved).cloned()));
        }
        let mut rewritten = relative_url(&page.url, url);
        let anchor = fragment.map(|fragment| {
            rewritten.push('#');
            rewritten.push_str(fragment);
            (resolved.clone(), fragment.to_owned())
        });
        return Ok(Resolution::Rewrite(rewritten, anchor, targets.titles.get(&resolved).cloned()));
    }
    let as_dir = if resolved.is_empty() { String::new() } else { format!("{resolved}/") };
    if targets.assets.contains(&resolved) || targets.urls.contains(&as_dir) {
        let target = if targets.assets.contains(&resolved) { resolved } else { as_dir };
        let mut rewritten = relative_url(&page.url, &target);
        if let Some(fragment) = fragment {
            rewritten.push('#');
            rewritten.push_str(fragment);
        }
        return Ok(Resolution::Rewrite(rewritten, None, None));
    }
    // MyST links to a label as to a file: `[text](label)`.
    let label = crate::sources::label_anchor(path);
    if fragment.is_none() && !path.contains(['/', '.']) && targets.labels.contains_key(&label) {
        return resolve_label(page, targets, &label);
    }
    let hint = did_you_mean(&resolved, targets.assets.iter().map(String::as_str))
        .map(|best| format!("did you mean `{best}`?"));
    Err((format!("link to a missing file `{dest}` (no content/{resolved})"), hint))
}

fn has_scheme(dest: &str) -> bool {
    dest.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Joins a relative `path` to the folder of content file `from`, resolving
/// `.` and `..`; `None` if it climbs out of `content/`.
fn join(from: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Checks that a page's card `image`, when it is a relative path, exists.
pub(crate) fn check_image(page: &Page, targets: &LinkTargets) -> Option<Diagnostic> {
    let image = page.meta.image.as_deref()?;
    if image.starts_with('/') || has_scheme(image) {
        return None;
    }
    let resolved = join(&page.source.rel, image);
    if resolved.as_ref().is_some_and(|r| targets.assets.contains(r)) {
        return None;
    }
    let text = &page.source.text;
    let line = text.lines().position(|l| l.starts_with("image:")).map_or(1, |i| i + 1);
    let shown = resolved.unwrap_or_else(|| image.to_owned());
    let message = format!("card image `{image}` not found (no content/{shown})");
    let diagnostic = Diagnostic::on_line(&page.source.display, text, line, image, message);
    Some(diagnostic.with_hint("the image path is relative to this file; put the image next to it or fix the path"))
}

/// Checks that every recorded `#anchor` exists on its target page; a
/// missing one is reported as `broken` says. A Jupyter-style anchor that
/// names a heading is pointed at the heading's id.
pub(crate) fn check_anchors(pages: &mut [Page], broken: Severity) -> Vec<Diagnostic> {
    let (problems, mended) = find_missing_anchors(pages, broken);
    for (index, href, id) in mended {
        let mended_href = format!("{}#{id}", href.rsplit_once('#').map_or("", |(url, _)| url));
        let html = &mut pages[index].rendered.html;
        let escaped = |href: &str| format!("href=\"{}\"", crate::html::escape_html(href));
        *html = html.replace(&escaped(&href), &escaped(&mended_href));
    }
    problems
}

/// The links to missing anchors, and the (page, href, heading id) of each
/// link whose anchor is a Jupyter heading id.
fn find_missing_anchors(pages: &[Page], broken: Severity) -> (Vec<Diagnostic>, Vec<(usize, String, String)>) {
    let anchors: HashMap<&str, &HashSet<String>> =
        pages.iter().map(|page| (page.source.rel.as_str(), &page.rendered.anchors)).collect();
    let mut problems = Vec::new();
    let mut mended = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        for link in &page.rendered.links {
            let Some(ids) = anchors.get(link.target.as_str()) else {
                continue;
            };
            if link.anchor.is_empty() || ids.contains(&link.anchor) {
                continue;
            }
            // Jupyter ids a heading by its text, case kept and spaces as
            // `-` (`#Sorted-and-unsorted-indices`): such a link reaches
            // the heading, and its `href` is mended once every page is
            // rendered.
            let primer_id = slug::slugify(link.anchor.replace('-', " "));
            if ids.contains(&primer_id) {
                mended.push((index, link.href.clone(), primer_id));
                continue;
            }
            let on = if link.target == page.source.rel {
                "this page".to_owned()
            } else {
                format!("content/{}", link.target)
            };
            let mut diagnostic = Diagnostic::at(
                &page.source.display,
                &page.source.text,
                link.line,
                link.byte_col,
                link.len,
                format!("link to a missing anchor `#{}` on {on}", link.anchor),
            );
            let mut sorted: Vec<&str> = ids.iter().map(String::as_str).collect();
            sorted.sort_unstable();
            if let Some(best) = did_you_mean(&link.anchor, sorted.iter().copied()) {
                diagnostic = diagnostic.with_hint(format!("did you mean `#{best}`?"));
            } else if !sorted.is_empty() {
                let list: Vec<String> = sorted.iter().take(8).map(|id| format!("#{id}")).collect();
                diagnostic = diagnostic.with_hint(format!("anchors there include {}", list.join(", ")));
            }
            problems.push(diagnostic.with_severity(broken));
        }
    }
    (problems, mended)
}

/// The link from the content file `from` to the content file `to`, both
/// paths inside content/.
fn relative_path(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> =
        from.split('/').collect::<Vec<_>>().split_last().map(|(_, d)| d.to_vec()).unwrap_or_default();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from_dirs.len() - common];
    parts.extend(&to_parts[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_content_files() {
        assert_eq!(relative_path("recipes/a.md", "recipes/b.md"), "b.md");
        assert_eq!(relative_path("recipes/a.md", "tutorials/b.md"), "../tutorials/b.md");
        assert_eq!(relative_path("index.md", "recipes/b.md"), "recipes/b.md");
        assert_eq!(relative_path("recipes/deep/a.md", "index.md"), "../../index.md");
    }

    #[test]
    fn join_resolves_dots_and_refuses_to_escape() {
        assert_eq!(join("recipes/a.md", "../tutorials/b.md").as_deref(), Some("tutorials/b.md"));
        assert_eq!(join("recipes/a.md", "./img/x.png").as_deref(), Some("recipes/img/x.png"));
        assert_eq!(join("a.md", "../x.md"), None);
    }

    #[test]
    fn relative_urls_climb_to_the_root() {
        assert_eq!(relative_url("recipes/a/", "tutorials/b/"), "../../tutorials/b/");
        assert_eq!(relative_url("", "recipes/"), "recipes/");
        assert_eq!(relative_url("", ""), "./");
    }

    #[test]
    fn schemes_are_external() {
        assert!(has_scheme("https://x.org"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("../a.md"));
    }
}
