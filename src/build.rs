//! The build pipeline, stage after stage.
//!
//! load config → discover content → parse front matter (and fill in dates
//! from git history) → render Markdown → build listings and tags → apply
//! templates and build the search index, side by side → write output.
//! Neither of the last two needs the other, and each keeps a core busy
//! while the other runs on one (a cold build of 2,000 pages takes a tenth
//! less time than with one after the other, for a sixth more peak memory
//! at 10,000 pages: pages' HTML is dropped only after both). Rendered
//! files go to the output stage's [`Stager`] as they are made, so the site
//! is never held in memory whole. Problems that do not stop a stage are
//! collected; the build puts nothing in place unless there are none.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{self, Config, Overrides};
use crate::diagnostic::Diagnostic;
pub use crate::discover::NotPage;
use crate::history::History;
use crate::listing::Site;
use crate::markdown::highlight::Highlighter;
use crate::markdown::links::LinkTargets;
use crate::model::{Asset, Page};
use crate::output::{StagedFile, Stager};
use crate::results::Results;
use crate::safety::{RawHtml, Sanitizer};
use crate::{discover, frontmatter, listing, markdown, output, render, search};

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
    /// Wall time of each stage, in order.
    pub stages: Vec<(&'static str, Duration)>,
    /// Files written because they changed, and files of the last build
    /// deleted.
    pub written: usize,
    pub deleted: usize,
    /// Files in the output folder that primer did not write, left alone.
    pub foreign: usize,
    /// Problems that did not stop the build, ordered by file and line.
    pub warnings: Vec<Diagnostic>,
    /// Files that look like pages but were copied as files, and why.
    pub not_pages: Vec<NotPage>,
}

/// Records the wall time of stages.
#[derive(Debug, Default)]
struct Stages(Vec<(&'static str, Duration)>);

impl Stages {
    fn time<T>(&mut self, name: &'static str, stage: impl FnOnce() -> T) -> T {
        let (value, took) = timed(stage);
        self.0.push((name, took));
        value
    }
}

/// Builds the site at `root` and writes it to its output folder. On
/// failure, returns every problem found, ordered by file and line.
pub fn build(root: &Path, overrides: &Overrides) -> Result<BuildSummary, Vec<Diagnostic>> {
    run(root, overrides).map_err(|mut problems| {
        sort(&mut problems);
        problems
    })
}

/// A site read and rendered to Markdown, before templates: what `build`,
/// `search`, `check` and `serve` share.
#[derive(Debug)]
pub(crate) struct LoadedSite {
    pub(crate) config: Config,
    pub(crate) site: Site,
    /// The books' tables of contents, which a rebuild places pages in.
    pub(crate) books: Vec<crate::books::Book>,
    pub(crate) assets: Vec<Asset>,
    /// Content paths of every Markdown file, readable or not.
    pub(crate) markdown_paths: Vec<String>,
    /// Problems that do not stop the build.
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) not_pages: Vec<NotPage>,
}

/// What the stages read once and reuse: the highlighter, git dates and the
/// last `primer test` results. The dev server keeps them between rebuilds.
#[derive(Debug)]
pub(crate) struct Tools {
    pub(crate) highlighter: Highlighter,
    pub(crate) history: History,
    pub(crate) results: Results,
    pub(crate) raw_html: RawHtml,
    pub(crate) sanitizer: Sanitizer,
    pub(crate) broken_links: crate::diagnostic::Severity,
    /// The API objects of the site's inventories.
    pub(crate) api: crate::inventory::ApiIndex,
    /// Links that report a failing example, when the site takes feedback.
    pub(crate) example_reports: Option<crate::config::ExampleReports>,
    /// What reading them noticed that need not stop a build.
    pub(crate) warnings: Vec<Diagnostic>,
}

impl Tools {
    /// Reads what the stages reuse; last test results that are not as
    /// `primer test` writes them are an error.
    pub(crate) fn new(config: &Config) -> Result<Self, Vec<Diagnostic>> {
        let (api, warnings) = crate::inventory::load(config)?;
        Ok(Self {
            highlighter: Highlighter::with_cache(&config.root),
            history: History::load(config),
            results: crate::results::load_results(&config.root).map_err(|problem| vec![problem])?,
            raw_html: config.raw_html,
            sanitizer: Sanitizer::new(&config.iframe_hosts),
            broken_links: config.broken_links,
            example_reports: config.publishing.example_reports(&config.base_url),
            api,
            warnings,
        })
    }
}

/// Runs the stages up to listings and tags, collecting every problem.
pub(crate) fn load(root: &Path, overrides: &Overrides) -> Result<LoadedSite, Vec<Diagnostic>> {
    load_from(config::load(root, overrides)?)
}

/// [`load`] with a config already read. The tools (inventories, git
/// dates, the last test results) are read while the pages are discovered
/// and their front matter parsed, which needs none of them.
fn load_from(config: Config) -> Result<LoadedSite, Vec<Diagnostic>> {
    let (tools, read) = rayon::join(|| Tools::new(&config), || read_pages(&config));
    let tools = tools?;
    let loaded = finish_load(config, &tools, read)?;
    tools.highlighter.save_cache(&loaded.config.root);
    Ok(loaded)
}

/// [`load`] with a config already read and tools already made.
pub(crate) fn load_with(config: Config, tools: &Tools) -> Result<LoadedSite, Vec<Diagnostic>> {
    let read = read_pages(&config);
    finish_load(config, tools, read)
}

/// The pages of a site with their front matter, before any tool is used.
struct ReadPages {
    inventory: discover::Inventory,
    discovered: Vec<Diagnostic>,
    relocator: crate::diagnostic::origins::Relocator,
    pages: Vec<Page>,
    problems: Vec<Diagnostic>,
}

fn read_pages(config: &Config) -> ReadPages {
    let (mut inventory, discovered) = discover::run(config);
    // Notebook, script and RST pages are read as Markdown: problems later
    // stages find are moved back to the cell and line the author wrote.
    let relocator = crate::model::relocator(&inventory.docs);
    let (pages, problems) = frontmatter::run(config, std::mem::take(&mut inventory.docs));
    ReadPages { inventory, discovered, relocator, pages, problems }
}

/// Renders the pages read and builds the listings.
fn finish_load(config: Config, tools: &Tools, read: ReadPages) -> Result<LoadedSite, Vec<Diagnostic>> {
    let ReadPages { inventory, discovered, relocator, pages, mut problems } = read;
    let pages = tools.history.apply(pages);
    problems.extend(crate::snippets::check(&config, &|lang| tools.highlighter.knows(lang), &pages));
    let (pages, mut render_problems) =
        render_markdown(tools, pages, Vec::new(), &inventory.assets, &inventory.markdown_paths);
    problems.append(&mut render_problems);
    let mut problems = relocator.apply(problems);
    problems.extend(discovered);
    problems.extend(tools.warnings.iter().cloned());
    sort(&mut problems);
    if crate::diagnostic::any_error(&problems) {
        return Err(problems);
    }
    let site = listing::run(&config, pages, &inventory.books)?;
    Ok(LoadedSite {
        config,
        site,
        books: inventory.books,
        assets: inventory.assets,
        markdown_paths: inventory.markdown_paths,
        warnings: problems,
        not_pages: inventory.not_pages,
    })
}

/// Renders the Markdown of `pages` and checks the links of every page,
/// `rendered` being pages rendered before that stay as they are. Returns
/// `rendered` followed by the newly rendered `pages`.
pub(crate) fn render_markdown(
    tools: &Tools,
    pages: Vec<Page>,
    rendered: Vec<Page>,
    assets: &[Asset],
    markdown_paths: &[String],
) -> (Vec<Page>, Vec<Diagnostic>) {
    let mut all = rendered;
    let first_new = all.len();
    all.extend(pages);
    let mut targets = LinkTargets::new(&all, assets);
    // Pages that failed to load still exist: links to them are not broken.
    for rel in markdown_paths {
        targets.pages.entry(rel.clone()).or_insert_with(|| frontmatter::url_of(rel));
    }
    let context = markdown::Context {
        highlighter: &tools.highlighter,
        targets: &targets,
        results: &tools.results,
        raw_html: tools.raw_html,
        sanitizer: &tools.sanitizer,
        broken_links: tools.broken_links,
        api: &tools.api,
        example_reports: tools.example_reports.as_ref(),
    };
    let fresh = all.split_off(first_new);
    let (fresh, mut problems) = markdown::render_pages(&context, fresh);
    all.extend(fresh);
    problems.extend(markdown::check_links(&context, &mut all));
    (all, problems)
}

/// What `primer check` found in a site with no problems.
#[derive(Debug)]
pub(crate) struct CheckSummary {
    pub(crate) pages: usize,
    pub(crate) files: usize,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) not_pages: Vec<NotPage>,
}

/// Everything a build validates — config, front matter, tags, links,
/// anchors, snippets, templates, output paths — with the output rendered
/// and dropped. The same [`prepare`] as a build.
pub(crate) fn check(root: &Path, overrides: &Overrides) -> Result<CheckSummary, Vec<Diagnostic>> {
    let prepared = config::load(root, overrides)
        .and_then(|config| {
            let stager = Stager::dry(&config);
            prepare(config, &stager, &mut Stages::default())
        })
        .map_err(|mut problems| {
            sort(&mut problems);
            problems
        })?;
    Ok(CheckSummary {
        pages: prepared.site.pages.len(),
        files: prepared.files.len() + prepared.assets.len(),
        warnings: prepared.warnings,
        not_pages: prepared.not_pages,
    })
}

/// The output paths a build of the site at `root` would write, for the
/// fuzz targets and property tests.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn output_paths(root: &Path) -> Result<Vec<String>, Vec<Diagnostic>> {
    let config = config::load(root, &Overrides::default())?;
    let stager = Stager::dry(&config);
    let prepared = prepare(config, &stager, &mut Stages::default())?;
    let files = prepared.files.into_iter().map(|f| f.path);
    Ok(files.chain(prepared.assets.into_iter().map(|a| a.rel)).collect())
}

/// A site rendered, staged and validated, ready to commit.
struct Prepared {
    config: Config,
    site: Site,
    assets: Vec<Asset>,
    files: Vec<StagedFile>,
    /// Files of the last build kept as they are.
    kept: Vec<String>,
    warnings: Vec<Diagnostic>,
    not_pages: Vec<NotPage>,
}

/// Every stage but the final writing: what `build` commits and `check`
/// drops. Rendered files go to `stager` as they are made.
fn prepare(config: Config, stager: &Stager, stages: &mut Stages) -> Result<Prepared, Vec<Diagnostic>> {
    let LoadedSite { config, mut site, assets, warnings, not_pages, .. } =
        stages.time("read, parse and render Markdown", || load_from(config))?;
    let theme = render::theme::load(&config)?;
    // Templates and the search index need only the pages, not each other,
    // so each fills the time the other leaves a core idle (the index's
    // tables are merged and weighed on one thread).
    let ((files, templates), (search, index)) = rayon::join(
        || timed(|| render::run(&config, &theme, &site, |file| stager.stage(file))),
        || timed(|| search::build_or_keep(&config, &site, |paths| stager.holds(paths))),
    );
    stages.0.push(("templates (beside the search index)", templates));
    stages.0.push(("search index (beside the templates)", index));
    let mut files = files?;
    // Nothing after this reads pages' HTML or sources.
    site.release_rendered_html();
    files.extend(search.files.into_iter().map(|file| stager.stage(file)));
    output::check_paths(files.iter().map(|f| (f.path.as_str(), f.source.as_deref())), &search.kept, &assets)?;
    Ok(Prepared { config, site, assets, files, kept: search.kept, warnings, not_pages })
}

/// What `stage` returns, and how long it took.
fn timed<T>(stage: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    (stage(), started.elapsed())
}

fn sort(problems: &mut [Diagnostic]) {
    problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
}

fn run(root: &Path, overrides: &Overrides) -> Result<BuildSummary, Vec<Diagnostic>> {
    let started = Instant::now();
    let mut stages = Stages::default();
    let config = config::load(root, overrides)?;
    let mut stager = Stager::new(&config);
    let Prepared { config, site, assets, files, kept, warnings, not_pages } = prepare(config, &stager, &mut stages)?;
    let wrote = stages.time("write output", || stager.commit(&config, files, &kept, &assets))?;
    Ok(BuildSummary {
        written: wrote.written,
        deleted: wrote.deleted,
        foreign: wrote.foreign,
        stages: stages.0,
        pages: site.pages.len(),
        tutorials: site.tutorials.len(),
        recipes: site.recipes.len(),
        tags: site.tags.len(),
        output_dir: config.output_dir,
        elapsed: started.elapsed(),
        warnings,
        not_pages,
    })
}
