//! Stage 1: load the site configuration.
//!
//! Reads `book.toml` at the site root into a raw serde structure that rejects
//! unknown keys, then checks it into [`Config`], the validated settings every
//! later stage reads. Command-line overrides (`--out`, `--base-url`,
//! `--drafts`, `--preview`) are applied here, so no other stage looks at the
//! command line. Versions, previews and feedback are checked in
//! [`publishing`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity, did_you_mean, display_path, line_col, unknown_field_hint};
use crate::model::Normalize;
use crate::safety::{RawHtml, dangerous_scheme};

mod publishing;
pub(crate) use publishing::{AboutPage, ExampleReports, Publishing};

/// Name of the configuration file at the site root.
pub(crate) const CONFIG_FILE: &str = "book.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    site: RawSite,
    #[serde(default)]
    taxonomy: Option<RawTaxonomy>,
    #[serde(default)]
    home: RawHome,
    #[serde(default)]
    build: RawBuild,
    #[serde(default)]
    test: RawTest,
    #[serde(default)]
    api: RawApi,
    #[serde(default)]
    versions: Option<publishing::RawVersions>,
    #[serde(default)]
    feedback: publishing::RawFeedback,
}

/// `[api]`: where the API documentation pages link to lives.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApi {
    /// `name = "https://…/objects.inv"` or `name = { path = "…", base = "…" }`.
    #[serde(default)]
    inventories: BTreeMap<String, RawInventory>,
    /// Days a fetched inventory is reused before it is fetched again;
    /// without it, only `--refresh-inventories` fetches again.
    #[serde(default)]
    max_age_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawInventory {
    Url(String),
    Table(RawInventoryTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInventoryTable {
    url: Option<String>,
    path: Option<PathBuf>,
    base: Option<String>,
}

/// `[api]`, checked: the inventories code links to, and when fetched
/// copies are fetched again.
#[derive(Debug, Clone, Default)]
pub(crate) struct ApiSettings {
    /// `[api.inventories]`, in name order.
    pub(crate) inventories: Vec<InventorySource>,
    /// How old a fetched copy may be; `None` keeps it until a refresh.
    pub(crate) max_age: Option<std::time::Duration>,
    /// Fetch every URL again now (`--refresh-inventories`).
    pub(crate) refresh: bool,
}

/// A Sphinx inventory the site links code to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InventorySource {
    /// Its name in `[api.inventories]`.
    pub(crate) name: String,
    pub(crate) location: InventoryLocation,
    /// What the inventory's uris are relative to: the URL's folder, or the
    /// `base` a local file names; empty for uris as written.
    pub(crate) base: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InventoryLocation {
    Url(String),
    /// Resolved against the site root.
    Path(PathBuf),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTest {
    #[serde(default)]
    runners: BTreeMap<String, RunnerSettings>,
    #[serde(default)]
    require: Vec<String>,
    #[serde(default)]
    timeout: Option<u64>,
    #[serde(default)]
    output_limit: Option<usize>,
    #[serde(default)]
    env: Vec<String>,
    #[serde(default)]
    memory_limit_mib: Option<u64>,
    #[serde(default)]
    file_size_limit_mib: Option<u64>,
    #[serde(default)]
    sandbox: bool,
    #[serde(default)]
    normalize: Vec<Normalize>,
    #[serde(default)]
    inputs: Vec<String>,
}

/// A `[test.runners.NAME]` table: how to run blocks of one language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RunnerSettings {
    /// Command line with `{file}` for the program and `{dir}` for its folder.
    pub(crate) command: Option<String>,
    /// File extension of the program, without the dot.
    pub(crate) extension: Option<String>,
    /// Code put before the first block.
    pub(crate) prelude: Option<String>,
    /// Seconds a block may run.
    pub(crate) timeout: Option<u64>,
    /// Code that prints `{marker}` to stdout and stderr between blocks; a
    /// runner without one runs each block alone.
    pub(crate) separator: Option<String>,
    /// Command that only checks a program (for `no_run` blocks).
    pub(crate) check: Option<String>,
    /// A `Cargo.toml` (relative to book.toml) whose dependencies Rust
    /// snippets may use.
    pub(crate) manifest: Option<String>,
    /// Python modules a warm interpreter imports once for every page.
    pub(crate) preload: Option<Vec<String>>,
}

/// The checked `[test]` settings.
#[derive(Debug, Clone, Default)]
pub(crate) struct TestSettings {
    pub(crate) runners: BTreeMap<String, RunnerSettings>,
    /// Languages that must have a runner, with the line that asks.
    pub(crate) require: Vec<(String, usize)>,
    pub(crate) timeout: Option<u64>,
    pub(crate) output_limit: Option<usize>,
    /// Variables of primer's environment passed on to snippets.
    pub(crate) env: Vec<String>,
    pub(crate) memory_limit_mib: Option<u64>,
    pub(crate) file_size_limit_mib: Option<u64>,
    /// Run snippets without network on a read-only file system.
    pub(crate) sandbox: bool,
    /// Output normalisers of every page.
    pub(crate) normalize: Vec<Normalize>,
    /// Globs of files, relative to the site root, that every page's
    /// snippets may read: a change to one reruns every page.
    pub(crate) inputs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    repository: Option<String>,
    #[serde(default)]
    edit_branch: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    colab_branch: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    tags: BTreeMap<String, RawTag>,
    /// The order of tag groups in filters; groups not named here follow,
    /// alphabetically.
    #[serde(default)]
    groups: Vec<String>,
}

/// A declared tag: its description, or a table with a group too.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawTag {
    Description(String),
    Full(RawTagTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTagTable {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    group: Option<String>,
}

/// A tag declared under `[taxonomy.tags]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TagInfo {
    pub(crate) description: Option<String>,
    /// The labelled row of the tag filter it shows in.
    pub(crate) group: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHome {
    #[serde(default)]
    callouts: Vec<RawCallout>,
    #[serde(default)]
    newest: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCallout {
    title: String,
    #[serde(default)]
    text: String,
    link: String,
    #[serde(default)]
    button: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuild {
    #[serde(default)]
    output: Option<PathBuf>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    max_file_size: Option<u64>,
    #[serde(default)]
    raw_html: Option<String>,
    #[serde(default)]
    iframe_hosts: Vec<String>,
    #[serde(default)]
    broken_links: Option<String>,
}

/// Settings given on the command line, which win over `book.toml`.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// Output folder (`--out`).
    pub output: Option<PathBuf>,
    /// Public URL of the site (`--base-url`).
    pub base_url: Option<String>,
    /// Include pages marked `draft: true` (`--drafts`).
    pub drafts: bool,
    /// Fetch the inventories named by URL again (`--refresh-inventories`).
    pub refresh_inventories: bool,
    /// Build a preview, with this banner on every page (`--preview`).
    pub preview: Option<String>,
}

/// The checked site configuration.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) api: ApiSettings,
    pub(crate) root: PathBuf,
    pub(crate) content_dir: PathBuf,
    pub(crate) output_dir: PathBuf,
    pub(crate) title: String,
    pub(crate) description: String,
    /// Always ends with `/`; `/` alone when the site does not know its host.
    pub(crate) base_url: String,
    pub(crate) language: String,
    pub(crate) repository: Option<String>,
    pub(crate) edit_branch: String,
    pub(crate) author: Option<String>,
    /// Branch of `repository` that holds the built site, for Colab links.
    pub(crate) colab_branch: Option<String>,
    /// Allowed tags with their descriptions and groups; `None` allows any
    /// tag.
    pub(crate) taxonomy: Option<BTreeMap<String, TagInfo>>,
    /// Tag groups in the order filters show them.
    pub(crate) tag_groups: Vec<String>,
    pub(crate) callouts: Vec<Callout>,
    pub(crate) newest: usize,
    /// Folders searched for theme files before the embedded default theme.
    pub(crate) theme_dirs: Vec<PathBuf>,
    pub(crate) max_file_size: u64,
    /// What becomes of raw HTML in Markdown.
    pub(crate) raw_html: RawHtml,
    /// Hosts whose iframes sanitized raw HTML keeps.
    pub(crate) iframe_hosts: Vec<String>,
    /// How links to missing pages, files, anchors and labels are reported
    /// (`[build] broken_links`): errors, or warnings while a site moves.
    pub(crate) broken_links: Severity,
    pub(crate) drafts: bool,
    pub(crate) test: TestSettings,
    /// Version, preview and feedback settings.
    pub(crate) publishing: Publishing,
    /// The text of `book.toml`, for problems found after loading.
    pub(crate) source: String,
}

/// A resource callout on the home page.
#[derive(Debug, Clone)]
pub(crate) struct Callout {
    pub(crate) title: String,
    pub(crate) text: String,
    /// A relative `.md` path inside `content/`, or any URL.
    pub(crate) link: String,
    pub(crate) button: String,
    /// Line of the callout's `link` key in `book.toml`, for link errors.
    pub(crate) line: usize,
}

impl Config {
    /// Path of `book.toml`, as shown in messages.
    pub(crate) fn config_path(&self) -> String {
        CONFIG_FILE.to_owned()
    }

    /// A problem pointing at `needle` on `line` of `book.toml`.
    pub(crate) fn problem_at(&self, line: usize, needle: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::on_line(CONFIG_FILE, &self.source, line, needle, message)
    }

    /// A problem about the value of `key`, at the line of `book.toml` that
    /// sets it.
    pub(crate) fn problem_at_key(&self, key: &str, message: String) -> Diagnostic {
        key_problem(&self.source, key, message)
    }

    /// The 1-based line of `book.toml` where `needle` first appears.
    pub(crate) fn line_of(&self, needle: &str) -> Option<usize> {
        find_line(&self.source, needle)
    }

    /// Path of a file as shown in messages: relative to the site root.
    pub(crate) fn display(&self, path: &Path) -> String {
        display_path(&self.root, path)
    }

    /// The path part of the base URL (`/` or `/docs/`), used where links
    /// cannot be relative, such as on the 404 page.
    pub(crate) fn base_path(&self) -> String {
        match self.base_url.find("://") {
            Some(scheme_end) => {
                let after_host = &self.base_url[scheme_end + 3..];
                after_host.find('/').map_or_else(|| "/".to_owned(), |i| after_host[i..].to_owned())
            }
            None => self.base_url.clone(),
        }
    }
}

/// Default largest Markdown file primer reads, in bytes.
const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// Reads and checks `book.toml` in `root`.
pub(crate) fn load(root: &Path, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let text = std::fs::read_to_string(&path).map_err(|error| {
        let diagnostic = Diagnostic::file(CONFIG_FILE, format!("cannot read {CONFIG_FILE}: {error}"));
        vec![if path.exists() {
            diagnostic
        } else {
            diagnostic.with_hint(format!(
                "run primer in a site folder (one with {CONFIG_FILE}), pass --root, or create one with `primer init`"
            ))
        }]
    })?;
    if let Some(folder) = crate::paths::linked_state_folder(root) {
        return Err(vec![
            Diagnostic::file(&folder, format!("{folder} is a symbolic link or not a folder"))
                .with_hint("primer keeps its own state there and never follows links out of it: remove it"),
        ]);
    }
    parse(root, &text, overrides)
}

/// Parses and checks the text of a `book.toml` for the site at `root`.
pub(crate) fn parse(root: &Path, text: &str, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
    let raw: RawConfig = toml::from_str(text).map_err(|error| vec![toml_error(text, &error)])?;
    check(root, text, raw, overrides)
}

fn toml_error(text: &str, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().to_owned();
    let span = error.span().unwrap_or(0..0);
    let (line, col) = line_col(text, span.start);
    let diagnostic = Diagnostic::at(CONFIG_FILE, text, line, col, span.len(), &message);
    match unknown_field_hint(&message) {
        Some((field, hint)) => {
            Diagnostic::at(CONFIG_FILE, text, line, col, span.len(), format!("unknown key `{field}` in {CONFIG_FILE}"))
                .with_hint(hint)
        }
        None => diagnostic,
    }
}

fn check(root: &Path, text: &str, mut raw: RawConfig, overrides: &Overrides) -> Result<Config, Vec<Diagnostic>> {
    let mut problems = out_of_range(text, &raw);
    let base_url = overrides
        .base_url
        .clone()
        .or(raw.site.base_url)
        .map_or_else(|| "/".to_owned(), |url| format!("{}/", url.trim_end_matches('/')));
    if !(base_url.starts_with('/') || base_url.contains("://")) {
        problems.push(
            key_problem(text, "base_url", format!("base_url `{base_url}` is neither a URL nor a path"))
                .with_hint("write a full URL such as `https://example.org/docs/`, or a path such as `/docs/`"),
        );
    }
    let output = overrides.output.clone().or(raw.build.output).unwrap_or_else(|| PathBuf::from("public"));
    let output_dir = if output.is_absolute() { output } else { root.join(output) };
    if let Some(problem) = output_holds_sources(root, &output_dir, text, overrides.output.is_some()) {
        problems.push(problem);
    }
    let theme_dirs = theme_dirs(root, text, raw.build.theme.as_deref(), &mut problems);
    let callouts = home_callouts(text, std::mem::take(&mut raw.home.callouts));
    let raw_html = raw_html_mode(text, raw.build.raw_html.as_deref(), &mut problems);
    let broken_links = broken_links(text, raw.build.broken_links.as_deref(), &mut problems);
    let inventories = inventories(root, text, std::mem::take(&mut raw.api.inventories), &mut problems);
    problems.extend(normalize_problems(text, &raw.test.normalize));
    for glob in &raw.test.inputs {
        if let Err(error) = crate::paths::input_glob(glob) {
            let line = find_line(text, &format!("\"{glob}\"")).unwrap_or(1);
            problems.push(
                Diagnostic::on_line(CONFIG_FILE, text, line, glob, format!("input `{glob}` is not a glob: {error}"))
                    .with_hint("name files relative to book.toml, such as `data/**/*.csv`"),
            );
        }
    }
    let links =
        raw.site.repository.iter().map(|url| ("repository", url)).chain(callouts.iter().map(|c| ("link", &c.link)));
    problems.extend(links.filter_map(|(key, url)| script_link(text, key, url)));
    let repository = raw.site.repository.as_deref().map(|r| r.trim_end_matches('/'));
    let publishing = publishing::check(
        text,
        raw.site.version.take(),
        raw.versions.take(),
        std::mem::take(&mut raw.feedback),
        repository,
        overrides.preview.clone(),
        &mut problems,
    );
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Config {
        root: root.to_path_buf(),
        content_dir: root.join("content"),
        output_dir,
        title: raw.site.title,
        description: raw.site.description,
        base_url,
        language: raw.site.language.unwrap_or_else(|| "en".to_owned()),
        repository: raw.site.repository.map(|r| r.trim_end_matches('/').to_owned()),
        edit_branch: raw.site.edit_branch.unwrap_or_else(|| "main".to_owned()),
        author: raw.site.author,
        colab_branch: raw.site.colab_branch,
        tag_groups: tag_groups(raw.taxonomy.as_ref()),
        taxonomy: raw.taxonomy.map(tags),
        callouts,
        newest: raw.home.newest.unwrap_or(3),
        theme_dirs,
        max_file_size: raw.build.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        raw_html,
        iframe_hosts: raw.build.iframe_hosts,
        broken_links,
        api: ApiSettings {
            inventories,
            max_age: raw.api.max_age_days.map(|days| std::time::Duration::from_secs(u64::from(days) * 86_400)),
            refresh: overrides.refresh_inventories,
        },
        drafts: overrides.drafts,
        source: text.to_owned(),
        test: test_settings(text, raw.test),
        publishing,
    })
}

/// The checked `[api.inventories]`: each a URL or a local file.
fn inventories(
    root: &Path,
    text: &str,
    raw: BTreeMap<String, RawInventory>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<InventorySource> {
    let mut checked = Vec::new();
    for (name, inventory) in raw {
        let (url, path, base) = match inventory {
            RawInventory::Url(url) => (Some(url), None, None),
            RawInventory::Table(table) => (table.url, table.path, table.base),
        };
        let location = match (url, path) {
            (Some(url), None) if url.starts_with("https://") || url.starts_with("http://") => {
                InventoryLocation::Url(url)
            }
            (None, Some(path)) => InventoryLocation::Path(root.join(path)),
            (Some(url), None) => {
                problems.push(
                    key_problem(text, &name, format!("inventory `{name}`: `{url}` is not an http(s) URL"))
                        .with_hint("give a URL, or a local file as `{ path = \"inventories/x.inv\" }`"),
                );
                continue;
            }
            _ => {
                problems.push(
                    key_problem(text, &name, format!("inventory `{name}` needs a `url` or a `path`, not both"))
                        .with_hint(
                            "`name = \"https://…/objects.inv\"`, or `name = { path = \"…\", base = \"https://…/\" }`",
                        ),
                );
                continue;
            }
        };
        let base = match (&location, base) {
            (_, Some(base)) => format!("{}/", base.trim_end_matches('/')),
            (InventoryLocation::Url(url), None) => {
                url.rsplit_once('/').map_or(String::new(), |(folder, _)| format!("{folder}/"))
            }
            (InventoryLocation::Path(_), None) => String::new(),
        };
        checked.push(InventorySource { name, location, base });
    }
    checked
}

/// The theme folders, the site's theme (which must exist) first.
fn theme_dirs(root: &Path, text: &str, theme: Option<&str>, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(theme) = theme {
        let dir = root.join("themes").join(theme);
        if !dir.is_dir() {
            problems.push(
                key_problem(text, "theme", format!("theme `{theme}` not found: no folder themes/{theme}/"))
                    .with_hint("create the folder, or remove `theme` to use the built-in theme"),
            );
        }
        dirs.push(dir);
    }
    dirs.push(root.join("themes").join("default"));
    dirs
}

/// The home callouts, each with the line of its link.
fn home_callouts(text: &str, callouts: Vec<RawCallout>) -> Vec<Callout> {
    callouts
        .into_iter()
        .map(|callout| Callout {
            line: find_line(text, &format!("\"{}\"", callout.link)).unwrap_or(1),
            button: callout.button.unwrap_or_else(|| "Open".to_owned()),
            title: callout.title,
            text: callout.text,
            link: callout.link,
        })
        .collect()
}

/// Output normalisers whose regex does not compile, at their line.
fn normalize_problems(text: &str, rules: &[Normalize]) -> Vec<Diagnostic> {
    rules
        .iter()
        .filter_map(|rule| {
            let message = rule.problem()?;
            let line = find_line(text, &rule.regex).unwrap_or(1);
            Some(
                Diagnostic::on_line(CONFIG_FILE, text, line, &rule.regex, message)
                    .with_hint("regexes use the syntax of Rust's regex crate; in TOML, write them in single quotes"),
            )
        })
        .collect()
}

/// The checked `[test]` table; `require` with the line of each language.
fn test_settings(text: &str, test: RawTest) -> TestSettings {
    TestSettings {
        require: test
            .require
            .into_iter()
            .map(|lang| {
                let line = find_line(text, &format!("\"{lang}\"")).unwrap_or(1);
                (lang, line)
            })
            .collect(),
        runners: test.runners,
        timeout: test.timeout,
        output_limit: test.output_limit,
        env: test.env,
        memory_limit_mib: test.memory_limit_mib,
        file_size_limit_mib: test.file_size_limit_mib,
        sandbox: test.sandbox,
        normalize: test.normalize,
        inputs: test.inputs,
    }
}

/// The checked `[build] raw_html`.
fn raw_html_mode(text: &str, name: Option<&str>, problems: &mut Vec<Diagnostic>) -> RawHtml {
    let Some(name) = name else { return RawHtml::default() };
    if let Some(mode) = RawHtml::parse(name) {
        return mode;
    }
    let hint = match did_you_mean(name, RawHtml::NAMES) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("use one of {}", RawHtml::NAMES.map(|n| format!("`{n}`")).join(", ")),
    };
    problems.push(key_problem(text, "raw_html", format!("unknown raw_html `{name}`")).with_hint(hint));
    RawHtml::default()
}

/// The checked `[build] broken_links`: `error` (the default) or `warn`.
fn broken_links(text: &str, name: Option<&str>, problems: &mut Vec<Diagnostic>) -> Severity {
    match name {
        None | Some("error") => Severity::Error,
        Some("warn") => Severity::Warning,
        Some(other) => {
            problems.push(
                key_problem(text, "broken_links", format!("unknown broken_links `{other}`")).with_hint(
                    "use `error` (a broken link stops the build) or `warn` (it is reported, the site builds)",
                ),
            );
            Severity::Error
        }
    }
}

/// A link of `book.toml` that would run code when followed.
fn script_link(text: &str, key: &str, url: &str) -> Option<Diagnostic> {
    let scheme = dangerous_scheme(url, false)?;
    let line = find_line(text, &format!("\"{url}\"")).unwrap_or(1);
    Some(
        Diagnostic::on_line(CONFIG_FILE, text, line, url, format!("`{key}` is a `{scheme}` URL"))
            .with_hint("a link that runs code is never published: use an http(s) URL or a page path"),
    )
}

/// Writing the site replaces the output folder: it must not hold the
/// site's sources, nor lie inside them.
fn output_holds_sources(root: &Path, output_dir: &Path, text: &str, from_command_line: bool) -> Option<Diagnostic> {
    let out = crate::paths::absolute(output_dir);
    let root = crate::paths::absolute(root);
    let holds = |out: &Path, root: &Path| {
        root.starts_with(out)
            || ["content", "themes", crate::paths::STATE_DIR, ".git"].iter().any(|d| out.starts_with(root.join(d)))
    };
    // Named as written, and as symbolic links resolve: an `out` that is a
    // link to `content/` would write the site into its sources.
    if !holds(&out, &root) && !holds(&crate::paths::resolved(&out), &crate::paths::resolved(&root)) {
        return None;
    }
    let message = format!("refusing to write the site into {}: it holds the site's sources", out.display());
    let problem =
        if from_command_line { Diagnostic::file("--out", message) } else { key_problem(text, "output", message) };
    Some(problem.with_hint("choose an output folder of its own, such as `public` (the default)"))
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn find_line(text: &str, needle: &str) -> Option<usize> {
    text.find(needle).map(|offset| line_col(text, offset).0)
}

/// A problem about the value of `key`, pointing at the line that sets it.
fn key_problem(text: &str, key: &str, message: String) -> Diagnostic {
    // The whole key: `output` must not find `output_limit`.
    let sets_key =
        |line: &str| line.trim_start().strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='));
    let line = text.lines().position(sets_key).map_or(1, |i| i + 1);
    let col = text.lines().nth(line - 1).map_or(0, |l| l.len() - l.trim_start().len());
    Diagnostic::at(CONFIG_FILE, text, line, col, key.len(), message)
}

/// Seconds a block may run at most: a day.
pub(crate) const MAX_TIMEOUT_SECONDS: u64 = 24 * 60 * 60;

/// Numbers of `book.toml` outside the range primer can work with: each a
/// problem at its line, never an overflow later.
fn out_of_range(text: &str, raw: &RawConfig) -> Vec<Diagnostic> {
    let test = &raw.test;
    let runner_timeouts = test.runners.values().map(|runner| ("timeout", runner.timeout));
    let checks = [
        ("timeout", test.timeout, 1, MAX_TIMEOUT_SECONDS, "seconds"),
        ("output_limit", test.output_limit.map(|n| n as u64), 1, 16 << 20, "bytes"),
        ("memory_limit_mib", test.memory_limit_mib, 16, 1 << 20, "MiB"),
        ("file_size_limit_mib", test.file_size_limit_mib, 1, 1 << 20, "MiB"),
        ("max_file_size", raw.build.max_file_size, 1, 1 << 30, "bytes"),
    ]
    .into_iter()
    .chain(runner_timeouts.map(|(key, value)| (key, value, 1, MAX_TIMEOUT_SECONDS, "seconds")));
    checks
        .filter_map(|(key, value, low, high, unit)| {
            let value = value.filter(|v| !(low..=high).contains(v))?;
            Some(
                key_problem_at_value(text, key, value, format!("`{key} = {value}` is out of range"))
                    .with_hint(format!("write a whole number of {unit} from {low} to {high}")),
            )
        })
        .collect()
}

/// A problem about `key` set to `value`: at the line that sets it so, or
/// else the first line that sets the key.
fn key_problem_at_value(text: &str, key: &str, value: u64, message: String) -> Diagnostic {
    let sets = |line: &str| {
        let rest = line.trim_start().strip_prefix(key).map(str::trim_start);
        rest.and_then(|r| r.strip_prefix('=')).is_some_and(|r| r.trim().replace('_', "") == value.to_string())
    };
    match text.lines().position(sets) {
        Some(index) => {
            let line = text.lines().nth(index).unwrap_or_default();
            let col = line.len() - line.trim_start().len();
            Diagnostic::at(CONFIG_FILE, text, index + 1, col, line.trim().len(), message)
        }
        None => key_problem(text, key, message),
    }
}

/// Suggests a declared tag for a misspelled one.
/// The declared tags, checked.
fn tags(taxonomy: RawTaxonomy) -> BTreeMap<String, TagInfo> {
    taxonomy
        .tags
        .into_iter()
        .map(|(name, tag)| {
            let info = match tag {
                RawTag::Description(description) => TagInfo { description: Some(description), group: None },
                RawTag::Full(table) => TagInfo { description: table.description, group: table.group },
            };
            (name, info)
        })
        .collect()
}

/// Every tag group: those `[taxonomy] groups` names in its order, then the
/// rest alphabetically.
fn tag_groups(taxonomy: Option<&RawTaxonomy>) -> Vec<String> {
    let Some(taxonomy) = taxonomy else { return Vec::new() };
    let mut groups = taxonomy.groups.clone();
    let mut rest: Vec<String> = taxonomy
        .tags
        .values()
        .filter_map(|tag| match tag {
            RawTag::Full(RawTagTable { group: Some(group), .. }) if !groups.contains(group) => Some(group.clone()),
            _ => None,
        })
        .collect();
    rest.sort();
    rest.dedup();
    groups.append(&mut rest);
    groups
}

pub(crate) fn suggest_tag(taxonomy: &BTreeMap<String, TagInfo>, tag: &str) -> String {
    match did_you_mean(tag, taxonomy.keys().map(String::as_str)) {
        Some(best) => format!("did you mean `{best}`? Tags must be declared under [taxonomy.tags] in {CONFIG_FILE}"),
        None => format!(
            "declare it under [taxonomy.tags] in {CONFIG_FILE}, or use one of: {}",
            taxonomy.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
        ),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The smallest valid configuration, for other modules' tests.
    pub(crate) fn minimal() -> Config {
        parse_at_site("[site]\ntitle = \"x\"\n").expect("valid")
    }

    fn parse_at_site(text: &str) -> Result<Config, Vec<Diagnostic>> {
        super::parse(Path::new("/site"), text, &Overrides::default())
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let problems = parse_at_site("[site]\ntitle = \"x\"\ndescriptoin = \"y\"\n").expect_err("unknown key");
        let text = problems[0].render(false);
        assert!(text.contains("unknown key `descriptoin`"), "{text}");
        assert!(text.contains("book.toml:3:1"), "{text}");
        assert!(text.contains("did you mean `description`?"), "{text}");
    }

    #[test]
    fn a_key_problem_points_at_the_whole_key() {
        let text = "[site]\ntitle = \"x\"\n\n[test]\noutput_limit = 10\n\n[build]\noutput = \"content\"\n";
        let problem = key_problem(text, "output", "bad".to_owned());
        assert_eq!(problem.line, 8);
    }

    #[test]
    fn base_url_gets_a_trailing_slash_and_a_path() {
        let config = parse_at_site("[site]\ntitle = \"x\"\nbase_url = \"https://e.org/docs\"\n").expect("valid");
        assert_eq!(config.base_url, "https://e.org/docs/");
        assert_eq!(config.base_path(), "/docs/");
    }
}
