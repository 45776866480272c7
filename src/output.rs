//! Stage 7: write the output.
//!
//! The output folder is updated in place, in two steps, so a build that
//! fails changes nothing and one stopped at any moment leaves each file
//! old or new, never cut short:
//!
//! 1. While the site renders, a [`Stager`] takes each file as it is made:
//!    unchanged since the last build (a manifest under `.primer/` records
//!    what was written), it is dropped; otherwise it is written to a
//!    temporary file beside its place. Only what is in flight is held in
//!    memory. A stager dropped before it commits removes what it staged.
//! 2. Once every stage has succeeded and [`check_paths`] has made sure that
//!    every file and asset has an output path of its own, made of plain
//!    relative segments, [`Stager::commit`] renames the temporary files
//!    into place, copies changed assets and deletes the files primer made
//!    before and no longer makes. Files primer never wrote are left alone.
//!
//! Every path is joined through [`confined`], and no write or delete goes
//! through a symbolic link inside the output folder: nothing is ever
//! written outside it. Names are checked before anything is written (no
//! control characters, no segment too long for the file system with the
//! temporary name beside it). Commit keeps a journal: each file it
//! replaces or deletes is first set aside, so when a write fails half way
//! the previous output is put back as it was, and the error names the file.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::model::Asset;
use crate::paths::absolute;

/// A file to write, by its path inside the output folder.
#[derive(Debug)]
pub(crate) struct OutputFile {
    pub(crate) path: String,
    pub(crate) bytes: Vec<u8>,
    /// The content file it comes from, as shown in messages; `None` for
    /// what primer generates (listings, feeds, theme files, search).
    pub(crate) source: Option<String>,
}

impl OutputFile {
    /// A file primer generates, from no content file of its own.
    pub(crate) fn generated(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self { path: path.into(), bytes: bytes.into(), source: None }
    }
}

/// Checks that every output path is relative, free of empty, `.` and `..`
/// segments, and written by one source only. `files` are the output path
/// and content file of each rendered file; `kept` are files of the last
/// build kept as they are.
pub(crate) fn check_paths<'a>(
    files: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    kept: &[String],
    assets: &[Asset],
) -> Result<(), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut owners: HashMap<&str, String> = HashMap::with_capacity(kept.len() + assets.len());
    let sources = files
        .map(|(path, source)| (path, source.map(str::to_owned)))
        .chain(kept.iter().map(|path| (path.as_str(), None)))
        .chain(assets.iter().map(|asset| (asset.rel.as_str(), Some(format!("content/{}", asset.rel)))));
    for (path, source) in sources {
        let owner = source.unwrap_or_else(|| format!("primer's generated /{path}"));
        if let Err(why) = relative_segments(path) {
            problems.push(Diagnostic::file(&owner, format!("output path `{path}` {why}")));
        } else if let Some(first) = owners.get(path) {
            problems.push(collision(first, &owner, path));
        } else {
            owners.insert(path, owner);
        }
    }
    // A file where another output needs a folder cannot be written either.
    let folders: HashSet<&str> =
        owners.keys().flat_map(|path| path.match_indices('/').map(|(i, _)| &path[..i])).collect();
    let mut clashes: Vec<&str> = owners.keys().copied().filter(|path| folders.contains(path)).collect();
    clashes.sort_unstable();
    for path in clashes {
        let inside = owners.iter().filter(|(other, _)| other.starts_with(&format!("{path}/"))).min_by_key(|(o, _)| *o);
        if let Some((_, other_owner)) = inside {
            problems.push(collision(&owners[path], other_owner, path));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

fn collision(first: &str, second: &str, path: &str) -> Diagnostic {
    let (first, second) = if second.starts_with("primer's") { (second, first) } else { (first, second) };
    Diagnostic::file(second, format!("{second} and {first} would both be written to /{path}"))
        .with_hint("rename or move one of them: every page, asset and generated file needs an output path of its own")
}

/// Longest name of one file or folder in the output, in bytes: file
/// systems allow 255, and the temporary name beside it adds up to 40.
const MAX_SEGMENT_BYTES: usize = 200;
/// Longest output path, in bytes, well within what systems allow.
const MAX_PATH_BYTES: usize = 2048;

/// Why `path` is not a plain relative path inside the output folder, or
/// not a name every file system takes.
fn relative_segments(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.len() > MAX_PATH_BYTES {
        return Err("is longer than 2048 bytes");
    }
    for segment in path.split('/') {
        match segment {
            "" => return Err("has an empty segment (or starts with `/`)"),
            "." | ".." => return Err("has a `.` or `..` segment"),
            _ if segment.contains(['\\', '\0']) => return Err("has a backslash or NUL byte"),
            _ if segment.chars().any(char::is_control) => return Err("has a control character"),
            _ if segment.len() > MAX_SEGMENT_BYTES => return Err("has a name longer than 200 bytes"),
            _ => {}
        }
    }
    Ok(())
}

/// Refuses `place` when a folder between the output folder and it is a
/// symbolic link: writing or deleting there would reach outside. Folders
/// found plain are remembered in `plain`.
fn refuse_links(out: &Path, place: &Path, plain: &Mutex<HashSet<PathBuf>>) -> std::io::Result<()> {
    let mut folder = place.parent();
    while let Some(dir) = folder.filter(|dir| dir.starts_with(out) && *dir != out) {
        if plain.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains(dir) {
            return Ok(());
        }
        match std::fs::symlink_metadata(dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(std::io::Error::other(format!(
                    "{} is a symbolic link: primer never writes through one in the output folder",
                    dir.display()
                )));
            }
            Ok(_) => {
                plain.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(dir.to_path_buf());
            }
            Err(_) => {}
        }
        folder = dir.parent();
    }
    Ok(())
}

/// `dir` joined with the output path `rel`, refusing anything that could
/// land outside `dir`. Every write of this stage goes through here.
fn confined(dir: &Path, rel: &str) -> std::io::Result<PathBuf> {
    relative_segments(rel).map_err(|why| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("refusing output path `{rel}`: it {why}"))
    })?;
    Ok(dir.join(rel))
}

/// What primer wrote into the output folder: every file's path with the
/// hash of what was written (for an asset, its source's size and time)
/// and the written file's size and modification time, which tell whether
/// it is still as primer left it without reading it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    output: PathBuf,
    files: BTreeMap<String, Written>,
}

impl Manifest {
    /// The manifest of the last build into `out`, if it wrote there.
    fn load(config: &Config, out: &Path) -> Option<Self> {
        let bytes = crate::paths::read_state(
            &crate::paths::SitePaths::new(&config.root).output_manifest(),
            crate::paths::MAX_STATE_FILE,
        )
        .ok()?;
        serde_json::from_slice::<Self>(&bytes).ok().filter(|m| m.output == out)
    }

    /// The entry of `rel` if the last build wrote `content` there and the
    /// file at `path` is still as it left it.
    fn unchanged(&self, rel: &str, path: &Path, content: &str) -> Option<&Written> {
        self.files.get(rel).filter(|before| before.content == content && on_disk_as(path, before))
    }
}

/// Whether the file at `path` has the size and time primer left it with.
fn on_disk_as(path: &Path, entry: &Written) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.len() == entry.len && modified(&meta) == entry.modified)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Written {
    content: String,
    len: u64,
    modified: u128,
}

/// What a build wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WriteSummary {
    /// Files written because they are new or changed.
    pub(crate) written: usize,
    /// Files primer wrote before and no longer makes, deleted.
    pub(crate) deleted: usize,
    /// Files in the output folder that primer never wrote, left alone.
    pub(crate) foreign: usize,
}

/// Takes the files of a build as they are rendered and puts them in the
/// output folder once the build has succeeded; see the module docs.
#[derive(Debug)]
pub(crate) struct Stager {
    out: PathBuf,
    manifest_path: PathBuf,
    previous: Manifest,
    /// `None` when nothing is to be written (`primer check`).
    staging: Option<Staging>,
    /// Folders inside the output found not to be symbolic links.
    plain: Mutex<HashSet<PathBuf>>,
}

/// What a stager put in the output folder before committing, to remove
/// if it never commits.
#[derive(Debug, Default)]
struct Staging {
    /// Numbers temporary files, so two sources of one path (an error
    /// reported later) never share one.
    next: AtomicUsize,
    made: Mutex<Made>,
}

#[derive(Debug, Default)]
struct Made {
    temporaries: Vec<PathBuf>,
    /// The topmost folders that staging created.
    folders: Vec<PathBuf>,
    /// Renaming has begun: folders may hold placed files now.
    committing: bool,
}

/// A rendered file, staged.
#[derive(Debug)]
pub(crate) struct StagedFile {
    pub(crate) path: String,
    /// The content file it comes from, as shown in messages.
    pub(crate) source: Option<String>,
    state: State,
}

#[derive(Debug)]
enum State {
    /// The output holds it as the last build wrote it.
    Unchanged(Written),
    /// Written to this temporary file beside its place.
    Temporary(PathBuf, Written),
    /// Not written yet, with its hash: a file of the last build stands
    /// where its folder must go until stale files are deleted, or its
    /// path is refused (which [`check_paths`] reports).
    Held(Vec<u8>, String),
    /// Not to be written at all.
    Dropped,
}

impl Stager {
    /// A stager for a build into `config.output_dir`.
    pub(crate) fn new(config: &Config) -> Self {
        let mut stager = Self::dry(config);
        stager.staging = Some(Staging::default());
        stager
    }

    /// A stager that writes nothing: files are rendered, checked and
    /// dropped. It still knows what the last build wrote ([`Self::holds`]).
    pub(crate) fn dry(config: &Config) -> Self {
        let out = absolute(&config.output_dir);
        let previous = Manifest::load(config, &out).unwrap_or_default();
        Self {
            out,
            manifest_path: crate::paths::SitePaths::new(&config.root).output_manifest(),
            previous,
            staging: None,
            plain: Mutex::default(),
        }
    }

    /// Whether the output folder holds every file of `paths` as the last
    /// build wrote it, by the manifest's sizes and times.
    pub(crate) fn holds(&self, paths: &[String]) -> bool {
        paths.iter().all(|rel| {
            self.previous
                .files
                .get(rel)
                .is_some_and(|entry| confined(&self.out, rel).is_ok_and(|path| on_disk_as(&path, entry)))
        })
    }

    /// Stages one rendered file: drops it when the output already holds
    /// it, or writes it to a temporary file beside its place.
    pub(crate) fn stage(&self, file: OutputFile) -> StagedFile {
        let OutputFile { path, bytes, source } = file;
        let state = match &self.staging {
            None => State::Dropped,
            Some(staging) => {
                let content = blake3::hash(&bytes).to_hex().to_string();
                match confined(&self.out, &path) {
                    Ok(place) => match self.previous.unchanged(&path, &place, &content) {
                        Some(entry) => State::Unchanged(entry.clone()),
                        // Through a link it is not written now; commit
                        // refuses it, naming it.
                        None if refuse_links(&self.out, &place, &self.plain).is_err() => State::Held(bytes, content),
                        None => staging.write(&self.out, &place, bytes, content),
                    },
                    Err(_) => State::Held(bytes, content),
                }
            }
        };
        StagedFile { path, source, state }
    }

    /// Puts the staged files in place, copies changed assets and deletes
    /// what the last build made and this one does not; `kept` are files of
    /// the last build the output already holds as they should be (see
    /// [`Self::holds`]). Records what the output folder now holds. When a
    /// write fails, every change is undone and the error names the file.
    pub(crate) fn commit(
        &mut self,
        config: &Config,
        files: Vec<StagedFile>,
        kept: &[String],
        assets: &[Asset],
    ) -> Result<WriteSummary, Vec<Diagnostic>> {
        let out = self.out.clone();
        std::fs::create_dir_all(&out).map_err(|e| vec![write_problem(config, &out, &e)])?;
        if let Some(staging) = &self.staging {
            staging.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).committing = true;
        }
        let journal = Journal::default();
        let (manifest, summary) = match self.apply(&journal, files, kept, assets) {
            Ok(done) => done,
            Err(failures) => {
                journal.roll_back(&out);
                // Folders staging made hold nothing of the output now.
                if let Some(staging) = &self.staging {
                    staging.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).committing = false;
                }
                return Err(failures.into_iter().map(|(path, e)| write_problem(config, &path, &e)).collect());
            }
        };
        journal.drop_set_aside(&out);
        if let Some(staging) = &self.staging {
            staging.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).temporaries.clear();
        }
        let foreign = sweep(&out, &manifest);
        let recorded = serde_json::to_vec(&manifest)
            .map_err(std::io::Error::other)
            .and_then(|text| crate::paths::write_state(&self.manifest_path, &text));
        recorded.map_err(|e| vec![write_problem(config, &self.manifest_path, &e)])?;
        Ok(WriteSummary { foreign, ..summary })
    }

    /// Deletes stale files and puts new ones in place, through `journal`;
    /// the manifest of the result, or every file that failed.
    fn apply(
        &self,
        journal: &Journal,
        files: Vec<StagedFile>,
        kept: &[String],
        assets: &[Asset],
    ) -> Result<(Manifest, WriteSummary), Vec<Failure>> {
        let out = &self.out;
        let wanted: HashSet<String> = files
            .iter()
            .map(|f| f.path.clone())
            .chain(kept.iter().cloned())
            .chain(assets.iter().map(|a| a.rel.clone()))
            .collect();
        let mut manifest = Manifest { output: out.clone(), files: BTreeMap::new() };
        let mut failures = Vec::new();
        // Stale files go first: one may stand where a new folder must be.
        let mut deleted = 0;
        for (rel, entry) in &self.previous.files {
            if wanted.contains(rel) {
                manifest.files.insert(rel.clone(), entry.clone());
                continue;
            }
            // A manifest entry that is not a plain relative path was not
            // written by primer: nothing to delete.
            let Ok(path) = confined(out, rel) else { continue };
            match refuse_links(out, &path, &self.plain).and_then(|()| journal.set_aside(&path, Aside::Moved)) {
                Ok(was_there) => deleted += usize::from(was_there),
                Err(error) => failures.push((path, error)),
            }
        }
        let placed: Vec<Result<Placed, Failure>> = files
            .into_par_iter()
            .map(|file| self.place(journal, file))
            .chain(assets.par_iter().map(|asset| self.copy_asset(journal, asset)))
            .collect();
        let mut written = 0;
        for result in placed {
            match result {
                Ok((rel, entry, fresh)) => {
                    written += usize::from(fresh);
                    manifest.files.insert(rel, entry);
                }
                Err(failure) => failures.push(failure),
            }
        }
        if failures.is_empty() { Ok((manifest, WriteSummary { written, deleted, foreign: 0 })) } else { Err(failures) }
    }

    /// Puts a staged file in its place; returns its manifest entry and
    /// whether it was written.
    fn place(&self, journal: &Journal, file: StagedFile) -> Result<Placed, Failure> {
        let path = confined(&self.out, &file.path).map_err(|e| (self.out.join(&file.path), e))?;
        let failed = |e: std::io::Error| (path.clone(), e);
        match file.state {
            State::Unchanged(entry) => Ok((file.path, entry, false)),
            State::Temporary(temporary, entry) => {
                refuse_links(&self.out, &path, &self.plain)
                    .and_then(|()| journal.put(&temporary, &path))
                    .map_err(failed)?;
                Ok((file.path, entry, true))
            }
            State::Held(bytes, content) => {
                let written = refuse_links(&self.out, &path, &self.plain)
                    .and_then(|()| journal.write(&path, |f| std::io::Write::write_all(f, &bytes)))
                    .map_err(failed)?;
                Ok((file.path, Written { content, ..written }, true))
            }
            State::Dropped => Err(failed(std::io::Error::other("it was rendered to be dropped"))),
        }
    }

    /// Copies an asset unless the output holds it as the last build copied
    /// it from an unchanged source.
    fn copy_asset(&self, journal: &Journal, asset: &Asset) -> Result<Placed, Failure> {
        let path = confined(&self.out, &asset.rel).map_err(|e| (self.out.join(&asset.rel), e))?;
        let meta = std::fs::metadata(&asset.path).map_err(|e| (asset.path.clone(), e))?;
        let content = format!("{}:{}", meta.len(), modified(&meta));
        if let Some(entry) = self.previous.unchanged(&asset.rel, &path, &content) {
            return Ok((asset.rel.clone(), entry.clone(), false));
        }
        let copy = |file: &mut std::fs::File| std::io::copy(&mut std::fs::File::open(&asset.path)?, file).map(drop);
        let written = refuse_links(&self.out, &path, &self.plain)
            .and_then(|()| journal.write(&path, copy))
            .map_err(|e| (path.clone(), e))?;
        Ok((asset.rel.clone(), Written { content, ..written }, true))
    }
}

/// A file put in place: its output path, manifest entry, and whether it
/// was written.
type Placed = (String, Written, bool);
/// A file that could not be written or deleted, and why.
type Failure = (PathBuf, std::io::Error);

/// A failed write, naming the file.
fn write_problem(config: &Config, path: &Path, error: &std::io::Error) -> Diagnostic {
    let shown = config.display(path);
    Diagnostic::file(&shown, format!("cannot write {shown}: {error}"))
        .with_hint("the output folder was left as the last build wrote it")
}

/// What a commit changed in the output folder, to undo it should a write
/// fail: files it created, and files it set aside (renamed beside their
/// place, as temporary files a later build sweeps) before replacing or
/// deleting them.
#[derive(Debug, Default)]
struct Journal {
    changes: Mutex<Vec<Change>>,
    next: AtomicUsize,
}

/// How [`Journal::set_aside`] keeps a file.
#[derive(Debug, Clone, Copy)]
enum Aside {
    Moved,
    Linked,
}

#[derive(Debug)]
enum Change {
    Created(PathBuf),
    SetAside { path: PathBuf, aside: PathBuf },
}

impl Journal {
    fn record(&self, change: Change) {
        self.changes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(change);
    }

    fn take(&self) -> Vec<Change> {
        std::mem::take(&mut *self.changes.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Sets the file at `path` aside, beside it, for a roll back; whether
    /// there was one. `Moved` takes it away (a file to delete); `Linked`
    /// leaves it in place too (a file about to be replaced).
    fn set_aside(&self, path: &Path, how: Aside) -> std::io::Result<bool> {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        // Numbered from the top, apart from the stager's own.
        let aside = temporary_path(path, Some(usize::MAX - self.next.fetch_add(1, Ordering::Relaxed)));
        match how {
            Aside::Moved => std::fs::rename(path, &aside)?,
            Aside::Linked => {
                if std::fs::hard_link(path, &aside).is_err() {
                    std::fs::copy(path, &aside)?;
                }
            }
        }
        self.record(Change::SetAside { path: path.to_path_buf(), aside });
        Ok(true)
    }

    /// Puts the file `temporary` at `path`, keeping what was there. The
    /// old file stays in place until the rename replaces it in one step:
    /// a build killed at any moment leaves the old file or the new one.
    fn put(&self, temporary: &Path, path: &Path) -> std::io::Result<()> {
        let existed = self.set_aside(path, Aside::Linked)?;
        std::fs::rename(temporary, path)?;
        if !existed {
            self.record(Change::Created(path.to_path_buf()));
        }
        Ok(())
    }

    /// Writes `path` through a temporary file that `fill` fills, creating
    /// its folders; returns the size and time written.
    fn write(
        &self,
        path: &Path,
        fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
    ) -> std::io::Result<Written> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let temporary = temporary_path(path, None);
        let result = std::fs::File::create(&temporary)
            .and_then(|mut file| fill(&mut file))
            .and_then(|()| self.put(&temporary, path));
        if result.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        result?;
        let meta = std::fs::metadata(path)?;
        Ok(Written { content: String::new(), len: meta.len(), modified: modified(&meta) })
    }

    /// Undoes every change, newest first: created files go, files set
    /// aside come back.
    fn roll_back(&self, out: &Path) {
        for change in self.take().into_iter().rev() {
            match change {
                Change::Created(path) => {
                    let _ = std::fs::remove_file(&path);
                    remove_empty_parents(out, &path);
                }
                Change::SetAside { path, aside } => {
                    let _ = std::fs::rename(aside, path);
                }
            }
        }
    }

    /// The commit succeeded: files set aside are deleted for good, with
    /// the folders that deleting stale files left empty.
    fn drop_set_aside(&self, out: &Path) {
        for change in self.take() {
            if let Change::SetAside { path, aside } = change {
                let _ = std::fs::remove_file(&aside);
                if std::fs::symlink_metadata(&path).is_err() {
                    remove_empty_parents(out, &path);
                }
            }
        }
    }
}

impl Drop for Stager {
    /// A stager that did not commit removes what it staged: a failed
    /// build changes nothing.
    fn drop(&mut self) {
        let Some(staging) = &self.staging else { return };
        let made = staging.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for temporary in &made.temporaries {
            let _ = std::fs::remove_file(temporary);
        }
        if !made.committing {
            for folder in &made.folders {
                let _ = std::fs::remove_dir_all(folder);
            }
        }
    }
}

impl Staging {
    /// Writes `bytes` to a temporary file beside `place`.
    fn write(&self, out: &Path, place: &Path, bytes: Vec<u8>, content: String) -> State {
        let temporary = temporary_path(place, Some(self.next.fetch_add(1, Ordering::Relaxed)));
        let written = self.create_folders(out, place).and_then(|()| {
            self.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).temporaries.push(temporary.clone());
            std::fs::write(&temporary, &bytes)?;
            std::fs::metadata(&temporary)
        });
        match written {
            Ok(meta) => State::Temporary(temporary, Written { content, len: meta.len(), modified: modified(&meta) }),
            Err(_) => State::Held(bytes, content),
        }
    }

    /// Creates the folders above `place`, remembering the topmost one that
    /// did not exist.
    fn create_folders(&self, out: &Path, place: &Path) -> std::io::Result<()> {
        let Some(parent) = place.parent() else { return Ok(()) };
        if parent.is_dir() {
            return Ok(());
        }
        let mut topmost = parent;
        while let Some(up) = topmost.parent().filter(|up| up.starts_with(out) && !up.is_dir()) {
            topmost = up;
        }
        let topmost = topmost.to_path_buf();
        std::fs::create_dir_all(parent)?;
        self.made.lock().unwrap_or_else(std::sync::PoisonError::into_inner).folders.push(topmost);
        Ok(())
    }
}

/// Removes the temporary files of a build that was killed; returns how
/// many other files the folder holds that primer did not write: they are
/// someone's, and stay.
fn sweep(out: &Path, manifest: &Manifest) -> usize {
    let mut foreign = 0;
    for entry in walkdir::WalkDir::new(out).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        if manifest.files.contains_key(&rel) {
            continue;
        }
        if is_temporary(&entry.file_name().to_string_lossy()) {
            let _ = std::fs::remove_file(entry.path());
        } else {
            foreign += 1;
        }
    }
    foreign
}

/// The temporary file beside `path` that it is written through:
/// `.<name>.primer-<pid>`, or `.<name>.primer-<pid>-<n>` when staged.
fn temporary_path(path: &Path, number: Option<usize>) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let pid = std::process::id();
    path.with_file_name(match number {
        Some(n) => format!(".{name}.primer-{pid}-{n}"),
        None => format!(".{name}.primer-{pid}"),
    })
}

/// Whether a file name is one of [`temporary_path`]'s.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        && name.rsplit_once(".primer-").is_some_and(|(_, tail)| {
            let mut parts = tail.splitn(2, '-');
            let digits =
                |part: Option<&str>| part.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
            let pid = parts.next();
            digits(pid) && parts.next().is_none_or(|n| digits(Some(n)))
        })
}

fn modified(meta: &std::fs::Metadata) -> u128 {
    meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos())
}

/// Removes the folders above `path` that a deletion left empty, up to `out`.
fn remove_empty_parents(out: &Path, path: &Path) {
    let mut folder = path.parent();
    while let Some(dir) = folder.filter(|dir| dir.starts_with(out) && *dir != out) {
        if std::fs::remove_dir(dir).is_err() {
            break;
        }
        folder = dir.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, source: Option<&str>) -> OutputFile {
        OutputFile { path: path.to_owned(), bytes: Vec::new(), source: source.map(str::to_owned) }
    }

    #[test]
    fn paths_outside_the_output_folder_are_refused() {
        for bad in ["/x/index.html", "a//b", "../up", "a/./b", "a/..", ""] {
            assert!(relative_segments(bad).is_err(), "{bad}");
            assert!(confined(Path::new("/out"), bad).is_err(), "{bad}");
        }
        assert_eq!(confined(Path::new("/out"), "a/b.html").expect("fine"), Path::new("/out/a/b.html"));
    }

    #[test]
    fn an_asset_that_replaces_a_generated_file_names_both() {
        let files = [file("index.html", None), file("recipes/a/index.html", Some("content/recipes/a.md"))];
        let assets = [
            Asset { rel: "index.html".to_owned(), path: PathBuf::from("x") },
            Asset { rel: "recipes/a/index.html".to_owned(), path: PathBuf::from("y") },
            Asset { rel: "recipes/a/index.html/z.png".to_owned(), path: PathBuf::from("z") },
        ];
        let paths = files.iter().map(|f| (f.path.as_str(), f.source.as_deref()));
        let problems = check_paths(paths, &[], &assets).expect_err("collisions");
        let messages: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
        assert!(
            messages.iter().any(|m| m.contains("content/index.html and primer's generated /index.html")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("content/recipes/a/index.html and content/recipes/a.md")),
            "{messages:?}"
        );
        assert_eq!(problems.len(), 3, "{messages:?}");
    }

    #[test]
    fn a_replaced_file_stays_in_place_until_the_new_one_lands_and_a_roll_back_restores_it() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("page.html");
        std::fs::write(&path, "old").expect("write");
        let journal = Journal::default();
        // Kept for the roll back, yet still readable where it was: there
        // is no moment at which a reader (or a kill) finds no file.
        assert!(journal.set_aside(&path, Aside::Linked).expect("set aside"));
        assert_eq!(std::fs::read_to_string(&path).expect("still there"), "old");
        let temporary = dir.path().join("new");
        std::fs::write(&temporary, "new").expect("write");
        std::fs::rename(&temporary, &path).expect("rename");
        journal.roll_back(dir.path());
        assert_eq!(std::fs::read_to_string(&path).expect("restored"), "old");
        let left: Vec<_> =
            std::fs::read_dir(dir.path()).expect("list").map(|e| e.expect("entry").file_name()).collect();
        assert_eq!(left, ["page.html"], "nothing is left beside it");
    }
}
