//! Stage 5: build listings and tags.
//!
//! Groups rendered pages into the site's structure: the ordered lists of
//! tutorials and recipes (by weight, then newest date, then title), the home
//! page and listing introductions, and every tag with the cards it holds.
//! Rejects two sources that would be written to the same URL. Hands on a
//! [`Site`], which the render stage turns into files.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::{Kind, Page};

/// URLs primer generates itself, which no page may take.
pub(crate) const TUTORIALS_URL: &str = "tutorials/";
pub(crate) const RECIPES_URL: &str = "recipes/";
pub(crate) const TAGS_URL: &str = "tags/";
/// The search results page; the index lives beneath it.
pub(crate) const SEARCH_URL: &str = "search/";

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
    /// Where each page sits in its listing ([`Site::siblings`]), so prev and
    /// next links cost no search through thousands of cards.
    listed_at: Vec<Option<usize>>,
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

    /// The cards before and after page `index` in its listing, which its
    /// prev and next links point to.
    pub(crate) fn neighbours(&self, index: usize) -> (Option<usize>, Option<usize>) {
        let siblings = self.siblings(index);
        let Some(at) = self.listed_at.get(index).copied().flatten() else { return (None, None) };
        let prev = at.checked_sub(1).map(|p| siblings[p]);
        (prev, siblings.get(at + 1).copied())
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

/// Orders pages and collects tags.
pub(crate) fn run(config: &Config, pages: Vec<Page>) -> Result<Site, Vec<Diagnostic>> {
    check_urls(&pages)?;
    let mut site = Site {
        home: None,
        tutorials: Vec::new(),
        recipes: Vec::new(),
        intros: HashMap::new(),
        tags: Vec::new(),
        pages: Vec::new(),
        listed_at: vec![None; pages.len()],
    };
    for (index, page) in pages.iter().enumerate() {
        match page.kind {
            Kind::Home => site.home = Some(index),
            Kind::Tutorial => site.tutorials.push(index),
            Kind::Recipe => site.recipes.push(index),
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
    site.pages = pages;
    Ok(site)
}

/// Weight first (unweighted last); then, for two files whose names start
/// with numbers (`03.05-sorting`, `1-intro`), those numbers, as books
/// number their chapters; then newest date, then title.
fn listing_order(a: &Page, b: &Page) -> Ordering {
    let weight = |p: &Page| p.meta.weight.unwrap_or(i64::MAX);
    let numbered = match (chapter_number(&a.source.rel), chapter_number(&b.source.rel)) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => Ordering::Equal,
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

fn check_urls(pages: &[Page]) -> Result<(), Vec<Diagnostic>> {
    let mut seen: HashMap<&str, &Page> = HashMap::new();
    let mut problems = Vec::new();
    for page in pages {
        let reserved = page.kind != Kind::Intro
            && (page.url == TUTORIALS_URL
                || page.url == RECIPES_URL
                || page.url.starts_with(TAGS_URL)
                || page.url.starts_with(SEARCH_URL));
        if reserved || page.url.starts_with("assets/") {
            problems.push(
                Diagnostic::file(&page.source.display, format!("this page would replace primer's own /{}", page.url))
                    .with_hint("rename or move the file: tags/, search/ and assets/ are generated by primer"),
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
