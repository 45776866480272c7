//! The build pipeline, stage after stage.
//!
//! load config → discover content → parse front matter (and fill in dates
//! from git history) → render Markdown →
//! build listings, tags and the search index → apply templates → write output. Problems that
//! do not stop a stage are collected; the build writes nothing unless there
//! are none.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{self, Config, Overrides};
use crate::diagnostic::Diagnostic;
use crate::listing::Site;
use crate::markdown::code::Highlighter;
use crate::markdown::links::LinkTargets;
use crate::model::Asset;
use crate::{discover, frontmatter, history, listing, markdown, output, render, search};

/// What a successful build did, for its summary line.
#[derive(Debug)]
pub struct BuildSummary {
    /// Pages of every kind written.
    pub pages: usize,
    /// Tutorials among them.
    pub tutorials: usize,
    /// Recipes among them.
    pub recipes: usize,
    /// Distinct tags.
    pub tags: usize,
    /// Where the site was written.
    pub output_dir: PathBuf,
    /// Wall time of the whole build.
    pub elapsed: Duration,
}

/// Builds the site at `root` and writes it to its output folder. On
/// failure, returns every problem found, ordered by file and line.
pub fn build(root: &Path, overrides: &Overrides) -> Result<BuildSummary, Vec<Diagnostic>> {
    run(root, overrides).map_err(|mut problems| {
        problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        problems
    })
}

/// A site read and rendered to Markdown, before templates: what `build`,
/// `search` and `check` share.
#[derive(Debug)]
pub(crate) struct LoadedSite {
    pub(crate) config: Config,
    pub(crate) site: Site,
    pub(crate) assets: Vec<Asset>,
}

/// Runs the stages up to listings and tags, collecting every problem.
pub(crate) fn load(root: &Path, overrides: &Overrides) -> Result<LoadedSite, Vec<Diagnostic>> {
    let config = config::load(root, overrides)?;
    let (inventory, mut problems) = discover::run(&config);
    let (pages, mut page_problems) = frontmatter::run(&config, inventory.docs);
    problems.append(&mut page_problems);
    let pages = history::run(&config, pages);
    let mut targets = LinkTargets::new(&pages, &inventory.assets);
    // Pages that failed to load still exist: links to them are not broken.
    for rel in inventory.markdown_paths {
        let url = frontmatter::url_of(&rel);
        targets.pages.entry(rel).or_insert(url);
    }
    let highlighter = Highlighter::new();
    let results = crate::snippets::store::load_results(root);
    let context = markdown::Context { highlighter: &highlighter, targets: &targets, results: &results };
    let (pages, mut render_problems) = markdown::run(&context, pages);
    problems.append(&mut render_problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let site = listing::run(&config, pages)?;
    Ok(LoadedSite { config, site, assets: inventory.assets })
}

fn run(root: &Path, overrides: &Overrides) -> Result<BuildSummary, Vec<Diagnostic>> {
    let started = Instant::now();
    let LoadedSite { config, site, assets } = load(root, overrides)?;
    let theme = render::theme::load(&config)?;
    let search = search::build(&config, &site);
    let mut files = render::run(&config, &theme, &site, &search.info)?;
    files.extend(search.files);
    output::write(&config, &files, &assets)?;
    Ok(BuildSummary {
        pages: site.pages.len(),
        tutorials: site.tutorials.len(),
        recipes: site.recipes.len(),
        tags: site.tags.len(),
        output_dir: config.output_dir,
        elapsed: started.elapsed(),
    })
}
