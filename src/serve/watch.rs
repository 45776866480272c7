//! Watches the site's sources and hands on batches of changed paths.
//!
//! notify reports file-system events; reads are dropped (a build reads
//! every file), and a short debounce folds the bursts editors make (write,
//! rename over, touch) into one batch. Watches
//! `content/`, the themes, `.primer/` (test results the pages show) and the
//! site folder itself, not recursively, for `book.toml` — watching the
//! folder rather than the file survives editors that save by renaming a
//! new file over the old one. Editor scratch files are ignored.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

/// Quiet time that ends a burst of events.
const DEBOUNCE: Duration = Duration::from_millis(20);

/// Watches until dropped.
pub(super) struct Watcher {
    _watcher: RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<Event>>,
    config: PathBuf,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Watcher {
    /// Starts watching `config` (book.toml) and the `folders` that exist.
    pub(super) fn start(config: &Path, folders: &[PathBuf]) -> notify::Result<Self> {
        let (sender, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender)?;
        if let Some(site) = config.parent() {
            watcher.watch(site, RecursiveMode::NonRecursive)?;
        }
        for folder in folders.iter().filter(|f| f.is_dir()) {
            watcher.watch(folder, RecursiveMode::Recursive)?;
        }
        Ok(Self { _watcher: watcher, events, config: config.to_owned() })
    }

    /// Waits for the next batch of changes that matter; `None` when the
    /// watcher stopped.
    pub(super) fn next_batch(&self) -> Option<Vec<PathBuf>> {
        let mut paths = Vec::new();
        // Block for the first change, then take more until a quiet spell.
        let first = self.events.recv().ok()?;
        self.collect(first, &mut paths);
        loop {
            match self.events.recv_timeout(DEBOUNCE) {
                Ok(event) => self.collect(event, &mut paths),
                Err(mpsc::RecvTimeoutError::Timeout) if !paths.is_empty() => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let event = self.events.recv().ok()?;
                    self.collect(event, &mut paths);
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return None,
            }
        }
        paths.sort();
        paths.dedup();
        Some(paths)
    }

    fn collect(&self, event: notify::Result<Event>, paths: &mut Vec<PathBuf>) {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        paths.extend(event.paths.into_iter().filter(|p| self.matters(p)));
    }

    /// Whether a change at `path` can change the site: in the site folder
    /// itself only book.toml does; editor scratch files never do.
    fn matters(&self, path: &Path) -> bool {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        // vim: `.x.swp`, `x~` and the `4913` it writes to test a folder;
        // Emacs: `.#x` and `#x#`.
        let scratch = name.starts_with(['.', '#'])
            || name.ends_with(['~', '#'])
            || name.ends_with(".swp")
            || name.ends_with(".tmp")
            || name == "4913"
            // `sed -i`: `sedAb12Cd`, renamed over the file it edits.
            || (name.len() == 9 && name.starts_with("sed") && name.chars().all(|c| c.is_ascii_alphanumeric()));
        let in_site_folder = path.parent() == self.config.parent();
        // Of `.primer/`, only the test results show in pages.
        let tool_state =
            path.components().any(|c| c.as_os_str() == crate::paths::STATE_DIR) && name != crate::paths::RESULTS_FILE;
        !scratch && !tool_state && (!in_site_folder || path == self.config)
    }
}
