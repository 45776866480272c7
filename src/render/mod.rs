//! Stage 6: apply templates.
//!
//! Compiles the theme's tera templates once, then renders every output
//! file of the [`Site`] in parallel: pages, the home page, the tutorials and
//! recipes listings, tag pages, the 404 page, the sitemap and the Atom
//! feed, plus the theme's static files and the highlighting stylesheets.
//! Templates see only the views of [`views`]. Hands on [`OutputFile`]s one
//! by one as they are made; writing them is the output stage's job.

mod downloads;
mod json_feed;
pub(crate) mod theme;
mod views;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rayon::prelude::*;
use tera::{Context, Tera};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, line_col};
use crate::listing::{API_URL, RECIPES_URL, SEARCH_URL, Site, TAGS_URL, TUTORIALS_URL};
use crate::markdown::links::root_of;
use crate::model::Kind;
use crate::output::OutputFile;
use theme::Theme;
use views::{
    CalloutView, CardView, FeedEntry, FilterView, HomeSection, MetaView, NavView, PageView, SiteView, SitemapEntry,
    TagView,
};

/// Everything rendered for one build.
#[derive(Debug)]
struct Renderer<'a> {
    config: &'a Config,
    site: &'a Site,
    theme: &'a Theme,
    tera: &'a Tera,
    sidebars: [views::Sidebars<'a>; 2],
    /// Each page's card as pages two folders deep list it (`api/x/`,
    /// `tags/x/`), rendered once however many of them list it: the API
    /// pages of a large site list each card several times over.
    deep_cards: Vec<std::sync::OnceLock<Result<String, Diagnostic>>>,
    /// Sidebar links made so far: a link shows alike in the sidebar of
    /// every page of its section (tera's lookups in a loop of a hundred
    /// links made the sidebar a sixth of a page's rendering).
    sidebar_links: std::sync::Mutex<rustc_hash::FxHashMap<views::SidebarLinkKey, std::sync::Arc<str>>>,
}

/// One file to render from a template.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Page(usize),
    Listing(Kind),
    TagsIndex,
    Tag(usize),
    NotFound,
    SearchPage,
    Sitemap,
    Feed,
    JsonFeed,
    Inventory,
    /// The index of API objects in use.
    ApiIndex,
    /// The page of one API object, by index in `site.apis`.
    Api(usize),
}

/// Which output files to render: all of them for a build, a few for a
/// rebuild after one page changed.
#[derive(Debug, Default)]
pub(crate) struct Selection {
    /// Pages, by index in `site.pages`.
    pub(crate) pages: Vec<usize>,
    /// The home page, both listings, the tag index, 404, sitemap and feed.
    pub(crate) listings: bool,
    /// Tag pages, by index in `site.tags`.
    pub(crate) tags: Vec<usize>,
    /// The API index and every API object's page.
    pub(crate) apis: bool,
}

impl Selection {
    /// Every output file of `site`.
    pub(crate) fn everything(site: &Site) -> Self {
        let pages = site.pages.iter().enumerate().filter(|(_, p)| p.kind.has_own_page()).map(|(i, _)| i).collect();
        Self { pages, listings: true, tags: (0..site.tags.len()).collect(), apis: true }
    }

    fn jobs(&self, site: &Site) -> Vec<Job> {
        let mut jobs = Vec::new();
        if self.listings {
            jobs.extend([
                Job::Home,
                Job::Listing(Kind::Tutorial),
                Job::Listing(Kind::Recipe),
                Job::TagsIndex,
                Job::NotFound,
                Job::SearchPage,
                Job::Sitemap,
                Job::Feed,
                Job::JsonFeed,
                Job::Inventory,
            ]);
        }
        jobs.extend(self.tags.iter().copied().map(Job::Tag));
        if self.apis {
            jobs.push(Job::ApiIndex);
            jobs.extend((0..site.apis.len()).map(Job::Api));
        }
        jobs.extend(self.pages.iter().copied().map(Job::Page));
        jobs
    }
}

/// Renders the whole site, with the theme's static files, handing each
/// output file to `each` as soon as it is made, so the site is never held
/// in memory whole; returns what `each` made of them.
pub(crate) fn run<T: Send>(
    config: &Config,
    theme: &Theme,
    site: &Site,
    each: impl Fn(OutputFile) -> T + Sync,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let tera = compile(theme)?;
    let mut made = run_each(config, theme, &tera, site, &Selection::everything(site), &each)?;
    made.extend(static_files(theme).into_iter().map(each));
    Ok(made)
}

/// Renders the selected output files with templates compiled once by
/// [`compile`].
pub(crate) fn run_selected(
    config: &Config,
    theme: &Theme,
    tera: &Tera,
    site: &Site,
    selection: &Selection,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    run_each(config, theme, tera, site, selection, &|file| file)
}

/// Renders the selected output files in parallel and hands each to `each`.
fn run_each<T: Send>(
    config: &Config,
    theme: &Theme,
    tera: &Tera,
    site: &Site,
    selection: &Selection,
    each: &(impl Fn(OutputFile) -> T + Sync),
) -> Result<Vec<T>, Vec<Diagnostic>> {
    let sidebars = views::Sidebars::new(config, site);
    let deep_cards = site.pages.iter().map(|_| std::sync::OnceLock::new()).collect();
    let renderer = Renderer { config, site, theme, tera, sidebars, deep_cards, sidebar_links: Default::default() };
    let jobs = selection.jobs(site);
    let results: Vec<Result<Vec<T>, Diagnostic>> =
        jobs.par_iter().map(|job| renderer.render(*job).map(|files| files.into_iter().map(each).collect())).collect();
    let mut files = Vec::with_capacity(results.len() + 4);
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(mut made) => files.append(&mut made),
            Err(problem) => problems.push(problem),
        }
    }
    if selection.listings {
        problems.extend(renderer.callout_problems());
    }
    if !problems.is_empty() {
        // A broken template fails every page alike: report it once.
        let mut seen = BTreeSet::new();
        problems.retain(|p| seen.insert((p.location(), p.message.clone())));
        return Err(problems);
    }
    Ok(files)
}

/// The theme's static files and the highlighting stylesheets.
pub(crate) fn static_files(theme: &Theme) -> Vec<OutputFile> {
    let (light, dark) = crate::markdown::highlight::stylesheets();
    let mut files = vec![
        OutputFile::generated("assets/highlight-light.css", light),
        OutputFile::generated("assets/highlight-dark.css", dark),
    ];
    // A theme's own file wins over the generated stylesheets.
    files.retain(|generated| theme.statics().all(|(path, _)| path != generated.path));
    files.extend(theme.statics().map(|(path, file)| OutputFile::generated(path, file.bytes.clone())));
    files
}

/// Compiles the theme's templates.
pub(crate) fn compile(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    for (name, file) in theme.templates() {
        match std::str::from_utf8(&file.bytes) {
            Ok(text) => sources.push((name.to_owned(), text.to_owned())),
            Err(_) => problems.push(Diagnostic::file(&file.display, "template is not valid UTF-8")),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    tera.autoescape_on(vec![".html", ".xml"]);
    // Tera's default escaper also escapes `/`, which bloats every URL.
    tera.set_escape_fn(crate::html::escape_html);
    tera.add_raw_templates(sources).map_err(|error| vec![template_error(theme, None, &error)])?;
    Ok(tera)
}

/// Turns a tera error into a diagnostic at the template file and line.
fn template_error(theme: &Theme, rendering: Option<&str>, error: &tera::Error) -> Diagnostic {
    let mut messages = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        messages.push(inner.to_string());
        source = inner.source();
    }
    let quoted = |text: &str| text.split('\'').nth(1).map(str::to_owned);
    // The innermost message names the template the problem is in.
    let name = messages.iter().rev().find_map(|m| quoted(m)).or(rendering.map(str::to_owned)).unwrap_or_default();
    let detail = messages.last().cloned().unwrap_or_default();
    let file = theme.templates().find(|(n, _)| *n == name).map(|(_, f)| f);
    let display = file.map_or_else(|| format!("templates/{name}"), |f| f.display.clone());
    let text = file.map(|f| String::from_utf8_lossy(&f.bytes).into_owned()).unwrap_or_default();
    let summary = detail.lines().find(|l| !l.trim().is_empty()).unwrap_or(&detail).trim().to_owned();
    // Parse errors carry "--> line:column"; render errors name a variable
    // in backticks, which we look up in the template source.
    if let Some(position) = detail.split("--> ").nth(1) {
        let mut numbers = position.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
        let line = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        let col: usize = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        let message = detail.lines().last().unwrap_or(&summary).trim().trim_start_matches('=').trim();
        return Diagnostic::at(
            display,
            &text,
            line,
            col.saturating_sub(1),
            1,
            format!("template syntax error: {message}"),
        );
    }
    if let Some(variable) = detail.split('`').nth(1) {
        if let Some(offset) = text.find(variable) {
            let (line, col) = line_col(&text, offset);
            return Diagnostic::at(display, &text, line, col, variable.len(), summary).with_hint(format!(
                "`{variable}` is not available here; see the theme docs for the variables each template gets"
            ));
        }
    }
    Diagnostic::file(display, summary)
}

impl Renderer<'_> {
    /// Renders one job: its page, and for a page, its code downloads.
    fn render(&self, job: Job) -> Result<Vec<OutputFile>, Diagnostic> {
        if let Some(file) = self.generated(job) {
            return Ok(vec![file]);
        }
        let mut files = Vec::new();
        let mut source = None;
        let (path, template, context) = match job {
            Job::Home => ("index.html".to_owned(), "home.html", self.home()),
            Job::Page(index) => {
                let page = &self.site.pages[index];
                source = Some(page.source.display.clone());
                let mut context = self.context(&page.url);
                let mut view = PageView::new(self.config, self.site, &self.sidebars, index);
                self.make_sidebar_links(&mut view, &root_of(&page.url))?;
                context.insert("page", &view);
                let (links, mut downloads) = downloads::for_page(self.config, page);
                context.insert("downloads", &links);
                files.append(&mut downloads);
                files.extend(self.figures(page)?);
                let image =
                    page.meta.image.as_deref().map(|_| format!("{}{}", self.config.base_url, views::card_image(page)));
                let description = page.rendered.summary.as_ref().map_or(self.config.description.as_str(), |s| &s.plain);
                self.insert_meta(&mut context, &page.rendered.title.plain, description, &page.url, image);
                (format!("{}index.html", page.url), "page.html", context)
            }
            Job::Listing(kind) => self.listing(kind),
            Job::TagsIndex => {
                let mut context = self.context(TAGS_URL);
                let tags: Vec<TagView<'_>> = self.site.tags.iter().map(|t| TagView::new(self.site, t)).collect();
                context.insert("tags", &tags);
                (format!("{TAGS_URL}index.html"), "tags.html", context)
            }
            Job::Tag(index) => {
                let tag = &self.site.tags[index];
                let mut context = self.context(&tag.url);
                let view = TagView::new(self.site, tag);
                context.insert("tag", &view);
                let description = tag.description.as_deref().unwrap_or(&self.config.description);
                self.insert_meta(&mut context, &format!("Tagged “{}”", tag.name), description, &tag.url, None);
                context.insert("cards", &self.cards(&tag.pages));
                context.insert("cards_html", &self.deep_cards_html(&tag.pages)?);
                (format!("{}index.html", tag.url), "tag.html", context)
            }
            Job::NotFound => {
                let mut context = self.context("");
                // The 404 page is served at any depth: links must be absolute.
                context.insert("root", &self.config.base_path());
                ("404.html".to_owned(), "404.html", context)
            }
            Job::SearchPage => {
                let mut context = self.context(SEARCH_URL);
                self.insert_meta(&mut context, "Search", &self.config.description, SEARCH_URL, None);
                (format!("{SEARCH_URL}index.html"), "search.html", context)
            }
            Job::ApiIndex if self.config.api.inventories.is_empty() => return Ok(Vec::new()),
            Job::ApiIndex => {
                let mut context = self.context(API_URL);
                self.insert_meta(&mut context, "API", "The API objects the tutorials and recipes use", API_URL, None);
                context.insert("modules", &views::api_modules(self.site));
                context.insert("total", &self.site.apis.len());
                (format!("{API_URL}index.html"), "apis.html", context)
            }
            Job::Api(index) => {
                let object = &self.site.apis[index];
                let mut context = self.context(&object.url);
                let view = views::ApiView::new(self.site, object);
                let description = format!("Tutorials and recipes that use {}", object.name);
                self.insert_meta(&mut context, &object.name, &description, &object.url, None);
                context.insert("api", &view);
                context.insert("cards_html", &self.deep_cards_html(&object.pages)?);
                (format!("{}index.html", object.url), "api.html", context)
            }
            Job::Sitemap => ("sitemap.xml".to_owned(), "sitemap.xml", self.sitemap()),
            Job::Feed => ("atom.xml".to_owned(), "atom.xml", self.feed()),
            Job::Inventory | Job::JsonFeed => unreachable!("written without a template above"),
        };
        let html = self.tera.render(template, &context).map_err(|e| template_error(self.theme, Some(template), &e))?;
        files.push(OutputFile { path, bytes: html.into_bytes(), source });
        Ok(files)
    }

    /// The files of `job` made without a template, if it is one.
    fn generated(&self, job: Job) -> Option<OutputFile> {
        match job {
            Job::Inventory => Some(OutputFile::generated("objects.inv", self.inventory())),
            Job::JsonFeed => Some(OutputFile::generated("feed.json", json_feed::json_feed(self.config, self.site))),
            _ => None,
        }
    }

    /// The figures the last `primer test` run kept for a page's blocks,
    /// from the output store, to be written beside the page.
    fn figures(&self, page: &crate::model::Page) -> Result<Vec<OutputFile>, Diagnostic> {
        let store = crate::paths::SitePaths::new(&self.config.root).output_store();
        let mut names: Vec<&String> = page.rendered.outputs.iter().collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let problem = |error: String| {
                    Diagnostic::file(
                        &page.source.display,
                        format!("a figure of the last `primer test` run is missing ({name}: {error})"),
                    )
                    .with_hint("run `primer test` again to make it")
                };
                let bytes = crate::paths::read_output(&store, name).map_err(|e| problem(e.to_string()))?;
                // The store may be committed: an SVG is published only as
                // a clean image, whoever wrote it.
                let bytes = if name.ends_with(".svg") {
                    let text = String::from_utf8(bytes).map_err(|_| problem("not UTF-8".to_owned()))?;
                    crate::safety::svg::clean(&text).map_err(problem)?.into_bytes()
                } else {
                    bytes
                };
                Ok(OutputFile { path: format!("{}{name}", page.url), bytes, source: Some(page.source.display.clone()) })
            })
            .collect()
    }

    /// Title, description and absolute URLs for `<head>` and OpenGraph.
    fn insert_meta(&self, context: &mut Context, title: &str, description: &str, url: &str, image: Option<String>) {
        // OpenGraph: pages with their own content are articles.
        let kind = if context.get("page").is_some() { "article" } else { "website" };
        let canonical = match self.config.publishing.versions.as_ref().and_then(|v| v.canonical.as_deref()) {
            Some(preferred) => format!("{preferred}{url}"),
            None => format!("{}{url}", self.config.base_url),
        };
        let meta =
            MetaView { title, description, url: format!("{}{url}", self.config.base_url), canonical, kind, image };
        context.insert("meta", &meta);
    }

    /// What every template gets: the site, the way back to its root, and
    /// default metadata that page jobs replace with their own.
    fn context(&self, url: &str) -> Context {
        let mut context = Context::new();
        let title = match url {
            TUTORIALS_URL => "Tutorials",
            RECIPES_URL => "Recipes",
            TAGS_URL => "Tags",
            _ => &self.config.title,
        };
        self.insert_meta(&mut context, title, &self.config.description, url, None);
        context.insert("site", &SiteView::new(self.config));
        context.insert("root", &root_of(url));
        context.insert("current_url", url);
        context.insert("primer_version", env!("CARGO_PKG_VERSION"));
        context.insert(
            "nav",
            &NavView {
                tutorials: !self.site.tutorials.is_empty(),
                recipes: !self.site.recipes.is_empty(),
                api: !self.site.apis.is_empty(),
            },
        );
        context
    }

    /// The cards of `indices` as one piece of HTML, for a page two
    /// folders deep (a tag's or an API object's), each card rendered by
    /// `partials/card.html` once: a page's card shows on the page of each
    /// of its tags and of each API it uses.
    fn deep_cards_html(&self, indices: &[usize]) -> Result<String, Diagnostic> {
        let mut html = String::new();
        for &index in indices {
            let card = self.deep_cards[index].get_or_init(|| {
                let mut context = self.context("cards/card/");
                context.insert("card", &CardView::new(self.site, index));
                let template = "partials/card.html";
                self.tera.render(template, &context).map_err(|e| template_error(self.theme, Some(template), &e))
            });
            html.push_str(card.as_ref().map_err(Clone::clone)?);
        }
        Ok(html)
    }

    /// Makes the links of a page's sidebar with `partials/sidebar-link.html`,
    /// each once however many sidebars show it. The partial gets `site`,
    /// `root` and `link`. A page's own link shows in its sidebar alone, so
    /// it is made but not kept.
    fn make_sidebar_links(&self, view: &mut PageView<'_>, root: &str) -> Result<(), Diagnostic> {
        let kept = || self.sidebar_links.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for link in view.sidebar_links() {
            let key = (!link.is_current()).then(|| link.key(root));
            if let Some(html) = key.as_ref().and_then(|key| kept().get(key).cloned()) {
                link.set_html(&html);
                continue;
            }
            let mut context = Context::new();
            context.insert("site", &SiteView::new(self.config));
            context.insert("root", root);
            context.insert("link", &link);
            let template = "partials/sidebar-link.html";
            let html: std::sync::Arc<str> = self
                .tera
                .render(template, &context)
                .map_err(|e| template_error(self.theme, Some(template), &e))?
                .into();
            link.set_html(&html);
            if let Some(key) = key {
                kept().insert(key, html);
            }
        }
        Ok(())
    }

    fn cards(&self, indices: &[usize]) -> Vec<CardView<'_>> {
        indices.iter().map(|&i| CardView::new(self.site, i)).collect()
    }

    fn home(&self) -> Context {
        let mut context = self.context("");
        let page = self.site.home.map(|i| &self.site.pages[i]);
        context.insert("title", &page.map_or(self.config.title.as_str(), |p| p.rendered.title.plain.as_str()));
        let escaped = crate::html::escape_html(&self.config.title);
        context.insert("title_html", &page.map_or(escaped.as_str(), |p| p.rendered.title.html.as_str()));
        context.insert("intro", &page.map_or("", |p| p.rendered.html.as_str()));
        let callouts: Vec<CalloutView<'_>> = self
            .config
            .callouts
            .iter()
            .map(|c| CalloutView::new(c, self.callout_url(&c.link).unwrap_or_else(|| c.link.clone())))
            .collect();
        context.insert("callouts", &callouts);
        let newest = self.config.newest;
        let sections: Vec<HomeSection<'_>> =
            [("tutorials", TUTORIALS_URL, &self.site.tutorials), ("recipes", RECIPES_URL, &self.site.recipes)]
                .into_iter()
                .filter(|(_, _, list)| !list.is_empty())
                .map(|(name, url, list)| HomeSection {
                    name,
                    url,
                    total: list.len(),
                    cards: self.cards(&self.site.newest(list, newest)),
                })
                .collect();
        context.insert("sections", &sections);
        context
    }

    /// Whether a callout link names a content page (`recipes/a.md`, with
    /// or without a `#fragment`) rather than a URL.
    fn links_to_page(link: &str) -> bool {
        !link.contains("://") && !link.starts_with('/') && link.split('#').next().is_some_and(|p| p.ends_with(".md"))
    }

    /// The page a callout link names, and its fragment.
    fn callout_target<'l>(&self, link: &'l str) -> Option<(&crate::model::Page, Option<&'l str>)> {
        if !Self::links_to_page(link) {
            return None;
        }
        let (path, fragment) = link.split_once('#').map_or((link, None), |(p, f)| (p, Some(f)));
        let path = path.trim_start_matches("./").trim_start_matches("content/");
        Some((self.site.pages.iter().find(|p| p.source.rel == path)?, fragment))
    }

    /// The site path of a callout link to a content file, `None` for URLs.
    fn callout_url(&self, link: &str) -> Option<String> {
        let (page, fragment) = self.callout_target(link)?;
        Some(match fragment {
            Some(fragment) => format!("{}#{fragment}", page.url),
            None if page.url.is_empty() => "./".to_owned(),
            None => page.url.clone(),
        })
    }

    /// Home callout links to pages that do not exist, or to a `#fragment`
    /// their page does not have: checked as links in pages are.
    fn callout_problems(&self) -> Vec<Diagnostic> {
        let problem = |callout: &crate::config::Callout, message: String, hint: &str| {
            self.config.problem_at(callout.line, &callout.link, message).with_hint(hint.to_owned())
        };
        let links = self.config.callouts.iter().filter(|c| Self::links_to_page(&c.link));
        links
            .filter_map(|callout| match self.callout_target(&callout.link) {
                None => Some(problem(
                    callout,
                    format!("home callout links to a missing page `{}`", callout.link),
                    "callout links to pages are paths inside content/, such as `tutorials/getting-started.md`",
                )),
                Some((page, Some(fragment))) if !page.rendered.anchors.contains(fragment) => Some(problem(
                    callout,
                    format!("home callout links to `#{fragment}`, which {} does not have", page.source.display),
                    "link to the id of a heading of that page",
                )),
                Some(_) => None,
            })
            .collect()
    }

    fn listing(&self, kind: Kind) -> (String, &'static str, Context) {
        let (url, title, cards) = match kind {
            Kind::Tutorial => (TUTORIALS_URL, "Tutorials", &self.site.tutorials),
            _ => (RECIPES_URL, "Recipes", &self.site.recipes),
        };
        let mut context = self.context(url);
        let intro = self.site.intros.get(url).map(|&i| &self.site.pages[i]);
        let titled = intro.map(|p| &p.rendered.title).filter(|t| !t.plain.is_empty());
        let title = titled.map_or(title, |t| t.plain.as_str());
        context.insert("title", title);
        context.insert("title_html", &titled.map_or(title, |t| t.html.as_str()));
        let summary = intro.and_then(|p| p.rendered.summary.as_ref());
        let description = summary.map_or(self.config.description.as_str(), |s| &s.plain);
        self.insert_meta(&mut context, title, description, url, None);
        context.insert("kind", &kind);
        context.insert("intro", &intro.map_or("", |p| p.rendered.html.as_str()));
        context.insert("summary", &summary.map(|s| &s.plain));
        context.insert("summary_html", &summary.map(|s| &s.html));
        context.insert("cards", &self.cards(cards));
        context.insert("filter", &FilterView::new(self.config, self.site, cards));
        (format!("{url}index.html"), "listing.html", context)
    }

    fn newest_date(&self) -> NaiveDate {
        self.site.pages.iter().filter_map(|p| p.meta.updated.or(p.meta.date)).max().unwrap_or_default()
    }

    /// The site's own Sphinx inventory, so intersphinx (and so any API
    /// site) can link to its pages (`std:doc`) and their sections
    /// (`std:label`, as `page-path#section-id`).
    fn inventory(&self) -> Vec<u8> {
        use crate::inventory::{Entry, Inventory};
        let mut entries = Vec::new();
        for page in self.site.pages.iter().filter(|p| p.kind.has_own_page()) {
            let doc = page.source.rel.rsplit_once('.').map_or(page.source.rel.as_str(), |(stem, _)| stem).to_owned();
            let title = page.rendered.title.plain.clone();
            entries.push(Entry {
                name: doc.clone(),
                domain: "std".into(),
                role: "doc".into(),
                priority: -1,
                uri: page.url.clone(),
                display: title,
            });
            for section in &page.rendered.toc {
                entries.push(Entry {
                    name: format!("{doc}#{}", section.id),
                    domain: "std".into(),
                    role: "label".into(),
                    priority: -1,
                    uri: format!("{}#{}", page.url, section.id),
                    display: section.title.clone(),
                });
            }
        }
        // An API site can link each of its objects to the pages here
        // that use it: `api/torch.nn.Linear`.
        for object in &self.site.apis {
            entries.push(Entry {
                name: object.url.trim_end_matches('/').to_owned(),
                domain: "std".into(),
                role: "doc".into(),
                priority: -1,
                uri: object.url.clone(),
                display: format!("Tutorials and recipes that use {}", object.name),
            });
        }
        let inventory = Inventory { project: self.config.title.clone(), version: String::new(), entries };
        crate::inventory::write(&inventory)
    }

    fn sitemap(&self) -> Context {
        let mut context = self.context("");
        let config = self.config;
        // A build kept out of search engines lists nothing for them.
        if config.publishing.noindex() {
            context.insert("entries", &Vec::<SitemapEntry>::new());
            return context;
        }
        let mut entries = vec![
            SitemapEntry::new(config, "", None),
            SitemapEntry::new(config, TUTORIALS_URL, None),
            SitemapEntry::new(config, RECIPES_URL, None),
            SitemapEntry::new(config, TAGS_URL, None),
        ];
        entries.extend(
            self.site
                .pages
                .iter()
                .filter(|p| p.kind.has_own_page())
                .map(|p| SitemapEntry::new(config, &p.url, p.meta.updated.or(p.meta.date))),
        );
        entries.extend(self.site.tags.iter().map(|t| SitemapEntry::new(config, &t.url, None)));
        if !self.site.apis.is_empty() {
            entries.push(SitemapEntry::new(config, API_URL, None));
        }
        entries.extend(self.site.apis.iter().map(|a| SitemapEntry::new(config, &a.url, None)));
        context.insert("entries", &entries);
        context
    }

    fn feed(&self) -> Context {
        let mut context = self.context("");
        let fallback = self.newest_date();
        let mut cards: Vec<usize> = self.site.tutorials.iter().chain(&self.site.recipes).copied().collect();
        cards.sort_by_key(|&i| std::cmp::Reverse(self.site.pages[i].meta.updated.or(self.site.pages[i].meta.date)));
        let entries: Vec<FeedEntry<'_>> =
            cards.iter().map(|&i| FeedEntry::new(self.config, &self.site.pages[i], fallback)).collect();
        context.insert("entries", &entries);
        context.insert("updated", &format!("{}T00:00:00Z", fallback.format("%Y-%m-%d")));
        context.insert("feed_url", &format!("{}atom.xml", self.config.base_url));
        context
    }
}
