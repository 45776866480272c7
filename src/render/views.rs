//! What templates see: borrowed, serializable views of the site model.
//!
//! Every URL in a view is site-relative (`recipes/load-data/`); templates
//! put the page's `root` (`../../`) in front, so a built site works under
//! any subpath and from disk.

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::{AboutPage, Callout, Config};
use crate::listing::{Site, SiteBook, tag_url};
use crate::model::{Kind, Page, TocEntry, Verified, reading_minutes};

#[derive(Debug, Serialize)]
pub(super) struct SiteView<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) base_url: &'a str,
    pub(super) language: &'a str,
    pub(super) repository: Option<&'a str>,
    pub(super) author: Option<&'a str>,
    /// The version this build is of, `[site] version`.
    pub(super) version: Option<&'a str>,
    /// Where the list of versions is, as `[versions] url` writes it.
    pub(super) versions_url: Option<&'a str>,
    /// The banner of a preview build.
    pub(super) preview: Option<&'a str>,
    /// Whether pages ask search engines not to index them.
    pub(super) noindex: bool,
}

impl<'a> SiteView<'a> {
    pub(super) fn new(config: &'a Config) -> Self {
        Self {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            language: &config.language,
            repository: config.repository.as_deref(),
            author: config.author.as_deref(),
            version: config.publishing.version.as_deref(),
            versions_url: config.publishing.versions.as_ref().map(|v| v.url.as_str()),
            preview: config.publishing.preview.as_deref(),
            noindex: config.publishing.noindex(),
        }
    }
}

/// Which sections the header links to: those with pages.
#[derive(Debug, Serialize)]
pub(super) struct NavView {
    pub(super) tutorials: bool,
    pub(super) recipes: bool,
    /// The index of API objects in use.
    pub(super) api: bool,
}

#[derive(Debug, Serialize)]
pub(super) struct TagLink<'a> {
    pub(super) name: &'a str,
    pub(super) url: String,
}

fn tag_links(tags: &[String]) -> Vec<TagLink<'_>> {
    tags.iter().map(|name| TagLink { name, url: tag_url(name) }).collect()
}

#[derive(Debug, Serialize)]
pub(super) struct DateView {
    /// `2024-05-01`, for `datetime` attributes and feeds.
    iso: String,
    /// `May 1, 2024`, for readers.
    display: String,
}

fn date_view(date: Option<NaiveDate>) -> Option<DateView> {
    date.map(|d| DateView { iso: d.format("%Y-%m-%d").to_string(), display: d.format("%B %-d, %Y").to_string() })
}

/// A tutorial or recipe as a card in a listing.
#[derive(Debug, Serialize)]
pub(super) struct CardView<'a> {
    /// Plain text; `title_html` and `summary_html` have the inline
    /// Markdown rendered.
    title: &'a str,
    title_html: std::borrow::Cow<'a, str>,
    summary: &'a str,
    summary_html: &'a str,
    url: &'a str,
    kind: Kind,
    level: Option<&'static str>,
    tags: Vec<TagLink<'a>>,
    reading_time: usize,
    image: Option<String>,
    date: Option<DateView>,
    /// For a book's card, how many pages the book has.
    chapters: Option<usize>,
}

impl<'a> CardView<'a> {
    pub(super) fn new(site: &'a Site, index: usize) -> Self {
        let page = &site.pages[index];
        // A book's card carries the book's title when its toc gives one.
        let book_title = site.book_of(index).filter(|(_, at)| *at == 0).and_then(|(book, _)| book.title.as_deref());
        Self {
            title: book_title.unwrap_or(&page.rendered.title.plain),
            title_html: book_title.map_or_else(
                || page.rendered.title.html.as_str().into(),
                |title| crate::html::escape_html(title).into(),
            ),
            summary: page.rendered.summary.as_ref().map_or("", |s| s.plain.as_str()),
            summary_html: page.rendered.summary.as_ref().map_or("", |s| s.html.as_str()),
            url: &page.url,
            kind: page.kind,
            level: page.meta.level.map(|l| l.name()),
            tags: tag_links(&page.meta.tags),
            reading_time: reading_minutes(page.rendered.words),
            image: page.meta.image.as_deref().map(|image| site_path(page, image)),
            date: date_view(page.meta.date),
            chapters: site.chapters_opened_by(index),
        }
    }
}

/// Metadata for `<head>`: description and OpenGraph tags.
#[derive(Debug, Serialize)]
pub(super) struct MetaView<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    /// Absolute URL of the page (path-only when base_url is a path).
    pub(super) url: String,
    /// The same page in the preferred version (`[versions] canonical`),
    /// else `url`.
    pub(super) canonical: String,
    pub(super) kind: &'static str,
    pub(super) image: Option<String>,
}

/// Site path of a page's card image.
pub(super) fn card_image(page: &Page) -> String {
    page.meta.image.as_deref().map(|image| site_path(page, image)).unwrap_or_default()
}

/// A site-relative path for a path written in a page's front matter
/// (relative to the page's source file, or absolute URL).
fn site_path(page: &Page, path: &str) -> String {
    if path.contains("://") || path.starts_with('/') {
        return path.to_owned();
    }
    let dir = page.source.rel.rsplit_once('/').map_or("", |(dir, _)| dir);
    if dir.is_empty() { path.to_owned() } else { format!("{dir}/{path}") }
}

#[derive(Debug, Serialize)]
pub(super) struct LinkView<'a> {
    title: &'a str,
    title_html: &'a str,
    url: &'a str,
}

#[derive(Debug, Serialize)]
pub(super) struct Crumb<'a> {
    title: &'a str,
    url: &'a str,
}

/// A full page.
#[derive(Debug, Serialize)]
pub(super) struct PageView<'a> {
    /// Plain text; the `_html` fields have the inline Markdown rendered.
    title: &'a str,
    title_html: &'a str,
    title_id: &'a str,
    summary: Option<&'a str>,
    summary_html: Option<&'a str>,
    url: &'a str,
    kind: Kind,
    level: Option<&'static str>,
    tags: Vec<TagLink<'a>>,
    date: Option<DateView>,
    updated: Option<DateView>,
    authors: &'a [String],
    reading_time: usize,
    toc: &'a [TocEntry],
    content: &'a str,
    edit_url: Option<String>,
    /// A new issue about the page, prefilled (`[feedback]`).
    feedback_url: Option<String>,
    image: Option<String>,
    breadcrumbs: Vec<Crumb<'a>>,
    verified: Option<&'a Verified>,
    prev: Option<LinkView<'a>>,
    next: Option<LinkView<'a>>,
    sidebar: Option<SidebarView<'a>>,
    /// The API objects the page uses, each with its page when it has one.
    apis: Vec<UsedApiView<'a>>,
}

/// An API object a page uses, under its table of contents.
#[derive(Debug, Serialize)]
struct UsedApiView<'a> {
    name: &'a str,
    docs: &'a str,
    /// Its page on this site, which the cards of the pages using it list.
    url: Option<String>,
}

impl<'a> PageView<'a> {
    /// The links of the page's sidebar, for the renderer to make.
    pub(super) fn sidebar_links(&mut self) -> impl Iterator<Item = &mut SidebarLink<'a>> {
        self.sidebar.iter_mut().flat_map(|sidebar| sidebar.groups.iter_mut().flat_map(|group| group.links.iter_mut()))
    }

    pub(super) fn new(config: &'a Config, site: &'a Site, sidebars: &[Sidebars<'a>; 2], index: usize) -> Self {
        let page = &site.pages[index];
        let link = |i: usize| {
            let title = &site.pages[i].rendered.title;
            LinkView { title: &title.plain, title_html: &title.html, url: &site.pages[i].url }
        };
        let (prev, next) = site.neighbours(index);
        let (prev, next) = (prev.map(link), next.map(link));
        let mut breadcrumbs = vec![Crumb { title: "Home", url: "" }];
        match page.kind {
            Kind::Tutorial => breadcrumbs.push(Crumb { title: "Tutorials", url: crate::listing::TUTORIALS_URL }),
            Kind::Recipe => breadcrumbs.push(Crumb { title: "Recipes", url: crate::listing::RECIPES_URL }),
            _ => {}
        }
        Self {
            title: &page.rendered.title.plain,
            title_html: &page.rendered.title.html,
            title_id: &page.rendered.title_id,
            summary: page.rendered.summary.as_ref().map(|s| s.plain.as_str()),
            summary_html: page.rendered.summary.as_ref().map(|s| s.html.as_str()),
            url: &page.url,
            kind: page.kind,
            level: page.meta.level.map(|l| l.name()),
            tags: tag_links(&page.meta.tags),
            date: date_view(page.meta.date),
            updated: date_view(page.meta.updated),
            authors: &page.meta.authors,
            reading_time: reading_minutes(page.rendered.words),
            toc: &page.rendered.toc,
            content: &page.rendered.html,
            edit_url: config
                .repository
                .as_ref()
                .map(|repo| format!("{repo}/edit/{}/content/{}", config.edit_branch, page.source.rel)),
            feedback_url: config.publishing.feedback.as_ref().map(|feedback| {
                let url = format!("{}{}", config.base_url, page.url);
                let version = config.publishing.version.as_deref();
                feedback.page_issue(&AboutPage { title: &page.rendered.title.plain, url: &url, version })
            }),
            image: page.meta.image.as_deref().map(|image| site_path(page, image)),
            breadcrumbs,
            verified: page.rendered.verified.as_ref(),
            prev,
            next,
            sidebar: SidebarView::new(site, sidebars, index),
            apis: page
                .rendered
                .apis
                .iter()
                .map(|used| UsedApiView {
                    name: &used.name,
                    docs: &used.url,
                    url: site.api_page(&used.name).map(|object| object.url.clone()),
                })
                .collect(),
        }
    }
}

/// The pages of the current page's section, beside it on wide screens:
/// by the group of their first grouped tag when the taxonomy has groups.
/// A large section shows the pages around the current one in its group,
/// and the other groups as links to the listing filtered by their tags,
/// so a page's sidebar stays small however large the site grows.
#[derive(Debug, Serialize)]
pub(super) struct SidebarView<'a> {
    title: &'a str,
    url: &'a str,
    groups: Vec<SidebarGroup<'a>>,
}

#[derive(Debug, Serialize)]
pub(super) struct SidebarGroup<'a> {
    /// Empty for the one group of a taxonomy without groups.
    name: &'a str,
    /// Whether it holds the current page.
    current: bool,
    links: Vec<SidebarLink<'a>>,
    /// Pages of the group not listed, and where the listing shows them.
    more: usize,
    more_url: String,
}

#[derive(Debug, Serialize)]
pub(super) struct SidebarLink<'a> {
    title_html: std::borrow::Cow<'a, str>,
    url: &'a str,
    current: bool,
    /// How deep a book's section is nested under its chapter.
    depth: usize,
    /// The link made by `partials/sidebar-link.html`, filled in by the
    /// renderer: most links show in the sidebar of many pages alike.
    html: String,
}

/// What the HTML of a link to another page depends on: the way back to
/// the root, the URL, the title and the depth.
pub(super) type SidebarLinkKey = (String, String, String, usize);

impl SidebarLink<'_> {
    pub(super) fn key(&self, root: &str) -> SidebarLinkKey {
        (root.to_owned(), self.url.to_owned(), self.title_html.clone().into_owned(), self.depth)
    }

    /// Whether it links to the page whose sidebar it is in.
    pub(super) fn is_current(&self) -> bool {
        self.current
    }

    pub(super) fn set_html(&mut self, html: &str) {
        html.clone_into(&mut self.html);
    }
}

/// Sections up to this many pages list every page in the sidebar.
const SIDEBAR_ALL: usize = 150;
/// Pages listed around the current one in a larger section.
const SIDEBAR_WINDOW: usize = 40;

/// The sidebar groups of the tutorials and of the recipes, worked out once
/// per build: each group's name, its pages in listing order and the
/// listing filtered to its tags; and each page's group and place in it.
#[derive(Debug, Default)]
pub(super) struct Sidebars<'a> {
    groups: Vec<(&'a str, Vec<usize>, String)>,
    place: rustc_hash::FxHashMap<usize, (usize, usize)>,
}

impl<'a> Sidebars<'a> {
    pub(super) fn new(config: &'a Config, site: &'a Site) -> [Self; 2] {
        let group_of = |i: usize| -> &'a str {
            let taxonomy = config.taxonomy.as_ref();
            site.pages[i]
                .meta
                .tags
                .iter()
                .find_map(|tag| taxonomy?.get(tag)?.group.as_deref())
                .unwrap_or(if config.tag_groups.is_empty() { "" } else { "Other" })
        };
        let order: Vec<&str> = config.tag_groups.iter().map(String::as_str).chain(["Other", ""]).collect();
        // The listing, filtered to a group's tags.
        let filtered = |url: &str, name: &str| {
            let tags: Vec<&str> = config
                .taxonomy
                .iter()
                .flatten()
                .filter(|(_, info)| info.group.as_deref() == Some(name))
                .map(|(tag, _)| tag.as_str())
                .collect();
            if tags.is_empty() { url.to_owned() } else { format!("{url}?tags={}", tags.join(",")) }
        };
        [(&site.tutorials, crate::listing::TUTORIALS_URL), (&site.recipes, crate::listing::RECIPES_URL)].map(
            |(pages, url)| {
                let mut groups: Vec<(&'a str, Vec<usize>)> = Vec::new();
                for &i in pages {
                    let name = group_of(i);
                    match groups.iter_mut().find(|(g, _)| *g == name) {
                        Some((_, members)) => members.push(i),
                        None => groups.push((name, vec![i])),
                    }
                }
                groups.sort_by_key(|(name, _)| order.iter().position(|o| o == name));
                let place = groups
                    .iter()
                    .enumerate()
                    .flat_map(|(g, (_, members))| members.iter().enumerate().map(move |(at, &i)| (i, (g, at))))
                    .collect();
                let groups = groups.into_iter().map(|(name, members)| (name, members, filtered(url, name))).collect();
                Self { groups, place }
            },
        )
    }
}

impl<'a> SidebarView<'a> {
    fn new(site: &'a Site, sidebars: &[Sidebars<'a>; 2], index: usize) -> Option<Self> {
        if let Some((book, _)) = site.book_of(index) {
            return Some(Self::book(site, book, index));
        }
        let (title, url, sidebar) = match site.pages[index].kind {
            Kind::Tutorial => ("Tutorials", crate::listing::TUTORIALS_URL, &sidebars[0]),
            Kind::Recipe => ("Recipes", crate::listing::RECIPES_URL, &sidebars[1]),
            _ => return None,
        };
        let &(current_group, at) = sidebar.place.get(&index)?;
        let whole = sidebar.groups.iter().map(|(_, m, _)| m.len()).sum::<usize>() <= SIDEBAR_ALL;
        let groups = sidebar
            .groups
            .iter()
            .enumerate()
            .map(|(g, (name, members, more_url))| {
                let shown: &[usize] = if whole {
                    members
                } else if g == current_group {
                    let start = at.saturating_sub(SIDEBAR_WINDOW / 2).min(members.len().saturating_sub(SIDEBAR_WINDOW));
                    &members[start..(start + SIDEBAR_WINDOW).min(members.len())]
                } else {
                    &[]
                };
                let links = shown
                    .iter()
                    .map(|&i| SidebarLink {
                        title_html: site.pages[i].rendered.title.html.as_str().into(),
                        url: &site.pages[i].url,
                        current: i == index,
                        depth: 0,
                        html: String::new(),
                    })
                    .collect();
                SidebarGroup {
                    name,
                    current: g == current_group,
                    links,
                    more: members.len() - shown.len(),
                    more_url: more_url.clone(),
                }
            })
            .collect();
        Some(Self { title, url, groups })
    }
}

impl<'a> SidebarView<'a> {
    /// A book's contents: its parts, each with its chapters and sections.
    fn book(site: &'a Site, book: &'a SiteBook, index: usize) -> Self {
        let first = &site.pages[book.chapters[0].page];
        let groups = book
            .parts
            .iter()
            .enumerate()
            .filter_map(|(part, caption)| {
                let links: Vec<SidebarLink<'a>> = book
                    .chapters
                    .iter()
                    .filter(|c| c.part == part)
                    .map(|c| SidebarLink {
                        title_html: c.title.as_deref().map_or_else(
                            || site.pages[c.page].rendered.title.html.as_str().into(),
                            |title| crate::html::escape_html(title).into(),
                        ),
                        url: &site.pages[c.page].url,
                        current: c.page == index,
                        depth: c.depth,
                        html: String::new(),
                    })
                    .collect();
                let current = links.iter().any(|link| link.current);
                (!links.is_empty()).then(|| SidebarGroup {
                    name: caption.as_deref().unwrap_or(""),
                    current: current || caption.is_none(),
                    links,
                    more: 0,
                    more_url: String::new(),
                })
            })
            .collect();
        let title = book.title.as_deref().unwrap_or(&first.rendered.title.plain);
        Self { title, url: &first.url, groups }
    }
}

/// One chip of the tag filter.
#[derive(Debug, Serialize)]
pub(super) struct FilterTag<'a> {
    name: &'a str,
    url: &'a str,
    count: usize,
    /// 1 for the most used tag of the listing, 2 for the next…
    rank: usize,
}

/// A labelled row of chips: one group of the taxonomy, or every tag
/// (`name` empty) when the taxonomy has no groups.
#[derive(Debug, Serialize)]
pub(super) struct FilterGroup<'a> {
    name: &'a str,
    tags: Vec<FilterTag<'a>>,
}

/// The tag filter of a listing: the tags of its cards with counts, by
/// group and most used first, and levels.
#[derive(Debug, Serialize)]
pub(super) struct FilterView<'a> {
    groups: Vec<FilterGroup<'a>>,
    /// How many tags the cards carry.
    tag_count: usize,
    levels: Vec<&'static str>,
    total: usize,
}

impl<'a> FilterView<'a> {
    pub(super) fn new(config: &'a Config, site: &'a Site, cards: &[usize]) -> Self {
        let mut used: Vec<(&'a crate::listing::Tag, usize)> = site
            .tags
            .iter()
            .filter_map(|tag| {
                let count = tag.pages.iter().filter(|i| cards.contains(i)).count();
                (count > 0).then_some((tag, count))
            })
            .collect();
        used.sort_by(|(a, x), (b, y)| y.cmp(x).then_with(|| a.name.cmp(&b.name)));
        let chip = |rank: usize, (tag, count): &(&'a crate::listing::Tag, usize)| FilterTag {
            name: &tag.name,
            url: &tag.url,
            count: *count,
            rank: rank + 1,
        };
        let ungrouped = || used.iter().enumerate().filter(|(_, (tag, _))| tag.group.is_none());
        let mut groups: Vec<FilterGroup<'a>> = config
            .tag_groups
            .iter()
            .map(|group| FilterGroup {
                name: group,
                tags: used
                    .iter()
                    .enumerate()
                    .filter(|(_, (tag, _))| tag.group.as_ref() == Some(group))
                    .map(|(rank, used)| chip(rank, used))
                    .collect(),
            })
            .filter(|group| !group.tags.is_empty())
            .collect();
        if ungrouped().next().is_some() {
            let name = if groups.is_empty() { "" } else { "Other" };
            groups.push(FilterGroup { name, tags: ungrouped().map(|(rank, used)| chip(rank, used)).collect() });
        }
        let mut levels: Vec<_> = cards.iter().filter_map(|&i| site.pages[i].meta.level).collect();
        levels.sort_unstable();
        levels.dedup();
        Self {
            groups,
            tag_count: used.len(),
            levels: levels.into_iter().map(|l| l.name()).collect(),
            total: cards.len(),
        }
    }
}

/// A tag on the page listing all tags, and atop its own page.
#[derive(Debug, Serialize)]
pub(super) struct TagView<'a> {
    name: &'a str,
    url: &'a str,
    description: Option<&'a str>,
    count: usize,
    /// The count by kind, as listings count it: `21 recipes · 1 tutorial`.
    counts: String,
}

impl<'a> TagView<'a> {
    pub(super) fn new(site: &Site, tag: &'a crate::listing::Tag) -> Self {
        let counts = counts_by_kind(site, &tag.pages);
        Self { name: &tag.name, url: &tag.url, description: tag.description.as_deref(), count: tag.pages.len(), counts }
    }
}

/// How many of `pages` are recipes and tutorials: `21 recipes · 1 tutorial`.
fn counts_by_kind(site: &Site, pages: &[usize]) -> String {
    let of = |kind: Kind| pages.iter().filter(|&&i| site.pages[i].kind == kind).count();
    [(of(Kind::Recipe), "recipe"), (of(Kind::Tutorial), "tutorial")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, noun)| format!("{n} {noun}{}", if n == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The newest cards of one kind on the home page.
#[derive(Debug, Serialize)]
pub(super) struct HomeSection<'a> {
    /// `tutorials` or `recipes`.
    pub(super) name: &'static str,
    pub(super) url: &'static str,
    pub(super) total: usize,
    pub(super) cards: Vec<CardView<'a>>,
}

#[derive(Debug, Serialize)]
pub(super) struct CalloutView<'a> {
    title: &'a str,
    text: &'a str,
    url: String,
    button: &'a str,
}

impl<'a> CalloutView<'a> {
    /// `url` is the link resolved to a site path, or the link as written.
    pub(super) fn new(callout: &'a Callout, url: String) -> Self {
        Self { title: &callout.title, text: &callout.text, url, button: &callout.button }
    }
}

/// An entry of the sitemap or the feed, with an absolute URL.
#[derive(Debug, Serialize)]
pub(super) struct FeedEntry<'a> {
    title: &'a str,
    url: String,
    summary: &'a str,
    updated: String,
    published: Option<String>,
    authors: &'a [String],
    kind: Kind,
}

impl<'a> FeedEntry<'a> {
    pub(super) fn new(config: &Config, page: &'a Page, fallback: NaiveDate) -> Self {
        let rfc3339 = |d: NaiveDate| format!("{}T00:00:00Z", d.format("%Y-%m-%d"));
        Self {
            title: &page.rendered.title.plain,
            url: format!("{}{}", config.base_url, page.url),
            summary: page.rendered.summary.as_ref().map_or("", |s| s.plain.as_str()),
            updated: rfc3339(page.meta.updated.or(page.meta.date).unwrap_or(fallback)),
            published: page.meta.date.map(rfc3339),
            authors: &page.meta.authors,
            kind: page.kind,
        }
    }
}

/// An entry of the sitemap.
#[derive(Debug, Serialize)]
pub(super) struct SitemapEntry {
    pub(super) url: String,
    pub(super) lastmod: Option<String>,
}

impl SitemapEntry {
    pub(super) fn new(config: &Config, url: &str, date: Option<NaiveDate>) -> Self {
        Self { url: format!("{}{url}", config.base_url), lastmod: date.map(|d| d.format("%Y-%m-%d").to_string()) }
    }
}

/// An API object with a page: what its page and the index show.
#[derive(Debug, Serialize)]
pub(super) struct ApiView<'a> {
    name: &'a str,
    url: &'a str,
    docs: &'a str,
    role: &'a str,
    module: &'a str,
    count: usize,
    /// `3 recipes · 1 tutorial`.
    counts: String,
}

impl<'a> ApiView<'a> {
    pub(super) fn new(site: &Site, object: &'a crate::listing::ApiObject) -> Self {
        Self {
            name: &object.name,
            url: &object.url,
            docs: &object.docs,
            role: &object.role,
            module: &object.module,
            count: object.pages.len(),
            counts: counts_by_kind(site, &object.pages),
        }
    }
}

/// One module of the API index.
#[derive(Debug, Serialize)]
pub(super) struct ApiModuleView<'a> {
    name: &'a str,
    id: String,
    objects: Vec<ApiView<'a>>,
}

/// The API index: the objects in use, by module.
pub(super) fn api_modules(site: &Site) -> Vec<ApiModuleView<'_>> {
    let mut modules: std::collections::BTreeMap<&str, Vec<ApiView<'_>>> = std::collections::BTreeMap::new();
    for object in &site.apis {
        modules.entry(&object.module).or_default().push(ApiView::new(site, object));
    }
    modules.into_iter().map(|(name, objects)| ApiModuleView { name, id: format!("module-{name}"), objects }).collect()
}
