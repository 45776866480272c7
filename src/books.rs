//! Stage 2c: read the tables of contents of books.
//!
//! A folder of `content/` that holds a `_toc.yml` (Jupyter Book 1) or a
//! `myst.yml` (Jupyter Book 2, its `project.toc`) is a book: that file
//! gives the order of its pages, the parts they fall into (with their
//! captions) and, where it says so, their titles in the book's contents.
//! Discovery hands the toc files and every page's path here; this stage
//! hands on each [`Book`] with its chapters as content paths, which the
//! listing stage turns into prev/next order, the sidebar and one card.
//! An entry naming a file that is not there is an error at the toc's
//! line; a page of the book's folder the toc leaves out is a warning.

use std::collections::HashSet;

use serde_yaml::Value;

use crate::diagnostic::Diagnostic;

/// A book: its folder, title and chapters in the order of its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Book {
    /// Content path of the book's folder (`tutorials/pdsh`), empty for a
    /// book at the top of `content/`.
    pub(crate) folder: String,
    /// The title the toc or the book's config gives, if any.
    pub(crate) title: Option<String>,
    /// The parts' captions; `None` for chapters outside any part.
    pub(crate) parts: Vec<Option<String>>,
    pub(crate) chapters: Vec<Chapter>,
}

/// A page of a book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chapter {
    /// Content path of the page's file.
    pub(crate) rel: String,
    /// Its title in the book's contents, when the toc gives one.
    pub(crate) title: Option<String>,
    /// Index into [`Book::parts`].
    pub(crate) part: usize,
    /// How deep it is nested: 0 for a chapter, 1 for its sections…
    pub(crate) depth: usize,
}

/// A toc file found by discovery: its content path and text.
pub(crate) struct TocFile {
    pub(crate) rel: String,
    pub(crate) display: String,
    pub(crate) text: String,
}

/// The extensions a toc entry without one may name.
const PAGE_EXTENSIONS: [&str; 5] = ["md", "ipynb", "rst", "py", "markdown"];

/// Reads every book's toc; `pages` are the content paths of every page.
pub(crate) fn run(tocs: &[TocFile], pages: &[String]) -> (Vec<Book>, Vec<Diagnostic>) {
    let known: HashSet<&str> = pages.iter().map(String::as_str).collect();
    let mut books = Vec::new();
    let mut problems = Vec::new();
    for toc in tocs {
        match read(toc, &known) {
            Ok((book, mut found)) => {
                problems.append(&mut found);
                problems.extend(left_out(toc, &book, pages));
                books.push(book);
            }
            Err(problem) => problems.push(problem),
        }
    }
    (books, problems)
}

/// Reads one toc file.
fn read(toc: &TocFile, known: &HashSet<&str>) -> Result<(Book, Vec<Diagnostic>), Diagnostic> {
    let folder = toc.rel.rsplit_once('/').map_or("", |(folder, _)| folder).to_owned();
    let yaml: Value = serde_yaml::from_str(&toc.text).map_err(|error| {
        let line = error.location().map_or(1, |l| l.line());
        Diagnostic::on_line(
            &toc.display,
            &toc.text,
            line,
            "",
            format!("the table of contents is not valid YAML: {error}"),
        )
        .with_hint("fix the YAML; a toc lists `file:` entries")
    })?;
    let mut reader = Reader {
        toc,
        lines: toc.text.lines().collect(),
        known,
        book: Book::empty(&folder),
        problems: Vec::new(),
        searched: 0,
    };
    if toc.rel.ends_with("myst.yml") {
        let project = yaml.get("project");
        reader.book.title = project.and_then(|p| p.get("title")).and_then(Value::as_str).map(str::to_owned);
        let entries = project.and_then(|p| p.get("toc")).and_then(Value::as_sequence);
        let Some(entries) = entries else {
            return Err(Diagnostic::on_line(&toc.display, &toc.text, 1, "", "`myst.yml` has no `project.toc`")
                .with_hint("list the book's files under `project: toc:` as `- file: intro.md`"));
        };
        reader.book.parts.push(None);
        reader.myst_entries(entries, 0, 0);
    } else {
        reader.jupyter_book(&yaml)?;
    }
    let Reader { book, problems, .. } = reader;
    Ok((book, problems))
}

impl Book {
    fn empty(folder: &str) -> Self {
        Book { folder: folder.to_owned(), title: None, parts: Vec::new(), chapters: Vec::new() }
    }

    /// Whether the content file `rel` is in the book's folder.
    pub(crate) fn holds(&self, rel: &str) -> bool {
        self.folder.is_empty() || rel.strip_prefix(&self.folder).is_some_and(|rest| rest.starts_with('/'))
    }
}

/// Reads the entries of one toc into a book.
struct Reader<'a> {
    toc: &'a TocFile,
    /// The toc's lines, where entries are looked for.
    lines: Vec<&'a str>,
    known: &'a HashSet<&'a str>,
    book: Book,
    problems: Vec<Diagnostic>,
    /// The line after the last entry found, where the next is looked for.
    searched: usize,
}

impl Reader<'_> {
    /// Jupyter Book 1: `root`, then `chapters` (with `sections`) or
    /// `parts` (with `caption` and `chapters`); `jb-article` has `sections`.
    fn jupyter_book(&mut self, yaml: &Value) -> Result<(), Diagnostic> {
        let Some(root) = yaml.get("root").and_then(Value::as_str) else {
            return Err(Diagnostic::on_line(&self.toc.display, &self.toc.text, 1, "", "`_toc.yml` has no `root`")
                .with_hint("name the book's first page: `root: intro`"));
        };
        self.book.parts.push(None);
        self.file(root, None, 0, 0);
        let top = yaml.get("chapters").or_else(|| yaml.get("sections")).and_then(Value::as_sequence);
        if let Some(chapters) = top {
            self.jupyter_entries(chapters, 0, 0);
        }
        for part in yaml.get("parts").and_then(Value::as_sequence).into_iter().flatten() {
            let caption = part.get("caption").and_then(Value::as_str).map(str::to_owned);
            self.book.parts.push(caption);
            let at = self.book.parts.len() - 1;
            let chapters = part.get("chapters").or_else(|| part.get("sections")).and_then(Value::as_sequence);
            self.jupyter_entries(chapters.map_or(&[][..], Vec::as_slice), at, 0);
        }
        Ok(())
    }

    fn jupyter_entries(&mut self, entries: &[Value], part: usize, depth: usize) {
        for entry in entries {
            let title = entry.get("title").and_then(Value::as_str).map(str::to_owned);
            if let Some(file) = entry.get("file").and_then(Value::as_str) {
                self.file(file, title, part, depth);
            } else if let Some(pattern) = entry.get("glob").and_then(Value::as_str) {
                self.pattern(pattern, part, depth);
            }
            let nested = entry.get("sections").or_else(|| entry.get("chapters")).and_then(Value::as_sequence);
            if let Some(nested) = nested {
                self.jupyter_entries(nested, part, depth + 1);
            }
        }
    }

    /// Jupyter Book 2: entries with `file`, `pattern` or `url`, and
    /// groups with a `title` and `children`; a top-level group is a part.
    fn myst_entries(&mut self, entries: &[Value], part: usize, depth: usize) {
        for entry in entries {
            let title = entry.get("title").and_then(Value::as_str).map(str::to_owned);
            let children = entry.get("children").and_then(Value::as_sequence);
            if let Some(file) = entry.get("file").and_then(Value::as_str) {
                self.file(file, title.clone(), part, depth);
            } else if let Some(pattern) = entry.get("pattern").and_then(Value::as_str) {
                self.pattern(pattern, part, depth);
            }
            if let Some(children) = children {
                let is_part = depth == 0 && entry.get("file").is_none();
                let (part, depth) = if is_part {
                    self.book.parts.push(title);
                    (self.book.parts.len() - 1, 0)
                } else {
                    (part, depth + 1)
                };
                self.myst_entries(children, part, depth);
            }
        }
    }

    /// An entry naming a file, with or without its extension.
    fn file(&mut self, name: &str, title: Option<String>, part: usize, depth: usize) {
        let line = self.line_of(name);
        let base = join(&self.book.folder, name.trim_start_matches("./"));
        let found = std::iter::once(base.clone())
            .chain(PAGE_EXTENSIONS.iter().map(|extension| format!("{base}.{extension}")))
            .find(|rel| self.known.contains(rel.as_str()));
        match found {
            Some(rel) if self.book.chapters.iter().any(|c| c.rel == rel) => {}
            Some(rel) => self.book.chapters.push(Chapter { rel, title, part, depth }),
            None => {
                let shown = if self.book.folder.is_empty() {
                    "content/".to_owned()
                } else {
                    format!("content/{}/", self.book.folder)
                };
                self.problems.push(
                    Diagnostic::on_line(
                        &self.toc.display,
                        &self.toc.text,
                        line,
                        name,
                        format!("the table of contents names `{name}`, which is no page in {shown}"),
                    )
                    .with_hint("fix the path (it is relative to the toc's folder), or add the file"),
                );
            }
        }
    }

    /// A `glob`/`pattern` entry: the pages matching it, by path.
    fn pattern(&mut self, pattern: &str, part: usize, depth: usize) {
        let full = join(&self.book.folder, pattern.trim_start_matches("./"));
        let Ok(glob) = globset::Glob::new(&full).map(|g| g.compile_matcher()) else { return };
        let mut matched: Vec<&str> = self
            .known
            .iter()
            .copied()
            .filter(|rel| {
                glob.is_match(rel)
                    || PAGE_EXTENSIONS.iter().any(|e| glob.is_match(rel.trim_end_matches(&format!(".{e}"))))
            })
            .collect();
        matched.sort_unstable();
        for rel in matched {
            if !self.book.chapters.iter().any(|c| c.rel == rel) {
                self.book.chapters.push(Chapter { rel: rel.to_owned(), title: None, part, depth });
            }
        }
    }

    /// The line of the toc that names `name`, looked for after the last
    /// one found (the toc lists entries in order).
    fn line_of(&mut self, name: &str) -> usize {
        let lines = &self.lines;
        let names = |line: &str| {
            let value = line.trim().trim_start_matches("- ").trim();
            let value = value.strip_prefix("file:").or_else(|| value.strip_prefix("root:")).map(str::trim);
            value.is_some_and(|v| v.trim_matches(['"', '\'']) == name)
        };
        let at = (self.searched..lines.len()).chain(0..self.searched).find(|&i| names(lines[i]));
        match at {
            Some(i) => {
                self.searched = i + 1;
                i + 1
            }
            None => 1,
        }
    }
}

fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() { name.to_owned() } else { format!("{folder}/{name}") }
}

/// Pages of the book's folder that its toc does not list, as warnings:
/// they are built, but no reader finds them through the book.
fn left_out(toc: &TocFile, book: &Book, pages: &[String]) -> Vec<Diagnostic> {
    let listed: HashSet<&str> = book.chapters.iter().map(|c| c.rel.as_str()).collect();
    let left: Vec<&str> =
        pages.iter().map(String::as_str).filter(|rel| book.holds(rel) && !listed.contains(rel)).collect();
    if left.is_empty() {
        return Vec::new();
    }
    let shown: Vec<String> = left.iter().take(5).map(|rel| format!("`{rel}`")).collect();
    let more = if left.len() > 5 { format!(" and {} more", left.len() - 5) } else { String::new() };
    vec![
        Diagnostic::file(
            &toc.display,
            format!("{} page(s) of the book are not in its table of contents: {}{more}", left.len(), shown.join(", ")),
        )
        .with_hint("add them to the toc to place them in the book; they are built as pages of their own")
        .warning(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toc(rel: &str, text: &str) -> TocFile {
        TocFile { rel: rel.to_owned(), display: format!("content/{rel}"), text: text.to_owned() }
    }

    fn pages(rels: &[&str]) -> Vec<String> {
        rels.iter().map(|r| (*r).to_owned()).collect()
    }

    #[test]
    fn a_jupyter_book_1_toc_gives_order_parts_and_titles() {
        let text = "format: jb-book\nroot: intro\nparts:\n  - caption: Basics\n    chapters:\n    - file: basics/one\n      sections:\n      - file: basics/one-a\n  - caption: More\n    chapters:\n    - file: two\n      title: Second\n";
        let all = pages(&[
            "tutorials/b/intro.md",
            "tutorials/b/basics/one.ipynb",
            "tutorials/b/basics/one-a.md",
            "tutorials/b/two.md",
        ]);
        let (books, problems) = run(&[toc("tutorials/b/_toc.yml", text)], &all);
        assert!(problems.is_empty(), "{problems:?}");
        let book = &books[0];
        assert_eq!(book.parts, [None, Some("Basics".to_owned()), Some("More".to_owned())]);
        let chapters: Vec<(&str, usize, usize)> =
            book.chapters.iter().map(|c| (c.rel.as_str(), c.part, c.depth)).collect();
        assert_eq!(
            chapters,
            [
                ("tutorials/b/intro.md", 0, 0),
                ("tutorials/b/basics/one.ipynb", 1, 0),
                ("tutorials/b/basics/one-a.md", 1, 1),
                ("tutorials/b/two.md", 2, 0)
            ]
        );
        assert_eq!(book.chapters[3].title.as_deref(), Some("Second"));
    }

    #[test]
    fn a_myst_toc_gives_order_parts_and_the_title() {
        let text = "version: 1\nproject:\n  title: The Book\n  toc:\n    - file: index.md\n    - title: Part A\n      children:\n        - file: a.ipynb\n        - pattern: 'extra/*.md'\n";
        let all = pages(&["b/index.md", "b/a.ipynb", "b/extra/y.md", "b/extra/x.md"]);
        let (books, problems) = run(&[toc("b/myst.yml", text)], &all);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(books[0].title.as_deref(), Some("The Book"));
        let rels: Vec<&str> = books[0].chapters.iter().map(|c| c.rel.as_str()).collect();
        assert_eq!(rels, ["b/index.md", "b/a.ipynb", "b/extra/x.md", "b/extra/y.md"]);
        assert_eq!(books[0].parts, [None, Some("Part A".to_owned())]);
    }

    #[test]
    fn a_book_holds_the_files_of_its_folder_only() {
        let book = Book::empty("tutorials/b");
        assert!(book.holds("tutorials/b/x.md") && book.holds("tutorials/b/deep/y.ipynb"));
        assert!(!book.holds("tutorials/bb/x.md") && !book.holds("tutorials/b.md"));
        assert!(Book::empty("").holds("anything.md"));
    }

    #[test]
    fn missing_files_are_errors_at_their_line_and_left_out_pages_warnings() {
        let text = "root: intro\nchapters:\n- file: there\n- file: gone\n";
        let all = pages(&["b/intro.md", "b/there.md", "b/extra.md"]);
        let (_, problems) = run(&[toc("b/_toc.yml", text)], &all);
        let shown: Vec<String> = problems.iter().map(|p| format!("{} {}", p.location(), p.message)).collect();
        assert_eq!(
            shown,
            [
                "content/b/_toc.yml:4:9 the table of contents names `gone`, which is no page in content/b/",
                "content/b/_toc.yml 1 page(s) of the book are not in its table of contents: `b/extra.md`"
            ]
        );
        assert!(problems[0].is_error() && !problems[1].is_error());
    }
}
