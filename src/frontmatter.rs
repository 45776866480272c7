//! Stage 3: parse front matter.
//!
//! Splits each [`SourceDoc`] into its YAML front matter and Markdown body,
//! parses the YAML with serde_yaml into a raw struct that rejects unknown
//! keys, and checks it (required fields, levels, dates, declared tags) into a
//! [`FrontMatter`]. Decides each page's [`Kind`] from its folder and its URL
//! from its path. Hands on [`Page`]s; drafts are dropped unless asked for.
//! Every problem names the file and the line counted from the top of the
//! file, so line 2 is the first line of YAML.

use rayon::prelude::*;
use serde::Deserialize;

use crate::config::{Config, suggest_tag};
use crate::diagnostic::{Diagnostic, did_you_mean, line_col, unknown_field_hint};
use crate::model::{FrontMatter, Kind, Level, Normalize, Page, Rendered, SourceDoc, TestMode};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    level: Option<String>,
    date: Option<String>,
    updated: Option<String>,
    #[serde(default)]
    authors: OneOrMany,
    image: Option<String>,
    weight: Option<i64>,
    #[serde(default)]
    draft: bool,
    test: Option<RawTestMode>,
    #[serde(default)]
    normalize: Vec<Normalize>,
    api_links: Option<bool>,
    #[serde(default)]
    inputs: Vec<String>,
    /// What Jupyter tools write into a MyST notebook's front matter
    /// (jupytext's formats, the kernel, MyST's settings): accepted, as
    /// the file is theirs too, and not read.
    #[serde(default, rename = "jupytext")]
    _jupytext: serde_yaml::Value,
    #[serde(default, rename = "kernelspec")]
    _kernelspec: serde_yaml::Value,
    #[serde(default, rename = "jupyter")]
    _jupyter: serde_yaml::Value,
    #[serde(default, rename = "myst")]
    _myst: serde_yaml::Value,
    #[serde(default, rename = "mystnb")]
    _mystnb: serde_yaml::Value,
    #[serde(default, rename = "file_format")]
    _file_format: serde_yaml::Value,
}

/// `test: isolated`, `test: session` or `test: { skip: "reason" }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawTestMode {
    Word(String),
    Skip { skip: String },
}

/// `authors: Ada` and `authors: [Ada, Grace]` both work.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

/// Parses and checks the front matter of every document.
pub(crate) fn run(config: &Config, docs: Vec<SourceDoc>) -> (Vec<Page>, Vec<Diagnostic>) {
    let results: Vec<Parsed> = docs.into_par_iter().map(|doc| parse_page(config, doc)).collect();
    let mut pages = Vec::new();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok((page, mut warnings)) => {
                pages.extend(page);
                problems.append(&mut warnings);
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    (pages, problems)
}

/// The YAML between the `---` lines, where it starts, and where the body starts.
struct Split<'a> {
    yaml: &'a str,
    yaml_start: usize,
    body_start: usize,
}

fn split(doc: &SourceDoc) -> Result<Option<Split<'_>>, Diagnostic> {
    let text = doc.text.as_str();
    let Some(first_len) = ["---\n", "---\r\n"].iter().find(|m| text.starts_with(*m)).map(|m| m.len()) else {
        return Ok(None);
    };
    let mut offset = first_len;
    for line in text[first_len..].split_inclusive('\n') {
        if matches!(line.trim_end(), "---" | "...") {
            return Ok(Some(Split {
                yaml: &text[first_len..offset],
                yaml_start: first_len,
                body_start: offset + line.len(),
            }));
        }
        offset += line.len();
    }
    Err(Diagnostic::at(&doc.display, text, 1, 0, 3, "front matter is not closed")
        .with_hint("end the front matter with a line holding only `---`"))
}

/// A page, unless it is a draft left out, and the warnings about it; or
/// the problems that stop it.
type Parsed = Result<(Option<Page>, Vec<Diagnostic>), Vec<Diagnostic>>;

fn parse_page(config: &Config, doc: SourceDoc) -> Parsed {
    if let Some(name) = nameless_segment(&doc.rel) {
        return Err(vec![
            Diagnostic::file(&doc.display, format!("`{name}` has no letters or digits to make a URL from"))
                .with_hint("rename the file or folder so that its name holds a letter or a digit"),
        ]);
    }
    let kind = kind_of(&doc.rel);
    let split = split(&doc).map_err(|d| vec![d])?;
    let (raw, body_start) =
        match &split {
            Some(split) if split.yaml.trim().is_empty() => (RawFrontMatter::default(), split.body_start),
            Some(split) => {
                (serde_yaml::from_str(split.yaml).map_err(|e| vec![yaml_error(&doc, split, &e)])?, split.body_start)
            }
            None if kind == Kind::Home || kind == Kind::Intro => (RawFrontMatter::default(), 0),
            None => {
                return Err(vec![Diagnostic::at(&doc.display, &doc.text, 1, 0, 1, "missing front matter").with_hint(
                    "start the file with a `---` line, `title: …` and `summary: …`, then another `---` line",
                )]);
            }
        };
    let yaml = split.as_ref().map_or("", |s| s.yaml);
    let checker = Checker { config, doc: &doc, yaml, yaml_start: split.as_ref().map_or(0, |s| s.yaml_start) };
    let (meta, warnings) = checker.check(raw, kind)?;
    if meta.draft && !config.drafts {
        return Ok((None, warnings));
    }
    let url = url_of(&doc.rel);
    Ok((Some(Page { source: doc, kind, url, meta, body_start, rendered: Rendered::default() }), warnings))
}

fn yaml_error(doc: &SourceDoc, split: &Split<'_>, error: &serde_yaml::Error) -> Diagnostic {
    // The YAML scanner reports control characters at the start of the
    // document, with a character position in its message: point at the
    // character itself.
    let control = split.yaml.char_indices().find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    if let (true, Some((at, c))) = (error.to_string().contains("control characters are not allowed"), control) {
        let (line, col) = line_col(&doc.text, split.yaml_start + at);
        return Diagnostic::at(
            &doc.display,
            &doc.text,
            line,
            col,
            c.len_utf8(),
            format!("invalid front matter: control character U+{:04X} is not allowed", u32::from(c)),
        )
        .with_hint("delete it: an editor can show invisible characters");
    }
    let offset = split.yaml_start + error.location().map_or(0, |l| l.index());
    let (line, col) = line_col(&doc.text, offset);
    // serde_yaml appends " at line L column C", counted inside the YAML; drop
    // it, since the diagnostic gives the line in the file.
    let full = error.to_string();
    let message = full.split(" at line ").next().unwrap_or(&full).to_owned();
    if let Some((field, hint)) = unknown_field_hint(&message) {
        return Diagnostic::at(
            &doc.display,
            &doc.text,
            line,
            col,
            field.len(),
            format!("unknown front matter key `{field}`"),
        )
        .with_hint(hint);
    }
    Diagnostic::at(&doc.display, &doc.text, line, col, 1, format!("invalid front matter: {message}"))
        .with_hint("front matter is YAML: `key: value` lines, lists as `[a, b]` or `- a` lines")
}

/// Checks raw front matter, pointing at the YAML line of each bad value.
struct Checker<'a> {
    config: &'a Config,
    doc: &'a SourceDoc,
    yaml: &'a str,
    yaml_start: usize,
}

impl Checker<'_> {
    /// The checked front matter and the warnings about it.
    fn check(&self, raw: RawFrontMatter, kind: Kind) -> Result<(FrontMatter, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let title = match (raw.title, kind) {
            (Some(title), _) if !title.trim().is_empty() => title,
            (_, Kind::Home) => self.config.title.clone(),
            (_, Kind::Intro) => String::new(),
            _ => {
                problems.push(
                    self.at_key("title", "missing `title` in front matter")
                        .with_hint("add a line `title: …` between the `---` lines"),
                );
                String::new()
            }
        };
        if matches!(kind, Kind::Tutorial | Kind::Recipe) && raw.summary.as_deref().is_none_or(|s| s.trim().is_empty()) {
            // A page read from a script, notebook or RST file had nothing
            // to take a summary from: it builds, without one.
            if self.doc.origins.is_some() {
                warnings.push(
                    Diagnostic::file(&self.doc.display, "no summary: the card shows none")
                        .with_hint("start the text with a paragraph saying what the reader will do, or add `summary: …` to its front matter")
                        .warning(),
                );
            } else {
                problems.push(self.at_key("summary", "missing `summary` in front matter").with_hint(
                    "add `summary: …`: one or two sentences shown on the card, so readers know what to expect",
                ));
            }
        }
        let level = raw.level.as_deref().and_then(|name| self.level(name, &mut problems));
        let date = raw.date.as_deref().and_then(|d| self.date("date", d, &mut problems));
        let updated = raw.updated.as_deref().and_then(|d| self.date("updated", d, &mut problems));
        let test = self.test_mode(raw.test, &mut problems);
        for rule in &raw.normalize {
            if let Some(message) = rule.problem() {
                problems.push(self.at_value("normalize", &rule.regex, message).with_hint(
                    "regexes use the syntax of Rust's regex crate; escape `\\` twice in YAML's double quotes",
                ));
            }
        }
        if let Some(taxonomy) = &self.config.taxonomy {
            for tag in raw.tags.iter().filter(|tag| !taxonomy.contains_key(*tag)) {
                problems.push(
                    self.at_value("tags", tag, format!("unknown tag `{tag}`")).with_hint(suggest_tag(taxonomy, tag)),
                );
            }
        }
        for glob in &raw.inputs {
            if let Err(error) = crate::paths::input_glob(glob) {
                problems.push(
                    self.at_value("inputs", glob, format!("input `{glob}` is not a glob: {error}"))
                        .with_hint("name files relative to the page, such as `data/*.csv`"),
                );
            }
        }
        for tag in raw.tags.iter().filter(|tag| slug::slugify(tag).is_empty()) {
            problems.push(self.at_value("tags", tag, format!("tag `{tag}` has no letters or digits")));
        }
        for tag in raw.tags.iter().filter(|tag| tag.contains(',')) {
            problems.push(
                self.at_value("tags", tag, format!("tag `{tag}` contains a comma"))
                    .with_hint("list tags as separate items: `tags: [data, vision]`"),
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut tags = raw.tags;
        tags.dedup();
        let meta = FrontMatter {
            title,
            summary: raw.summary.map(|s| s.trim().to_owned()),
            tags,
            level,
            date,
            updated,
            authors: raw.authors.into_vec(),
            image: raw.image,
            weight: raw.weight,
            draft: raw.draft,
            test,
            normalize: raw.normalize,
            no_api_links: raw.api_links == Some(false),
            inputs: raw.inputs,
        };
        Ok((meta, warnings))
    }

    fn level(&self, name: &str, problems: &mut Vec<Diagnostic>) -> Option<Level> {
        let found = Level::ALL.iter().find(|(n, _)| *n == name).map(|(_, level)| *level);
        if found.is_none() {
            let hint = match did_you_mean(name, Level::ALL.iter().map(|(n, _)| *n)) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "use beginner, intermediate or advanced".to_owned(),
            };
            problems.push(self.at_value("level", name, format!("unknown level `{name}`")).with_hint(hint));
        }
        found
    }

    fn test_mode(&self, raw: Option<RawTestMode>, problems: &mut Vec<Diagnostic>) -> TestMode {
        match raw {
            None => TestMode::Session,
            Some(RawTestMode::Word(word)) if word == "session" => TestMode::Session,
            Some(RawTestMode::Word(word)) if word == "isolated" => TestMode::Isolated,
            Some(RawTestMode::Skip { skip }) if !skip.trim().is_empty() => TestMode::Skip(skip),
            Some(RawTestMode::Word(word)) if word == "skip" => {
                problems.push(
                    self.at_key("test", "`test: skip` needs a reason")
                        .with_hint("write `test: { skip: \"why the snippets cannot run\" }`"),
                );
                TestMode::Session
            }
            Some(other) => {
                let shown = match other {
                    RawTestMode::Word(word) => word,
                    RawTestMode::Skip { .. } => "skip".to_owned(),
                };
                let hint = match did_you_mean(&shown, ["session", "isolated"]) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "use `session` (the default), `isolated`, or `{ skip: \"reason\" }`".to_owned(),
                };
                problems.push(self.at_key("test", format!("unknown test mode `{shown}`")).with_hint(hint));
                TestMode::Session
            }
        }
    }

    fn date(&self, key: &str, value: &str, problems: &mut Vec<Diagnostic>) -> Option<chrono::NaiveDate> {
        // Accept a plain date or a full RFC 3339 timestamp; pages show the day.
        let day = value.get(..10).unwrap_or(value);
        let parsed = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok();
        if parsed.is_none() {
            problems.push(
                self.at_value(key, value, format!("`{key}` is not a date: `{value}`"))
                    .with_hint("write dates as YYYY-MM-DD, for example 2024-05-01"),
            );
        }
        parsed
    }

    /// A problem on the line of `key`, or on the opening `---` if the key
    /// is absent.
    fn at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        match self.key_offset(key) {
            Some(offset) => self.at_offset(offset, key.len(), message),
            None => Diagnostic::at(&self.doc.display, &self.doc.text, 1, 0, 3, message),
        }
    }

    /// A problem pointing at `value`, searched from the line of `key` on.
    fn at_value(&self, key: &str, value: &str, message: impl Into<String>) -> Diagnostic {
        let from = self.key_offset(key).unwrap_or(0);
        match self.yaml[from..].find(value) {
            Some(found) => self.at_offset(from + found, value.len(), message),
            None => self.at_key(key, message),
        }
    }

    fn key_offset(&self, key: &str) -> Option<usize> {
        let mut offset = 0;
        for line in self.yaml.split_inclusive('\n') {
            if line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')) {
                return Some(offset);
            }
            offset += line.len();
        }
        None
    }

    fn at_offset(&self, yaml_offset: usize, len: usize, message: impl Into<String>) -> Diagnostic {
        let (line, col) = line_col(&self.doc.text, self.yaml_start + yaml_offset);
        Diagnostic::at(&self.doc.display, &self.doc.text, line, col, len, message)
    }
}

/// The kind of page a content path holds.
fn kind_of(rel: &str) -> Kind {
    match page_stem(rel).as_ref() {
        "index" => Kind::Home,
        "tutorials/index" | "recipes/index" => Kind::Intro,
        _ if rel.starts_with("tutorials/") => Kind::Tutorial,
        _ if rel.starts_with("recipes/") => Kind::Recipe,
        _ => Kind::Page,
    }
}

/// The first folder or file name of a content path whose URL segment
/// would be empty (`!!!`, `.md`): such a page would be written into its
/// parent's place.
fn nameless_segment(rel: &str) -> Option<String> {
    let stem = page_stem(rel);
    stem.split('/').find(|part| slug::slugify(part).is_empty()).map(str::to_owned)
}

/// A page's content path without its extension: `.md`, or `.ipynb`,
/// `.py` and `.rst` for notebook, script and RST pages.
/// A gallery's `README.rst` (or sphinx-gallery's `GALLERY_HEADER.rst`)
/// introduces its folder, as an `index` page does.
fn page_stem(rel: &str) -> std::borrow::Cow<'_, str> {
    let stem = [".md", ".ipynb", ".py", ".rst"].iter().find_map(|ext| rel.strip_suffix(ext)).unwrap_or(rel);
    let (folder, name) = stem.rsplit_once('/').map_or(("", stem), |(folder, name)| (folder, name));
    if rel.ends_with(".rst") && matches!(name, "README" | "GALLERY_HEADER") {
        return if folder.is_empty() { "index".into() } else { format!("{folder}/index").into() };
    }
    stem.into()
}

/// Pretty URL of a content path: `recipes/Load Data.md` → `recipes/load-data/`,
/// `tutorials/vision/index.md` → `tutorials/vision/`.
pub(crate) fn url_of(rel: &str) -> String {
    let stem = page_stem(rel);
    let stem = match stem.rsplit_once('/') {
        Some((dir, "index")) => dir,
        None if *stem == *"index" => "",
        _ => &stem,
    };
    let mut url = String::new();
    for part in stem.split('/').filter(|p| !p.is_empty()) {
        url.push_str(&slug::slugify(part));
        url.push('/');
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_pretty_and_slugged() {
        assert_eq!(url_of("index.md"), "");
        assert_eq!(url_of("recipes/Load Data.md"), "recipes/load-data/");
        assert_eq!(url_of("tutorials/vision/index.md"), "tutorials/vision/");
        assert_eq!(url_of("about.md"), "about/");
        assert_eq!(url_of("tutorials/windex.md"), "tutorials/windex/");
    }

    #[test]
    fn names_without_letters_or_digits_are_found() {
        assert_eq!(nameless_segment("!!!/x.md").as_deref(), Some("!!!"));
        assert_eq!(nameless_segment("recipes/!!!.md").as_deref(), Some("!!!"));
        assert_eq!(nameless_segment("recipes/...md").as_deref(), Some(".."));
        assert_eq!(nameless_segment("recipes/load-data.md"), None);
        assert_eq!(nameless_segment("index.md"), None);
    }

    #[test]
    fn the_shared_list_of_keys_is_the_keys_read() {
        for key in crate::model::FRONT_MATTER_KEYS {
            let error = serde_yaml::from_str::<RawFrontMatter>(&format!("{key}: 1\n")).err();
            assert!(!error.is_some_and(|e| e.to_string().contains("unknown field")), "{key} is read");
        }
        let error = serde_yaml::from_str::<RawFrontMatter>("nope: 1\n").expect_err("unknown").to_string();
        let listed = error.split("expected one of").nth(1).expect("the keys read");
        let read: Vec<&str> =
            listed.split(',').map(|k| k.trim().trim_matches(['`', ' '])).filter(|k| !k.starts_with('_')).collect();
        let jupyter = ["jupytext", "kernelspec", "jupyter", "myst", "mystnb", "file_format"];
        let primer: Vec<&str> = read.into_iter().filter(|k| !jupyter.contains(k)).collect();
        assert_eq!(primer, crate::model::FRONT_MATTER_KEYS);
    }

    #[test]
    fn kinds_follow_folders() {
        assert_eq!(kind_of("tutorials/a/b.md"), Kind::Tutorial);
        assert_eq!(kind_of("recipes/x.md"), Kind::Recipe);
        assert_eq!(kind_of("recipes/index.md"), Kind::Intro);
        assert_eq!(kind_of("faq.md"), Kind::Page);
    }
}
