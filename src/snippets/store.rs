//! What `primer test` keeps between runs, under `.primer/` in the site.
//!
//! - `cache/<key>.json`: results of pages that passed, keyed by a hash of
//!   their blocks and runners, so unchanged pages are not run again;
//! - `durations.json`: seconds per page, written by `--update-durations`
//!   and read to balance shards;
//! - `results.json`: the last result of every page, which `primer build`
//!   shows to readers (captured output, "last verified", failures).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::session::{BlockResult, Status};

/// The folder primer keeps its state in, inside the site root.
pub(crate) const STATE_DIR: &str = ".primer";

/// The last result of one page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PageRecord {
    /// `passed`, `failed` or `skipped`.
    pub(crate) status: String,
    /// Day of the run, `YYYY-MM-DD`.
    pub(crate) verified: String,
    pub(crate) blocks: Vec<BlockResult>,
}

impl PageRecord {
    pub(crate) fn new(blocks: Vec<BlockResult>, verified: String) -> Self {
        let failed = blocks.iter().any(|b| matches!(b.status, Status::Failed(_)));
        let ran = blocks.iter().any(|b| matches!(b.status, Status::Passed | Status::Checked));
        let status = if failed {
            "failed"
        } else if ran {
            "passed"
        } else {
            "skipped"
        };
        Self { status: status.to_owned(), verified, blocks }
    }
}

/// `results.json`: page content path → record.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Results {
    pub(crate) pages: BTreeMap<String, PageRecord>,
    /// Where the figures and tables of these results are kept: the site
    /// root's output store.
    #[serde(skip)]
    pub(crate) outputs: PathBuf,
}

fn state(root: &Path, name: &str) -> PathBuf {
    root.join(STATE_DIR).join(name)
}

fn read_json<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> T {
    std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
}

/// Writes JSON through a temporary file, so a reader never sees half of it.
fn write_json(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temporary, serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?)?;
    std::fs::rename(temporary, path)
}

pub(crate) fn load_results(root: &Path) -> Results {
    let results: Results = read_json(&state(root, "results.json"));
    Results { outputs: root.join(crate::paths::OUTPUT_STORE), ..results }
}

/// Merges this run's pages into `results.json`: pages not run keep theirs.
pub(crate) fn save_results(root: &Path, pages: BTreeMap<String, PageRecord>) -> std::io::Result<()> {
    let mut results = load_results(root);
    results.pages.extend(pages);
    write_json(&state(root, "results.json"), &results)
}

pub(crate) fn load_durations(root: &Path) -> BTreeMap<String, f64> {
    read_json(&state(root, "durations.json"))
}

pub(crate) fn save_durations(root: &Path, durations: BTreeMap<String, f64>) -> std::io::Result<()> {
    let mut all = load_durations(root);
    all.extend(durations);
    write_json(&state(root, "durations.json"), &all)
}

fn cache_path(root: &Path, key: &str) -> PathBuf {
    state(root, "cache").join(format!("{key}.json"))
}

/// The results of a page that passed with the same key before.
/// Whether the page with cache `key` passed unchanged before.
pub(crate) fn is_cached(root: &Path, key: &str) -> bool {
    cache_path(root, key).is_file()
}

pub(crate) fn cached(root: &Path, key: &str) -> Option<Vec<BlockResult>> {
    let bytes = std::fs::read(cache_path(root, key)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

pub(crate) fn store(root: &Path, key: &str, blocks: &[BlockResult]) -> std::io::Result<()> {
    write_json(&cache_path(root, key), &blocks)
}
