//! The site as the dev server holds it: built in memory, rebuilt in part.
//!
//! A full build runs every stage, like `primer build`, but keeps the
//! output in memory with the stages' state. A change to one page's body
//! then re-runs the stages for that page alone: its front matter and
//! Markdown, the link checks of every page (cheap, and a removed heading
//! may break another page's link), the listing, and the templates of the
//! page — plus the listings, tag pages, feed and neighbours when its front
//! matter changed. Anything else (book.toml, the theme, a page added or
//! removed, a failed rebuild) rebuilds everything. Hands on a [`Snapshot`]
//! of the output and what changed in it.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::Tera;

use crate::build::{self, LoadedSite, Tools};
use crate::config::{self, Overrides};
use crate::diagnostic::Diagnostic;
use crate::model::Page;
use crate::output::OutputFile;
use crate::render::theme::Theme;
use crate::render::{self, Selection};
use crate::search::{self, SearchIndex};
use crate::{discover, frontmatter, listing, output};

/// The output of one build, by path inside the site.
#[derive(Debug, Default, Clone)]
pub(crate) struct Snapshot {
    pub(crate) files: HashMap<String, Arc<[u8]>>,
    /// Content files copied as they are, served from disk.
    pub(crate) assets: HashMap<String, PathBuf>,
}

/// What a rebuild changed, for the browsers that show the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// Nothing a reader sees.
    Nothing,
    /// Stylesheets only: swapped without a reload.
    Styles,
    /// Pages: reload.
    Pages,
}

/// The outcome of a successful rebuild, for the log line.
#[derive(Debug)]
pub(crate) struct Rebuilt {
    pub(crate) change: Change,
    /// Files rendered again, or every file for a full build.
    pub(crate) rendered: usize,
    pub(crate) full: bool,
    /// Problems that did not stop the rebuild.
    pub(crate) warnings: Vec<Diagnostic>,
}

/// The stages' state kept between rebuilds.
#[derive(Debug)]
struct State {
    tools: Tools,
    theme: Theme,
    tera: Tera,
    loaded: LoadedSite,
    /// The search index must be rebuilt from the current pages.
    search_stale: bool,
}

/// A search index to build from a copy of the site.
#[derive(Debug)]
pub(crate) struct SearchJob {
    generation: u64,
    config: crate::config::Config,
    site: listing::Site,
}

/// A search index built by a [`SearchJob`].
#[derive(Debug)]
pub(crate) struct BuiltSearch {
    generation: u64,
    index: SearchIndex,
}

impl SearchJob {
    pub(crate) fn run(self) -> BuiltSearch {
        let index = search::build(&self.config, &self.site);
        BuiltSearch { generation: self.generation, index }
    }
}

/// The dev server's site.
#[derive(Debug)]
pub(crate) struct Workspace {
    root: PathBuf,
    overrides: Overrides,
    /// `None` after a failed rebuild: the next one is full.
    state: Option<State>,
    snapshot: Snapshot,
    /// Counts successful rebuilds.
    generation: u64,
}

impl Workspace {
    pub(crate) fn new(root: &Path, overrides: Overrides) -> Self {
        Self { root: root.to_owned(), overrides, state: None, snapshot: Snapshot::default(), generation: 0 }
    }

    /// The output of the last good build.
    pub(crate) fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Folders a change in which may need a rebuild, and the config file.
    pub(crate) fn watched(&self) -> (PathBuf, Vec<PathBuf>) {
        let content =
            self.state.as_ref().map_or_else(|| self.root.join("content"), |s| s.loaded.config.content_dir.clone());
        (
            self.root.join(config::CONFIG_FILE),
            vec![content, self.root.join("themes"), crate::paths::SitePaths::new(&self.root).state().to_path_buf()],
        )
    }

    /// Rebuilds after `changed` paths changed; everything when `changed`
    /// is empty. On failure the last good output stays.
    pub(crate) fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Vec<Diagnostic>> {
        let pages = self.edited_pages(changed);
        let result = match (self.state.take(), pages) {
            (Some(state), Some(pages)) => self.update_pages(state, &pages),
            _ => self.full(),
        };
        let mut rebuilt = result?;
        self.generation += 1;
        if rebuilt.change == Change::Nothing && changed.iter().any(|p| self.snapshot.assets.values().any(|a| a == p)) {
            // Assets are served from disk: a changed image needs a reload.
            rebuilt.change = Change::Pages;
        }
        Ok(rebuilt)
    }

    /// The search index to rebuild, if pages changed since it was built:
    /// a copy of the site, indexed on another thread so that the next
    /// edit need not wait for it.
    pub(crate) fn search_job(&mut self) -> Option<SearchJob> {
        let state = self.state.as_mut().filter(|s| s.search_stale)?;
        state.search_stale = false;
        Some(SearchJob {
            generation: self.generation,
            config: state.loaded.config.clone(),
            site: state.loaded.site.clone(),
        })
    }

    /// Puts in a search index built by a [`SearchJob`]; returns whether it
    /// did. An index of pages that changed since is dropped: a newer job
    /// follows.
    pub(crate) fn install_search(&mut self, built: BuiltSearch) -> bool {
        if self.state.is_none() || built.generation != self.generation {
            return false;
        }
        let index = built.index;
        self.snapshot.files.retain(|path, _| !search::is_index_file(path));
        self.snapshot.files.extend(index.files.into_iter().map(|f| (f.path, Arc::from(f.bytes))));
        true
    }

    /// The content paths of edited pages the last build knows, when every
    /// changed path is one; otherwise `None`, which asks for a full build.
    fn edited_pages(&self, changed: &[PathBuf]) -> Option<Vec<String>> {
        let state = self.state.as_ref()?;
        let content = &state.loaded.config.content_dir;
        let mut pages = BTreeSet::new();
        for path in changed {
            let rel = path.strip_prefix(content).ok()?.to_str()?.replace('\\', "/");
            let known = state.loaded.markdown_paths.contains(&rel) || state.loaded.assets.iter().any(|a| a.rel == rel);
            match (known, path.exists()) {
                // An editor's temporary file, already renamed over a page.
                (false, false) => continue,
                (true, true) if rel.ends_with(".md") => pages.insert(rel),
                _ => return None,
            };
        }
        (!pages.is_empty()).then(|| pages.into_iter().collect())
    }

    fn full(&mut self) -> Result<Rebuilt, Vec<Diagnostic>> {
        let config = config::load(&self.root, &self.overrides)?;
        let tools = Tools::new(&config)?;
        let loaded = build::load_with(config, &tools)?;
        let theme = render::theme::load(&loaded.config)?;
        let tera = render::compile(&theme)?;
        let index = search_index(&loaded);
        let selection = Selection::everything(&loaded.site);
        let mut files = render::run_selected(&loaded.config, &theme, &tera, &loaded.site, &selection)?;
        files.extend(render::static_files(&theme));
        files.extend(index.files);
        output::check_paths(files.iter().map(|f| (f.path.as_str(), f.source.as_deref())), &[], &loaded.assets)?;
        let rendered = files.len();
        let snapshot = Snapshot {
            files: files.into_iter().map(|f| (f.path, Arc::from(f.bytes))).collect(),
            assets: loaded.assets.iter().map(|a| (a.rel.clone(), a.path.clone())).collect(),
        };
        let change = compare(&self.snapshot.files, &snapshot.files);
        self.snapshot = snapshot;
        self.state = Some(State { tools, theme, tera, loaded, search_stale: false });
        let warnings = self.state.as_ref().map(|state| state.loaded.warnings.clone()).unwrap_or_default();
        Ok(Rebuilt { change, rendered, full: true, warnings })
    }

    /// Re-runs the stages for edited pages that keep their path. Falls
    /// back to a full build when a page turned into a draft.
    fn update_pages(&mut self, mut state: State, rels: &[String]) -> Result<Rebuilt, Vec<Diagnostic>> {
        let config = &state.loaded.config;
        let mut fresh = Vec::new();
        let mut problems = Vec::new();
        for rel in rels {
            if state.loaded.books.iter().any(|book| book.chapters.iter().any(|c| &c.rel == rel)) {
                return self.full();
            }
            let path = config.content_dir.join(rel);
            let Ok(Some(format)) = discover::format_of(&state.loaded.books, rel, &path) else { return self.full() };
            match discover::read_doc(config, rel.clone(), format, &path) {
                Ok((doc, _)) => fresh.push(doc),
                Err(problem) => problems.push(problem),
            }
        }
        let (fresh, mut parse_problems) = frontmatter::run(config, fresh);
        problems.append(&mut parse_problems);
        problems.extend(crate::snippets::check(config, &|lang| state.tools.highlighter.knows(lang), &fresh));
        if crate::diagnostic::any_error(&problems) {
            return Err(problems);
        }
        if fresh.len() != rels.len() {
            return self.full();
        }
        let fresh = state.tools.history.apply(fresh);
        let old_site = &state.loaded.site;
        let old_neighbours: Vec<String> = rels
            .iter()
            .filter_map(|rel| old_site.pages.iter().position(|p| &p.source.rel == rel))
            .flat_map(|index| neighbour_urls(old_site, index))
            .collect();
        let mut pages = std::mem::take(&mut state.loaded.site.pages);
        let old: Vec<Page> = rels
            .iter()
            .filter_map(|rel| pages.iter().position(|p| &p.source.rel == rel).map(|i| pages.remove(i)))
            .collect();
        let (mut pages, render_problems) =
            build::render_markdown(&state.tools, fresh, pages, &state.loaded.assets, &state.loaded.markdown_paths);
        if crate::diagnostic::any_error(&render_problems) {
            return Err(render_problems);
        }
        problems.extend(render_problems);
        // Keep the order of a full build: by content path.
        pages.sort_by(|a, b| a.source.rel.cmp(&b.source.rel));
        let site = listing::run(config, pages, &state.loaded.books)?;
        let selection = affected(&site, &old, &old_neighbours);
        let files = render::run_selected(config, &state.theme, &state.tera, &site, &selection)?;
        let rendered = files.len();
        let change = self.apply(files);
        state.loaded.site = site;
        state.search_stale = true;
        self.state = Some(state);
        Ok(Rebuilt { change, rendered, full: false, warnings: problems })
    }

    /// Puts rendered files into the snapshot; returns what changed.
    fn apply(&mut self, files: Vec<OutputFile>) -> Change {
        let mut change = Change::Nothing;
        for file in files {
            let same = self.snapshot.files.get(&file.path).is_some_and(|old| **old == *file.bytes);
            if !same {
                change = change.max_with(&file.path);
                self.snapshot.files.insert(file.path, Arc::from(file.bytes));
            }
        }
        change
    }
}

impl Change {
    /// This change joined with a change to the file at `path`.
    fn max_with(self, path: &str) -> Self {
        if self == Self::Pages || !path.ends_with(".css") { Self::Pages } else { Self::Styles }
    }
}

/// What changed between two outputs.
fn compare(old: &HashMap<String, Arc<[u8]>>, new: &HashMap<String, Arc<[u8]>>) -> Change {
    let removed = old.keys().filter(|path| !new.contains_key(*path));
    let changed = new.iter().filter(|(path, bytes)| old.get(*path) != Some(bytes)).map(|(path, _)| path);
    removed.chain(changed).fold(Change::Nothing, |change, path| change.max_with(path))
}

/// The output files that show something of the edited pages: the pages
/// themselves, and when their front matter changed (which cards, tags and
/// prev/next links show), the listings, their tag pages and neighbours.
fn affected(site: &listing::Site, old: &[Page], old_neighbours: &[String]) -> Selection {
    let mut selection = Selection::default();
    let mut tags: BTreeSet<&str> = BTreeSet::new();
    let mut neighbours: BTreeSet<&str> = old_neighbours.iter().map(String::as_str).collect();
    let mut fresh_neighbours = Vec::new();
    for before in old {
        let Some(index) = site.pages.iter().position(|p| p.source.rel == before.source.rel) else { continue };
        let page = &site.pages[index];
        if page.kind.has_own_page() {
            selection.pages.push(index);
        }
        // The API pages list the pages that use each object.
        selection.apis |= before.rendered.apis != page.rendered.apis;
        let listed = before.meta != page.meta || before.kind != page.kind || !page.kind.has_own_page();
        if listed {
            selection.listings = true;
            tags.extend(before.meta.tags.iter().chain(&page.meta.tags).map(String::as_str));
            fresh_neighbours.extend(neighbour_urls(site, index));
        }
    }
    neighbours.extend(fresh_neighbours.iter().map(String::as_str));
    for (index, page) in site.pages.iter().enumerate() {
        if neighbours.contains(page.url.as_str()) && !selection.pages.contains(&index) {
            selection.pages.push(index);
        }
    }
    selection.tags =
        site.tags.iter().enumerate().filter(|(_, t)| tags.contains(t.name.as_str())).map(|(i, _)| i).collect();
    selection
}

/// URLs of the pages before and after page `index` in its listing, whose
/// prev/next links show its title.
fn neighbour_urls(site: &listing::Site, index: usize) -> Vec<String> {
    let (prev, next) = site.neighbours(index);
    prev.into_iter().chain(next).map(|i| site.pages[i].url.clone()).collect()
}

fn search_index(loaded: &LoadedSite) -> SearchIndex {
    search::build(&loaded.config, &loaded.site)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A copy of a fixture site in a temporary folder.
    fn fixture(name: &str) -> tempfile::TempDir {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        let dir = tempfile::tempdir().expect("temporary folder");
        for entry in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let to = dir.path().join(entry.path().strip_prefix(&from).expect("inside the fixture"));
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("folder");
            } else {
                std::fs::copy(entry.path(), &to).expect("copy");
            }
        }
        dir
    }

    fn full_build(root: &Path) -> Snapshot {
        let mut workspace = Workspace::new(root, Overrides::default());
        workspace.rebuild(&[]).expect("the fixture builds");
        workspace.snapshot.clone()
    }

    fn differences(a: &Snapshot, b: &Snapshot) -> Vec<String> {
        let mut paths: BTreeSet<&String> = a.files.keys().collect();
        paths.extend(b.files.keys());
        paths.into_iter().filter(|p| a.files.get(*p) != b.files.get(*p)).cloned().collect()
    }

    #[test]
    fn incremental_rebuilds_give_the_output_of_a_full_build() {
        let site = fixture("basic");
        let root = site.path();
        let mut workspace = Workspace::new(root, Overrides::default());
        workspace.rebuild(&[]).expect("the fixture builds");
        let page = root.join("content/recipes/augment.md");
        let original = std::fs::read_to_string(&page).expect("fixture page");
        let edits = [
            original.replace("Text.", "Other text, with a [link](load-images.md)."),
            original.replace("title: Augment images", "title: Augment pictures"),
            original.replace("tags: [vision]", "tags: [data]").replace("2024-04-01", "2031-01-01"),
        ];
        for edit in edits {
            std::fs::write(&page, &edit).expect("edit");
            let rebuilt = workspace.rebuild(std::slice::from_ref(&page)).expect("the edit builds");
            assert!(!rebuilt.full, "one page's edit rebuilds incrementally");
            if let Some(job) = workspace.search_job() {
                assert!(workspace.install_search(job.run()));
            }
            assert_eq!(differences(&workspace.snapshot, &full_build(root)), Vec::<String>::new(), "{edit}");
        }
    }
}
