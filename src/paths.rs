//! Path helpers that every stage may use.

use std::path::{Component, Path, PathBuf};

/// `path` made absolute against the current folder, with `.` and `..`
/// resolved without touching the file system (symbolic links are not
/// followed, so the result names the folder the user meant).
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` with every symbolic link resolved, as far as it exists; the
/// rest, not yet created, appended as it is.
pub(crate) fn resolved(path: &Path) -> PathBuf {
    let path = absolute(path);
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |acc, part| acc.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return path,
        }
    }
}

/// The folder primer keeps its state in, inside the site root.
pub(crate) const STATE_DIR: &str = ".primer";

/// Every path primer keeps its state at, under `.primer/` in a site root:
/// the one place that spells them out. `results.json` and
/// `durations.json` are meant to be committed; `cache/` is not.
#[derive(Debug, Clone)]
pub(crate) struct SitePaths {
    state: PathBuf,
}

impl SitePaths {
    pub(crate) fn new(root: &Path) -> Self {
        Self { state: root.join(STATE_DIR) }
    }

    /// `.primer/` itself.
    pub(crate) fn state(&self) -> &Path {
        &self.state
    }

    /// The last result of every page of `primer test`.
    pub(crate) fn results(&self) -> PathBuf {
        self.state.join(RESULTS_FILE)
    }

    /// Seconds per page, for balancing shards.
    pub(crate) fn durations(&self) -> PathBuf {
        self.state.join("durations.json")
    }

    /// `.primer/cache/`, which no one commits.
    pub(crate) fn cache(&self) -> PathBuf {
        self.state.join("cache")
    }

    /// The results of a page that passed, by the key of its blocks.
    pub(crate) fn test_cache(&self, key: &str) -> PathBuf {
        self.cache().join(format!("{key}.json"))
    }

    /// Figures, images and tables of notebooks and `primer test` runs,
    /// by content hash.
    pub(crate) fn output_store(&self) -> PathBuf {
        self.cache().join("outputs")
    }

    /// Highlighted blocks of the last build.
    pub(crate) fn highlight_cache(&self) -> PathBuf {
        self.cache().join("highlight.bin")
    }

    /// What the last search index was made from.
    pub(crate) fn search_cache(&self) -> PathBuf {
        self.cache().join("search.json")
    }

    /// The real programs behind version managers' shims.
    pub(crate) fn programs_cache(&self) -> PathBuf {
        self.cache().join("programs.json")
    }

    /// What the last build wrote into the output folder.
    pub(crate) fn output_manifest(&self) -> PathBuf {
        self.cache().join("output.json")
    }

    /// Inventories fetched from `url`, named by its hash.
    pub(crate) fn inventory_cache(&self, url: &str) -> PathBuf {
        self.inventories().join(format!("{}.inv", &blake3::hash(url.as_bytes()).to_hex()[..16]))
    }

    fn inventories(&self) -> PathBuf {
        self.cache().join("inventories")
    }

    /// The Cargo package Rust snippets with crates build in.
    pub(crate) fn rust_project(&self) -> PathBuf {
        self.state.join("rust")
    }

    /// Folders primer keeps state in, which may not be symbolic links.
    fn folders(&self) -> [PathBuf; 5] {
        [self.state.clone(), self.cache(), self.output_store(), self.rust_project(), self.inventories()]
    }
}

/// The last results of `primer test`, inside [`STATE_DIR`].
pub(crate) const RESULTS_FILE: &str = "results.json";

/// A glob of files that snippets read (`[test] inputs`, a page's
/// `inputs:`), as it is checked where it is written and matched against
/// site-relative paths: `*` stays within a folder, `**` crosses folders.
pub(crate) fn input_glob(glob: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(glob).literal_separator(true).build()
}

/// Keeps `bytes` in the output store `store` as `output-<hash>.<kind>`,
/// unless the same bytes are there already; returns that name, which is
/// also the file's name beside its page.
pub(crate) fn keep_output(store: &Path, bytes: &[u8], kind: &str) -> std::io::Result<String> {
    let name = format!("output-{}.{kind}", &blake3::hash(bytes).to_hex()[..16]);
    let kept = store.join(&name);
    // A file of that name that holds other bytes (the store can be
    // committed) is replaced.
    if read_output(store, &name).ok().as_deref() != Some(bytes) {
        write_state(&kept, bytes)?;
    }
    Ok(name)
}

/// The kinds of file the output store holds.
pub(crate) const OUTPUT_KINDS: [&str; 4] = ["png", "svg", "html", "md"];

/// Largest file read back from the output store: a figure or a table.
const MAX_STORED_OUTPUT: u64 = 32 * 1024 * 1024;

/// Whether `text` is a short content hash as primer writes them (output
/// names, code hashes): 16 lowercase hex digits.
pub(crate) fn is_content_hash(text: &str) -> bool {
    text.len() == 16 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `name` is one [`keep_output`] gives: `output-`, a content hash,
/// `.` and a kind of [`OUTPUT_KINDS`]. Names of this form never leave the
/// store, whoever wrote them.
pub(crate) fn is_output_name(name: &str) -> bool {
    let Some((stem, kind)) = name.split_once('.') else { return false };
    stem.strip_prefix("output-").is_some_and(is_content_hash) && OUTPUT_KINDS.contains(&kind)
}

/// Largest state file read back (results, caches, manifests).
pub(crate) const MAX_STATE_FILE: u64 = 256 * 1024 * 1024;

/// Reads a file primer keeps its state in: a regular file only (never
/// through a symbolic link, which could name `/dev/zero` or a secret:
/// `.primer/` may come from a pull request), of at most `max` bytes.
pub(crate) fn read_state(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let metadata = std::fs::symlink_metadata(path)?;
    if !metadata.file_type().is_file() {
        return Err(std::io::Error::other(format!("{} is not a regular file", path.display())));
    }
    if metadata.len() > max {
        return Err(std::io::Error::other(format!("{} is larger than {} MiB", path.display(), max >> 20)));
    }
    std::fs::read(path)
}

/// Reads the file `name` of the output store `store`. The name must be
/// one [`keep_output`] gives; see [`read_state`].
pub(crate) fn read_output(store: &Path, name: &str) -> std::io::Result<Vec<u8>> {
    if !is_output_name(name) {
        return Err(std::io::Error::other(format!("`{}` is not the name of a kept output", name.escape_debug())));
    }
    read_state(&store.join(name), MAX_STORED_OUTPUT)
}

/// The first of primer's state folders under `root` that is a symbolic
/// link or not a folder, if any, relative to `root`. A pull request can
/// commit any of them as a link, which would send primer's writes (or
/// reads) elsewhere, so none may be one.
pub(crate) fn linked_state_folder(root: &Path) -> Option<String> {
    SitePaths::new(root).folders().into_iter().find_map(|folder| {
        let linked = std::fs::symlink_metadata(&folder).is_ok_and(|metadata| !metadata.file_type().is_dir());
        linked.then(|| folder.strip_prefix(root).unwrap_or(&folder).to_string_lossy().into_owned())
    })
}

/// Writes a state file through a new temporary file renamed into place:
/// a reader never sees half of it, and a symbolic link planted at `path`
/// is replaced, never followed.
pub(crate) fn write_state(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let mut temporary = tempfile::Builder::new().prefix(".primer-state-").tempfile_in(parent)?;
    std::io::Write::write_all(&mut temporary, bytes)?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}
