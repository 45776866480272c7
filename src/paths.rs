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
