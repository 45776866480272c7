//! The build pipeline, stage after stage.
//!
//! load config → discover content → parse front matter → render Markdown →
//! build listings and tags → apply templates → write output. Problems that
//! do not stop a stage are collected; the build writes nothing unless there
//! are none.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{self, Overrides};
use crate::diagnostic::Diagnostic;
use crate::markdown::code::Highlighter;
use crate::markdown::links::LinkTargets;
use crate::{discover, frontmatter, listing, markdown, output, render};

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

/// Builds the site at `root` and writes it to its output folder.
pub fn build(root: &Path, overrides: &Overrides) -> Result<BuildSummary, Vec<Diagnostic>> {
    let started = Instant::now();
    let config = config::load(root, overrides)?;
    let inventory = discover::run(&config)?;
    let sources: Vec<String> = inventory.docs.iter().map(|d| d.rel.clone()).collect();
    let (pages, mut problems) = frontmatter::run(&config, inventory.docs);
    let mut targets = LinkTargets::new(&pages, &inventory.assets);
    // Pages whose front matter failed still exist: links to them are fine.
    for rel in sources {
        let url = frontmatter::url_of(&rel);
        targets.pages.entry(rel).or_insert(url);
    }
    let highlighter = Highlighter::new();
    let context = markdown::Context {
        highlighter: &highlighter,
        targets: &targets,
    };
    let (pages, mut render_problems) = markdown::run(&context, pages);
    problems.append(&mut render_problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let site = listing::run(&config, pages)?;
    let theme = render::theme::load(&config)?;
    let files = render::run(&config, &theme, &site)?;
    output::write(&config, &files, &inventory.assets)?;
    Ok(BuildSummary {
        pages: site.pages.len(),
        tutorials: site.tutorials.len(),
        recipes: site.recipes.len(),
        tags: site.tags.len(),
        output_dir: config.output_dir,
        elapsed: started.elapsed(),
    })
}
