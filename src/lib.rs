//! primer: a static site generator for tutorials and recipes.
//!
//! A build runs these stages, one module each, data flowing one way:
//!
//! 1. [`config`] — load and check `book.toml`
//! 2. [`discover`] — find and read the files of `content/`; the readers
//!    of [`sources`] turn notebooks, scripts, RST and MyST pages into
//!    Markdown, and [`books`] reads the books' tables of contents
//! 3. [`frontmatter`] — parse and check front matter, decide kinds and URLs;
//!    [`history`] fills in dates from git where front matter gives none
//! 4. [`markdown`] — render Markdown: links, callouts, code, headings, math
//! 5. [`listing`] — order tutorials and recipes, place pages in their
//!    books, collect tags
//! 6. [`render`] — apply the theme's templates; then [`search`] builds the
//!    client search index from the pages' text
//! 7. [`output`] — stage each file as it is rendered, and put the changed
//!    ones in place once every stage has succeeded
//!
//! [`build`] runs them in order; [`cli`] holds one file per command.
//! [`snippets`] (`primer test`) shares the first three stages, then runs
//! every code snippet and records [`results`], which the Markdown stage
//! shows to readers. Modules every stage may use: [`diagnostic`] (problems
//! and where they are), [`paths`] (every path primer keeps state at),
//! [`html`], [`safety`] (what a page may carry) and [`codeblock`] (what a
//! code block's language and hidden lines mean). No module imports one
//! that imports it back: `tests/architecture.rs` checks.

mod books;
pub(crate) mod build;
pub mod cli;
mod codeblock;
mod config;
mod diagnostic;
mod discover;
mod frontmatter;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
mod history;
mod html;
mod inventory;
mod listing;
mod markdown;
mod model;
mod output;
mod paths;
mod progress;
mod render;
mod results;
mod safety;
mod search;
mod serve;
mod snippets;
mod sources;

pub use build::{BuildSummary, NotPage, build};
pub use config::Overrides;
pub use diagnostic::Diagnostic;
