//! Dates from git history, for pages whose front matter gives none.
//!
//! Runs between parsing front matter and rendering: one `git log` over
//! `content/` gives each file the day it was first committed (its `date`)
//! and the day it last changed (its `updated`). Front matter always wins;
//! outside a git checkout, or without git, pages keep what they have.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;

use crate::config::Config;
use crate::model::Page;

/// The first and last commit day of every file under `content/`, read
/// once and kept by the dev server for its rebuilds.
#[derive(Debug, Default)]
pub(crate) struct History {
    /// By path relative to the site root.
    dates: HashMap<String, (NaiveDate, NaiveDate)>,
}

impl History {
    /// Reads the history; empty outside a git checkout or without git.
    pub(crate) fn load(config: &Config) -> Self {
        Self { dates: file_dates(&config.root).unwrap_or_default() }
    }

    /// Fills in missing `date` and `updated`.
    pub(crate) fn apply(&self, mut pages: Vec<Page>) -> Vec<Page> {
        for page in &mut pages {
            let Some(&(created, changed)) = self.dates.get(&page.source.display) else { continue };
            let date = *page.meta.date.get_or_insert(created);
            if page.meta.updated.is_none() && changed > date {
                page.meta.updated = Some(changed);
            }
        }
        pages
    }
}

/// First and last commit day of every file under `content/`, by its path
/// relative to the site root.
fn file_dates(root: &Path) -> Option<HashMap<String, (NaiveDate, NaiveDate)>> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["log", "--relative", "--name-only", "--no-renames", "--format=%x00%as", "--", "content"])
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut dates: HashMap<String, (NaiveDate, NaiveDate)> = HashMap::new();
    // Newest commit first: the first day seen is the last change, the last
    // day seen the creation.
    for commit in text.split('\0').skip(1) {
        let mut lines = commit.lines();
        let Some(day) = lines.next().and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok()) else {
            continue;
        };
        for file in lines.map(str::trim).filter(|f| !f.is_empty()) {
            dates.entry(file.to_owned()).and_modify(|(created, _)| *created = day).or_insert((day, day));
        }
    }
    Some(dates)
}
