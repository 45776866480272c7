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

/// Where figures, images and tables of notebooks and `primer test` runs
/// are kept, by content hash, inside the site root.
pub(crate) const OUTPUT_STORE: &str = ".primer/cache/outputs";

/// Keeps `bytes` in the output store `store` as `output-<hash>.<kind>`,
/// unless the same bytes are there already; returns that name, which is
/// also the file's name beside its page.
pub(crate) fn keep_output(store: &Path, bytes: &[u8], kind: &str) -> std::io::Result<String> {
    let name = format!("output-{}.{kind}", &blake3::hash(bytes).to_hex()[..16]);
    let kept = store.join(&name);
    if !kept.is_file() {
        std::fs::create_dir_all(store)?;
        std::fs::write(&kept, bytes)?;
    }
    Ok(name)
}
