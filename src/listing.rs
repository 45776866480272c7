//! Stage 5: build listings and tags.
//!
//! Groups rendered pages into the site's structure: the ordered lists of
//! tutorials and recipes (by weight, then newest date, then title), the home
//! page and listing introductions, every tag with the cards it holds, and
//! the books, in the order of their tables of contents: a book is one card
//! (its first page), and its pages' prev and next links follow its
//! contents. Rejects two sources that would be written to the same URL.
//! Hands on a [`Site`], which the render stage turns into files.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use crate::books::Book;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Kind, Page};

/// URLs primer generates itself, which no page may take.
pub(crate) const TUTORIALS_URL: &str = "tutorials/";
pub(crate) const RECIPES_URL: &str = "recipes/";
pub(crate) const TAGS_URL: &str = "tags/";
/// The search results page; the index lives beneath it.
pub(crate) const SEARCH_URL: &str = "search/";
/// The index of API objects pages use; each has its page beneath it.
pub(crate) const API_URL: &str = "api/";

/// Site-relative URL of a tag's page.
pub(crate) fn tag_url(tag: &str) -> String {
    format!("{TAGS_URL}{}/", slug::slugify(tag))
}

/// A tag and the cards that carry it.
#[derive(Debug, Clone)]
pub(crate) struct Tag {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) description: Option<String>,
    /// Its group in the tag filter, from the taxonomy.
    pub(crate) group: Option<String>,
    /// Indices into [`Site::pages`], in listing order.
    pub(crate) pages: Vec<usize>,
}

/// An API object that tutorials or recipes use, with the page primer
/// makes for it: its documentation link and the cards of those pages.
#[derive(Debug, Clone)]
pub(crate) struct ApiObject {
    pub(crate) name: String,
    /// Where its documentation is.
    pub(crate) docs: String,
    pub(crate) role: String,
    pub(crate) module: String,
    /// Site-relative URL of its page, `api/torch.nn.Linear/`.
    pub(crate) url: String,
    /// Indices into [`Site::pages`]: recipes first, then by level.
    pub(crate) pages: Vec<usize>,
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) pages: Vec<Page>,
    pub(crate) home: Option<usize>,
    pub(crate) tutorials: Vec<usize>,
    pub(crate) recipes: Vec<usize>,
    /// Introductions above the tutorials and recipes listings.
    pub(crate) intros: HashMap<String, usize>,
    pub(crate) tags: Vec<Tag>,
    /// API objects in use, by name.
    pub(crate) apis: Vec<ApiObject>,
    /// The API objects' pages as the search index reads a page: the full
    /// name as title, the pages using it as text.
    pub(crate) api_search_pages: Vec<Page>,
    pub(crate) books: Vec<SiteBook>,
    /// Where each page sits in its listing ([`Site::siblings`]), so prev and
    /// next links cost no search through thousands of cards.
    listed_at: Vec<Option<usize>>,
    /// Each page's book and place in it.
    in_book: Vec<Option<(usize, usize)>>,
}

/// A book of the site: its pages in the order of its contents.
#[derive(Debug, Clone)]
pub(crate) struct SiteBook {
    /// The title its toc gives, else its first page's.
    pub(crate) title: Option<String>,
    /// The parts' captions; `None` for chapters outside any part.
    pub(crate) parts: Vec<Option<String>>,
    pub(crate) chapters: Vec<BookChapter>,
}

/// A page of a book.
#[derive(Debug, Clone)]
pub(crate) struct BookChapter {
    /// Index into [`Site::pages`].
    pub(crate) page: usize,
    /// Its title in the book's contents, when the toc gives one.
    pub(crate) title: Option<String>,
    pub(crate) part: usize,
    pub(crate) depth: usize,
}

impl Site {
    /// Drops each page's HTML and Markdown source, which nothing after the
    /// templates reads: at 10,000 pages they are a third of a build's
    /// memory.
    pub(crate) fn release_rendered_html(&mut self) {
        for page in &mut self.pages {
            page.rendered.html = String::new();
            page.source.text = String::new();
            page.body_start = 0;
        }
    }

    /// The ordered cards of the same kind as page `index`.
    pub(crate) fn siblings(&self, index: usize) -> &[usize] {
        match self.pages[index].kind {
            Kind::Tutorial => &self.tutorials,
            Kind::Recipe => &self.recipes,
            _ => &[],
        }
    }

    /// The book page `index` is in, and its place there.
    pub(crate) fn book_of(&self, index: usize) -> Option<(&SiteBook, usize)> {
        let (book, at) = self.in_book.get(index).copied().flatten()?;
        Some((&self.books[book], at))
    }

    /// How many pages the book that page `index` opens has, if it opens one.
    pub(crate) fn chapters_opened_by(&self, index: usize) -> Option<usize> {
        self.book_of(index).filter(|(_, at)| *at == 0).map(|(book, _)| book.chapters.len())
    }

    /// The cards before and after page `index` in its listing (or book),
    /// which its prev and next links point to.
    pub(crate) fn neighbours(&self, index: usize) -> (Option<usize>, Option<usize>) {
        if let Some((book, at)) = self.book_of(index) {
            let prev = at.checked_sub(1).map(|p| book.chapters[p].page);
            return (prev, book.chapters.get(at + 1).map(|c| c.page));
        }
        let siblings = self.siblings(index);
        let Some(at) = self.listed_at.get(index).copied().flatten() else { return (None, None) };
        let prev = at.checked_sub(1).map(|p| siblings[p]);
        (prev, siblings.get(at + 1).copied())
    }

    /// The page of the API object `name`, if it has one.
    pub(crate) fn api_page(&self, name: &str) -> Option<&ApiObject> {
        self.apis.binary_search_by(|o| o.name.as_str().cmp(name)).ok().map(|i| &self.apis[i])
    }

    /// The newest `count` cards of a list: by the day they last changed
    /// (`updated`, else `date`, both filled from git when front matter
    /// gives none), undated last.
    pub(crate) fn newest(&self, list: &[usize], count: usize) -> Vec<usize> {
        let changed = |i: usize| self.pages[i].meta.updated.or(self.pages[i].meta.date);
        let mut sorted = list.to_vec();
        sorted.sort_by_key(|&i| std::cmp::Reverse(changed(i)));
        sorted.truncate(count);
        sorted
    }
}

/// Orders pages, places them in their `books` and collects tags.
pub(crate) fn run(config: &Config, pages: Vec<Page>, books: &[Book]) -> Result<Site, Vec<Diagnostic>> {
    check_urls(&pages, !config.api.inventories.is_empty())?;
    let (books, in_book) = place_in_books(&pages, books);
    let mut site = Site {
        home: None,
        tutorials: Vec::new(),
        recipes: Vec::new(),
        intros: HashMap::new(),
        tags: Vec::new(),
        apis: api_objects(&pages),
        api_search_pages: Vec::new(),
        pages: Vec::new(),
        books,
        listed_at: vec![None; pages.len()],
        in_book,
    };
    for (index, page) in pages.iter().enumerate() {
        // A book is one card: its first page.
        let inside_book = site.in_book[index].is_some_and(|(_, at)| at > 0);
        match page.kind {
            Kind::Home => site.home = Some(index),
            Kind::Tutorial if !inside_book => site.tutorials.push(index),
            Kind::Recipe if !inside_book => site.recipes.push(index),
            Kind::Tutorial | Kind::Recipe => {}
            Kind::Intro => {
                site.intros.insert(page.url.clone(), index);
            }
            Kind::Page => {}
        }
    }
    site.tutorials.sort_by(|a, b| listing_order(&pages[*a], &pages[*b]));
    site.recipes.sort_by(|a, b| listing_order(&pages[*a], &pages[*b]));
    for list in [&site.tutorials, &site.recipes] {
        for (at, &index) in list.iter().enumerate() {
            site.listed_at[index] = Some(at);
        }
    }
    let mut tags: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &index in site.tutorials.iter().chain(&site.recipes) {
        for tag in &pages[index].meta.tags {
            tags.entry(tag).or_default().push(index);
        }
    }
    site.tags = tags
        .into_iter()
        .map(|(name, mut members)| {
            members.sort_by(|a, b| listing_order(&pages[*a], &pages[*b]));
            Tag {
                name: name.to_owned(),
                url: tag_url(name),
                description: config.taxonomy.as_ref().and_then(|t| t.get(name)?.description.clone()),
                group: config.taxonomy.as_ref().and_then(|t| t.get(name)?.group.clone()),
                pages: members,
            }
        })
        .collect();
    check_tag_urls(&site.tags, &pages)?;
    site.api_search_pages = site.apis.iter().map(|object| api_search_page(object, &pages)).collect();
    site.pages = pages;
    Ok(site)
}

/// The site's books, their chapters as page indexes (a chapter that is
/// no page, a draft, is left out), and each page's book and place.
fn place_in_books(pages: &[Page], books: &[Book]) -> (Vec<SiteBook>, Vec<Option<(usize, usize)>>) {
    let by_rel: HashMap<&str, usize> = pages.iter().enumerate().map(|(i, p)| (p.source.rel.as_str(), i)).collect();
    let mut in_book = vec![None; pages.len()];
    let mut placed = Vec::new();
    for book in books {
        let chapters: Vec<BookChapter> = book
            .chapters
            .iter()
            .filter_map(|c| {
                let page = *by_rel.get(c.rel.as_str())?;
                Some(BookChapter { page, title: c.title.clone(), part: c.part, depth: c.depth })
            })
            .filter(|c| in_book[c.page].is_none())
            .collect();
        if chapters.is_empty() {
            continue;
        }
        for (at, chapter) in chapters.iter().enumerate() {
            in_book[chapter.page] = Some((placed.len(), at));
        }
        placed.push(SiteBook { title: book.title.clone(), parts: book.parts.clone(), chapters });
    }
    (placed, in_book)
}

/// Weight first (unweighted last); then files whose names start with
/// numbers (`03.05-sorting`, `1-intro`) in those numbers' order, as books
/// number their chapters, before the others; then newest date, then title.
fn listing_order(a: &Page, b: &Page) -> Ordering {
    let weight = |p: &Page| p.meta.weight.unwrap_or(i64::MAX);
    // Numbered files come first, folder by folder, so a numbered
    // sequence stays together: a total order, as sorting needs.
    let numbered = match (chapter_number(&a.source.rel), chapter_number(&b.source.rel)) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    weight(a)
        .cmp(&weight(b))
        .then(numbered)
        .then_with(|| b.meta.date.cmp(&a.meta.date))
        .then_with(|| a.rendered.title.plain.cmp(&b.rendered.title.plain))
        .then_with(|| a.source.rel.cmp(&b.source.rel))
}

/// The folder of a content file and the numbers its name starts with:
/// `book/03.05-sorting.ipynb` → (`book`, [3, 5]).
fn chapter_number(rel: &str) -> Option<(&str, Vec<u64>)> {
    let (folder, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let prefix_len = name.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(name.len());
    let numbers: Vec<u64> = name[..prefix_len].split('.').filter_map(|part| part.parse().ok()).collect();
    (!numbers.is_empty()).then_some((folder, numbers))
}

/// Every API object a tutorial or recipe uses, with those pages.
fn api_objects(pages: &[Page]) -> Vec<ApiObject> {
    let mut objects: BTreeMap<&str, ApiObject> = BTreeMap::new();
    let listed = pages.iter().enumerate().filter(|(_, p)| matches!(p.kind, Kind::Tutorial | Kind::Recipe));
    for (index, page) in listed {
        // A name that is no dotted identifier (an inventory can hold
        // anything) gets no page: it would make a strange path.
        for used in page.rendered.apis.iter().filter(|u| is_dotted_identifier(&u.name)) {
            let object = objects.entry(&used.name).or_insert_with(|| ApiObject {
                name: used.name.clone(),
                docs: used.url.clone(),
                role: used.role.clone(),
                module: used.module.clone(),
                url: format!("{API_URL}{}/", used.name),
                pages: Vec::new(),
            });
            object.pages.push(index);
        }
    }
    let by_use = |a: &usize, b: &usize| {
        let (a, b) = (&pages[*a], &pages[*b]);
        let rank = |p: &Page| (p.kind != Kind::Recipe, p.meta.level.map_or(3, |l| l as u8));
        rank(a).cmp(&rank(b)).then_with(|| listing_order(a, b))
    };
    objects
        .into_values()
        .map(|mut object| {
            object.pages.sort_by(by_use);
            object
        })
        .collect()
}

/// What search finds of an API object's page: its full name as the title
/// (a query for `DataFrame.groupby` matches it first), then the titles of
/// the pages that use it.
fn api_search_page(object: &ApiObject, pages: &[Page]) -> Page {
    use crate::model::{InlineText, PageText, Rendered, SectionText, SourceDoc};
    let used_in: Vec<&str> = object.pages.iter().map(|&i| pages[i].rendered.title.plain.as_str()).collect();
    let summary = format!(
        "{} in {}, used in {}",
        object.role,
        object.module,
        crate::diagnostic::count(used_in.len(), "page", "pages")
    );
    let text = PageText {
        sections: vec![SectionText { anchor: String::new(), heading: String::new(), text: used_in.join(" · ") }],
        code: object.name.clone(),
    };
    let plain = |text: &str| InlineText { html: crate::html::escape_html(text), plain: text.to_owned() };
    Page {
        source: SourceDoc {
            rel: object.url.clone(),
            display: object.url.clone(),
            text: String::new(),
            origins: None,
            images: Vec::new(),
            labels: Vec::new(),
        },
        kind: Kind::Page,
        url: object.url.clone(),
        meta: crate::model::FrontMatter { title: object.name.clone(), ..Default::default() },
        body_start: 0,
        rendered: Rendered { title: plain(&object.name), summary: Some(plain(&summary)), text, ..Default::default() },
    }
}

/// `torch.nn.Linear`: ASCII identifiers joined by dots.
fn is_dotted_identifier(name: &str) -> bool {
    name.split('.').all(|part| {
        part.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

fn check_urls(pages: &[Page], api_pages: bool) -> Result<(), Vec<Diagnostic>> {
    let mut seen: HashMap<&str, &Page> = HashMap::new();
    let mut problems = Vec::new();
    for page in pages {
        let reserved = page.kind != Kind::Intro
            && (page.url == TUTORIALS_URL
                || page.url == RECIPES_URL
                || page.url.starts_with(TAGS_URL)
                || page.url.starts_with(SEARCH_URL)
                || (api_pages && page.url.starts_with(API_URL)));
        if reserved || page.url.starts_with("assets/") {
            problems.push(
                Diagnostic::file(&page.source.display, format!("this page would replace primer's own /{}", page.url))
                    .with_hint("rename or move the file: tags/, search/, assets/ and, with API inventories, api/ are generated by primer"),
            );
        } else if let Some(other) = seen.insert(&page.url, page) {
            problems.push(
                Diagnostic::file(
                    &page.source.display,
                    format!("this page and {} would both be written to /{}", other.source.display, page.url),
                )
                .with_hint("rename one of the files: URLs are made from file names in lower case"),
            );
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

fn check_tag_urls(tags: &[Tag], pages: &[Page]) -> Result<(), Vec<Diagnostic>> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut problems = Vec::new();
    for tag in tags {
        if let Some(other) = seen.insert(&tag.url, &tag.name) {
            let page = &pages[tag.pages[0]];
            problems.push(
                Diagnostic::file(
                    &page.source.display,
                    format!("tags `{other}` and `{}` would share the page /{}", tag.name, tag.url),
                )
                .with_hint("spell the tag the same way everywhere"),
            );
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::chapter_number;

    #[test]
    fn chapter_numbers_come_from_the_start_of_file_names() {
        assert_eq!(chapter_number("book/03.05-sorting.ipynb"), Some(("book", vec![3, 5])));
        assert_eq!(chapter_number("10-intro.md"), Some(("", vec![10])));
        assert_eq!(chapter_number("recipes/intro.md"), None);
        assert!(chapter_number("b/2-x.md") < chapter_number("b/10-y.md"));
    }
}
