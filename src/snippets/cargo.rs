//! Rust snippets with crate dependencies, as doctests have them.
//!
//! With `[test.runners.rust] manifest = "Cargo.toml"`, every Rust block of
//! a run is a binary of one Cargo package kept in `.primer/rust/`. Its
//! dependencies are the manifest's `[dependencies]` and
//! `[dev-dependencies]`, plus the manifest's own package when it is a
//! library, so a snippet can `use` it as a doctest would. The package's
//! target folder stays between runs: dependencies compile once, before the
//! first page runs and outside any block's time limit, and again only
//! when the manifest changes. The manifest's `Cargo.lock` is copied in, so
//! snippets build with the versions the project pins.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Writes the package for the manifest at `manifest`, removes the
/// binaries of the last run, and builds the dependencies. `editions` are
/// the binaries whose blocks name an edition (`edition2018`…): each is
/// declared with it, as Cargo allows per target. Returns the package
/// folder, or why it cannot be built.
pub(crate) fn prepare(
    root: &Path,
    manifest: &Path,
    editions: &[(String, u16)],
    env: &[(OsString, OsString)],
) -> Result<PathBuf, String> {
    let dir = crate::paths::absolute(&crate::paths::SitePaths::new(root).rust_project());
    let text = package_manifest(manifest, editions)?;
    let bins = dir.join("src").join("bin");
    let _ = std::fs::remove_dir_all(&bins);
    std::fs::create_dir_all(&bins).map_err(|e| format!("cannot create {}: {e}", bins.display()))?;
    // A declared binary must exist for Cargo to read the package; its
    // block replaces this before it is built.
    for (bin, _) in editions {
        let file = bins.join(format!("{bin}.rs"));
        std::fs::write(&file, "fn main() {}\n").map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    // An empty library, written once: building it builds every dependency.
    let lib = dir.join("src").join("lib.rs");
    if !lib.is_file() {
        std::fs::write(&lib, "").map_err(|e| format!("cannot write {}: {e}", lib.display()))?;
    }
    let path = dir.join("Cargo.toml");
    // Rewritten only when it changes, so Cargo's fingerprints hold.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    // The manifest's lockfile pins the versions snippets build with, as
    // it pins the project's own; Cargo adds what the package adds.
    if let Some(lock) = super::provenance::manifest_lock(manifest) {
        let copy = dir.join("Cargo.lock");
        let bytes = std::fs::read(&lock).map_err(|e| format!("cannot read {}: {e}", lock.display()))?;
        if std::fs::read(&copy).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::write(&copy, bytes).map_err(|e| format!("cannot write {}: {e}", copy.display()))?;
        }
    }
    eprintln!("building the dependencies of Rust snippets in {}…", crate::diagnostic::display_path(root, &dir));
    let output = Command::new("cargo")
        .args(["build", "--quiet", "--lib", "--manifest-path"])
        .arg(&path)
        .current_dir(root)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if output.status.success() {
        Ok(dir)
    } else {
        let said = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = said.lines().rev().take(12).collect();
        Err(format!("its dependencies do not build:\n{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n")))
    }
}

/// The snippets' package: the manifest's dependencies, the manifest's
/// library itself, and the binaries with editions of their own.
fn package_manifest(manifest: &Path, editions: &[(String, u16)]) -> Result<String, String> {
    let text = std::fs::read_to_string(manifest).map_err(|e| format!("cannot read it: {e}"))?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| format!("it is not valid TOML: {}", e.message()))?;
    let base = manifest.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    let base = std::path::absolute(&base).unwrap_or(base);
    let mut dependencies = toml::Table::new();
    for key in ["dependencies", "dev-dependencies"] {
        if let Some(toml::Value::Table(found)) = table.get(key) {
            for (name, spec) in found {
                dependencies.insert(name.clone(), absolute_paths(spec.clone(), &base));
            }
        }
    }
    let package = table.get("package").and_then(toml::Value::as_table);
    let name = package.and_then(|p| p.get("name")).and_then(toml::Value::as_str);
    let is_library = table.contains_key("lib") || base.join("src").join("lib.rs").is_file();
    if let (Some(name), true) = (name, is_library) {
        let mut own = toml::Table::new();
        own.insert("path".to_owned(), toml::Value::String(base.to_string_lossy().into_owned()));
        dependencies.insert(name.to_owned(), toml::Value::Table(own));
    }
    let edition = package.and_then(|p| p.get("edition")).cloned().unwrap_or_else(|| "2021".into());
    let mut ours = toml::Table::new();
    ours.insert("name".to_owned(), "primer-snippets".into());
    ours.insert("version".to_owned(), "0.0.0".into());
    ours.insert("edition".to_owned(), edition);
    ours.insert("publish".to_owned(), false.into());
    let mut document = toml::Table::new();
    document.insert("package".to_owned(), toml::Value::Table(ours));
    document.insert("dependencies".to_owned(), toml::Value::Table(dependencies));
    document.insert("workspace".to_owned(), toml::Value::Table(toml::Table::new()));
    let bins: Vec<toml::Value> = editions
        .iter()
        .map(|(bin, edition)| {
            let mut target = toml::Table::new();
            target.insert("name".to_owned(), bin.as_str().into());
            target.insert("path".to_owned(), format!("src/bin/{bin}.rs").into());
            target.insert("edition".to_owned(), edition.to_string().into());
            toml::Value::Table(target)
        })
        .collect();
    if !bins.is_empty() {
        document.insert("bin".to_owned(), toml::Value::Array(bins));
    }
    let text = toml::to_string(&document).map_err(|e| format!("cannot copy its dependencies: {e}"))?;
    Ok(format!(
        "# Written by primer test from {}: the site's Rust snippets, one binary each.\n{text}",
        manifest.display()
    ))
}

/// A dependency spec with a relative `path` made absolute against `base`.
fn absolute_paths(spec: toml::Value, base: &Path) -> toml::Value {
    match spec {
        toml::Value::Table(mut table) => {
            if let Some(toml::Value::String(path)) = table.get("path") {
                let joined = base.join(path).to_string_lossy().into_owned();
                table.insert("path".to_owned(), toml::Value::String(joined));
            }
            toml::Value::Table(table)
        }
        other => other,
    }
}

/// The binary name of program `n` of the page at `rel`.
pub(crate) fn bin_name(rel: &str, n: usize) -> String {
    let hash = blake3::hash(rel.as_bytes()).to_hex();
    format!("p{}_{n}", &hash[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_takes_the_dependencies_and_the_library() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("src")).expect("src");
        std::fs::write(dir.path().join("src/lib.rs"), "").expect("lib.rs");
        let manifest = dir.path().join("Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"widgets\"\nedition = \"2024\"\n\n[dependencies]\nitoa = \"1\"\nlocal = { path = \"../local\" }\n\n[dev-dependencies]\nfastrand = \"2\"\n",
        )
        .expect("manifest");
        let text = package_manifest(&manifest, &[("p1_0".to_owned(), 2015)]).expect("valid");
        assert!(text.contains("[[bin]]\nedition = \"2015\"\nname = \"p1_0\"\npath = \"src/bin/p1_0.rs\""), "{text}");
        assert!(text.contains("edition = \"2024\""), "{text}");
        assert!(text.contains("itoa = \"1\"") && text.contains("fastrand = \"2\""), "{text}");
        assert!(text.contains(&format!("path = \"{}\"", dir.path().join("../local").display())), "{text}");
        assert!(text.contains(&format!("[dependencies.widgets]\npath = \"{}\"", dir.path().display())), "{text}");
    }
}
