//! The site model that flows through the pipeline.
//!
//! Stages own this data in turn: discovery creates [`SourceDoc`]s, the front
//! matter stage turns them into [`Page`]s, the Markdown stage fills in each
//! page's [`Rendered`] output, and the listing stage groups pages into a
//! [`crate::listing::Site`]. Templates see borrowed view structs from
//! [`crate::render`], not pages; small value types (a page's [`Kind`], its
//! [`Verified`] run, [`InlineText`]) are serialized into those views as
//! they are.

use std::collections::HashSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The empty fenced blocks a notebook page puts around a code cell's saved
/// outputs: what the last `primer test` run showed replaces them, unless
/// they hold figures or tables (`saved-outputs figures`) and the run made
/// none. They never show on the page and are not run.
pub(crate) const SAVED_OUTPUTS: &str = "primer-saved-outputs";
pub(crate) const SAVED_OUTPUTS_END: &str = "primer-saved-outputs-end";
/// A fenced block of saved HTML (a table, or a Markdown output rendered):
/// what code printed, shown cleaned whatever `raw_html` says, never run,
/// and kept out of the page's raw HTML and of the search index.
pub(crate) const SAVED_HTML: &str = "primer-saved-outputs-html";

/// A Markdown file read from `content/`, or a notebook or script page
/// turned into Markdown.
#[derive(Debug, Clone)]
pub(crate) struct SourceDoc {
    /// Path inside `content/`, with `/` separators (`recipes/load-data.md`).
    pub(crate) rel: String,
    /// Path as shown in messages, relative to the site root.
    pub(crate) display: String,
    pub(crate) text: String,
    /// For a notebook or script page, where each line of `text` was
    /// written, which problems are reported at.
    pub(crate) origins: Option<std::sync::Arc<crate::diagnostic::origins::Origins>>,
    /// Images of a notebook's saved outputs, which discovery adds to the
    /// assets.
    pub(crate) images: Vec<Asset>,
    /// Places in the page that `:ref:` links name (RST labels).
    pub(crate) labels: Vec<Label>,
}

/// A place in a page that `:ref:` links reach by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    /// The label as links name it, normalized: `saving-models`.
    pub(crate) name: String,
    /// The `id` of the section it stands before, empty for the page.
    pub(crate) anchor: String,
    /// The title a link with no text of its own shows.
    pub(crate) title: String,
}

/// Any other file in `content/`, copied to the output as it is.
#[derive(Debug, Clone)]
pub(crate) struct Asset {
    /// Path inside `content/` and inside the output, with `/` separators.
    pub(crate) rel: String,
    pub(crate) path: PathBuf,
}

/// What a page is, decided by where its file lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// `content/index.md`: the introduction on the home page.
    Home,
    /// `content/tutorials/**.md`.
    Tutorial,
    /// `content/recipes/**.md`.
    Recipe,
    /// `content/tutorials/index.md` or `content/recipes/index.md`: the
    /// introduction above a listing.
    Intro,
    /// Any other Markdown file.
    Page,
}

impl Kind {
    /// Whether pages of this kind get an HTML page of their own; home and
    /// listing introductions show inside other pages.
    pub(crate) fn has_own_page(self) -> bool {
        matches!(self, Kind::Tutorial | Kind::Recipe | Kind::Page)
    }
}

/// How hard a tutorial or recipe is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

impl Level {
    pub(crate) const ALL: [(&'static str, Level); 3] =
        [("beginner", Level::Beginner), ("intermediate", Level::Intermediate), ("advanced", Level::Advanced)];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Level::Beginner => "beginner",
            Level::Intermediate => "intermediate",
            Level::Advanced => "advanced",
        }
    }
}

/// The keys primer's front matter has, each read into [`FrontMatter`]
/// (`frontmatter.rs` checks the two agree). Readers of other formats keep
/// these and drop their own format's keys.
pub(crate) const FRONT_MATTER_KEYS: [&str; 14] = [
    "title",
    "summary",
    "tags",
    "level",
    "date",
    "updated",
    "authors",
    "image",
    "weight",
    "draft",
    "test",
    "normalize",
    "api_links",
    "inputs",
];

/// Checked front matter of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FrontMatter {
    pub(crate) title: String,
    pub(crate) summary: Option<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) level: Option<Level>,
    pub(crate) date: Option<NaiveDate>,
    pub(crate) updated: Option<NaiveDate>,
    pub(crate) authors: Vec<String>,
    pub(crate) image: Option<String>,
    pub(crate) weight: Option<i64>,
    pub(crate) draft: bool,
    pub(crate) test: TestMode,
    /// Output normalisers of this page, after the site's.
    pub(crate) normalize: Vec<Normalize>,
    /// `api_links: false`: the page's code links to no API docs.
    pub(crate) no_api_links: bool,
    /// Globs of files the page's snippets read, relative to the page (or
    /// to the site root with a leading `/`): a change reruns the page.
    pub(crate) inputs: Vec<String>,
}

/// A rewrite applied to a block's actual and expected output before they
/// are compared: every match of `regex` becomes `replace` (`$1` names a
/// group). Checked to compile where it is written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Normalize {
    pub(crate) regex: String,
    #[serde(default)]
    pub(crate) replace: String,
}

impl Normalize {
    /// Why the regex does not compile, in one line.
    pub(crate) fn problem(&self) -> Option<String> {
        let error = regex::Regex::new(&self.regex).err()?.to_string();
        let reason = error.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or(&error).trim();
        Some(format!("`normalize` regex does not compile: {}", reason.trim_start_matches("error: ")))
    }
}

/// How `primer test` runs a page's code blocks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum TestMode {
    /// Blocks of one language run in order as one program.
    #[default]
    Session,
    /// Every block runs alone.
    Isolated,
    /// Nothing runs, for the reason given.
    Skip(String),
}

/// A page with parsed front matter, and later its rendered body.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub(crate) source: SourceDoc,
    pub(crate) kind: Kind,
    /// Site-relative URL of the page's folder (`recipes/load-data/`), empty
    /// for the home page.
    pub(crate) url: String,
    pub(crate) meta: FrontMatter,
    /// Byte offset of the Markdown body in `source.text`.
    pub(crate) body_start: usize,
    pub(crate) rendered: Rendered,
}

impl Page {
    pub(crate) fn body(&self) -> &str {
        &self.source.text[self.body_start..]
    }
}

/// The output of the Markdown stage for one page.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rendered {
    /// The title and summary, inline Markdown rendered.
    pub(crate) title: InlineText,
    pub(crate) summary: Option<InlineText>,
    /// The `id` of the page's `h1`, unless a heading of the body has it.
    pub(crate) title_id: String,
    pub(crate) html: String,
    pub(crate) toc: Vec<TocEntry>,
    /// Every `id` a link may point at with `#…`.
    pub(crate) anchors: HashSet<String>,
    /// Links to other pages, checked once every page is rendered.
    pub(crate) links: Vec<PageLink>,
    pub(crate) words: usize,
    /// The page's last `primer test` run, if it has runnable blocks.
    pub(crate) verified: Option<Verified>,
    /// Plain text by section, for search.
    pub(crate) text: PageText,
    /// The Python blocks readers download as a script and a notebook.
    pub(crate) cells: Vec<CodeCell>,
    /// The API objects the page's code links to, by full name.
    pub(crate) apis: Vec<UsedApi>,
    /// Figures the last `primer test` run kept for the page's blocks, by
    /// file name in the output store, to be written beside the page.
    pub(crate) outputs: Vec<String>,
}

/// An API object a page's code uses, as its documentation names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct UsedApi {
    /// The full name, `torch.nn.Linear`.
    pub(crate) name: String,
    /// Its documentation page.
    pub(crate) url: String,
    /// `class`, `function`, `method`…
    pub(crate) role: String,
    /// The module it belongs to, `torch.nn`.
    pub(crate) module: String,
}

/// A Python block of a page, as the downloads need it: the code that runs
/// (hidden lines included) and where the block and the output blocks
/// right after it lie in the page body.
#[derive(Debug, Clone, Default)]
pub(crate) struct CodeCell {
    pub(crate) code: String,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A line of inline Markdown (a title, a summary) as HTML, and as plain
/// text for `<title>`, feeds and the search index.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct InlineText {
    pub(crate) html: String,
    pub(crate) plain: String,
}

/// The plain text of a page, for the search index.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageText {
    pub(crate) sections: Vec<SectionText>,
    pub(crate) code: String,
}

/// Text under one heading (or before the first, with an empty anchor).
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct SectionText {
    pub(crate) anchor: String,
    pub(crate) heading: String,
    pub(crate) text: String,
}

/// When `primer test` last ran a page's snippets, and how it went.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Verified {
    /// `YYYY-MM-DD`.
    pub(crate) date: String,
    pub(crate) failed: bool,
    /// The runners and packages the programs ran with.
    pub(crate) with: Vec<crate::results::Tool>,
    /// The same as readers see it: `Python 3.11.7, pandas 2.2.3`.
    pub(crate) with_text: String,
}

impl Verified {
    pub(crate) fn new(date: String, failed: bool, with: Vec<crate::results::Tool>) -> Self {
        let with_text =
            with.iter().map(|tool| format!("{} {}", tool.name, tool.version)).collect::<Vec<_>>().join(", ");
        Self { date, failed, with, with_text }
    }

    /// `Verified on 2026-12-07 with Python 3.11.7, pandas 2.2.3`.
    pub(crate) fn sentence(&self) -> String {
        let with = if self.with_text.is_empty() { String::new() } else { format!(" with {}", self.with_text) };
        if self.failed {
            format!("Examples failing since {}{with}", self.date)
        } else {
            format!("Verified on {}{with}", self.date)
        }
    }
}

/// A heading in a page's table of contents.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TocEntry {
    pub(crate) level: u8,
    pub(crate) id: String,
    pub(crate) title: String,
}

/// A link from one page to a `#anchor` of another (or the same) page.
#[derive(Debug, Clone)]
pub(crate) struct PageLink {
    /// `rel` of the target page.
    pub(crate) target: String,
    pub(crate) anchor: String,
    /// The URL the page links with, anchor included.
    pub(crate) href: String,
    pub(crate) line: usize,
    /// 0-based byte column of the link on its line.
    pub(crate) byte_col: usize,
    pub(crate) len: usize,
}

/// Minutes a reader needs for `words` words, at least one.
pub(crate) fn reading_minutes(words: usize) -> usize {
    const WORDS_PER_MINUTE: usize = 220;
    words.div_ceil(WORDS_PER_MINUTE).max(1)
}

/// Moves problems found in the Markdown of notebook and script pages back
/// to the files their authors wrote.
pub(crate) fn relocator(docs: &[SourceDoc]) -> crate::diagnostic::origins::Relocator {
    crate::diagnostic::origins::Relocator::new(
        docs.iter().filter_map(|doc| doc.origins.as_ref().map(|origins| (doc.display.as_str(), origins))),
    )
}
