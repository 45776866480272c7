//! What `primer test` keeps between runs, under `.primer/` in the site.
//!
//! - `cache/<key>.json`: results of pages that passed, keyed by a hash of
//!   everything they depend on (see `provenance`), so unchanged pages are
//!   not run again; `cache/why-<page>.json`: the parts of that key at a
//!   page's last run, which `--explain` compares;
//! - `durations.json`: seconds per page, written by `--update-durations`
//!   and read to balance shards;
//! - `results.json`: the last result of every page, which `primer build`
//!   shows to readers (captured output, "verified on", failures).
//!
//! `.primer/` is committed, so whoever opens a pull request writes it:
//! everything read back is checked like content. A results file that is
//! not as primer writes it is an error naming the file and the entry; a
//! cache entry that is not is ignored.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::paths::SitePaths;
use crate::paths::{MAX_STATE_FILE, read_state};
use crate::results::{BlockResult, PageRecord, Tool, block_problem, load_results, tools_problem};

fn read_json<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> T {
    read_state(path, MAX_STATE_FILE).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
}

/// Writes JSON through a temporary file, so a reader never sees half of it.
fn write_json(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    crate::paths::write_state(path, &serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?)
}

/// Merges this run's pages into `results.json`: pages not run keep theirs.
/// Results that are not as primer writes them are replaced whole.
pub(crate) fn save_results(root: &Path, pages: BTreeMap<String, PageRecord>) -> std::io::Result<()> {
    let mut results = load_results(root).unwrap_or_default();
    results.pages.extend(pages);
    write_json(&SitePaths::new(root).results(), &results)
}

/// Seconds per page; entries that are not a finite, non-negative number
/// of seconds are ignored.
pub(crate) fn load_durations(root: &Path) -> BTreeMap<String, f64> {
    let mut durations: BTreeMap<String, f64> = read_json(&SitePaths::new(root).durations());
    durations.retain(|_, seconds| seconds.is_finite() && *seconds >= 0.0 && *seconds < 1e9);
    durations
}

pub(crate) fn save_durations(root: &Path, durations: BTreeMap<String, f64>) -> std::io::Result<()> {
    let mut all = load_durations(root);
    all.extend(durations);
    write_json(&SitePaths::new(root).durations(), &all)
}

/// What the cache keeps of a page that passed: its blocks' results and
/// what they ran with.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CacheEntry {
    pub(crate) blocks: Vec<BlockResult>,
    pub(crate) with: Vec<Tool>,
}

/// Whether the page with cache `key` passed unchanged before.
pub(crate) fn is_cached(root: &Path, key: &str) -> bool {
    cached(root, key).is_some()
}

/// The results of a page that passed with the same key before; a cache
/// entry that is not as primer writes it counts as none.
pub(crate) fn cached(root: &Path, key: &str) -> Option<CacheEntry> {
    let bytes = read_state(&SitePaths::new(root).test_cache(key), MAX_STATE_FILE).ok()?;
    let entry: CacheEntry = serde_json::from_slice(&bytes).ok()?;
    let sound = entry.blocks.iter().all(|block| block_problem(block).is_none()) && tools_problem(&entry.with).is_none();
    sound.then_some(entry)
}

pub(crate) fn store(root: &Path, key: &str, entry: &CacheEntry) -> std::io::Result<()> {
    write_json(&SitePaths::new(root).test_cache(key), entry)
}

/// The parts of a page's key at its last run, if kept.
pub(crate) fn read_parts(path: &Path) -> Option<super::provenance::Parts> {
    read_state(path, MAX_STATE_FILE).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok())
}

pub(crate) fn write_parts(path: &Path, parts: &super::provenance::Parts) -> std::io::Result<()> {
    write_json(path, parts)
}
