//! `primer check`: validate the site as a build would, writing nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use crate::config::Overrides;
use crate::diagnostic::count;

/// How `primer check` reports.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Diagnostics with source excerpts, for people.
    Human,
    /// One JSON object on stdout, for editors and tools.
    Json,
}

/// Arguments of `primer check`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Site folder, holding book.toml and content/ (relative to the
    /// current folder).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Check pages marked `draft: true` too.
    #[arg(long)]
    drafts: bool,
    /// Fetch the API inventories named by URL in book.toml again, rather
    /// than reuse the copies kept in .primer/cache/.
    #[arg(long)]
    refresh_inventories: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

pub(super) fn run(args: &Args) -> ExitCode {
    let overrides =
        Overrides { drafts: args.drafts, refresh_inventories: args.refresh_inventories, ..Overrides::default() };
    let result = crate::build::check(&args.root, &overrides);
    match (args.format, result) {
        (Format::Human, Ok(summary)) => {
            super::report_warnings(&summary.warnings, &summary.not_pages);
            let problems = match summary.warnings.len() {
                0 => "No problems".to_owned(),
                n => format!("No errors ({})", count(n, "warning", "warnings")),
            };
            println!(
                "{problems} in {} ({} would be written)",
                count(summary.pages, "page", "pages"),
                count(summary.files, "file", "files")
            );
            ExitCode::SUCCESS
        }
        (Format::Human, Err(problems)) => super::report(&problems, "see above"),
        (Format::Json, result) => {
            let (ok, pages, problems, not_pages) = match result {
                Ok(summary) => (true, summary.pages, summary.warnings, summary.not_pages),
                Err(problems) => (false, 0, problems, Vec::new()),
            };
            let not_pages: Vec<_> = not_pages.iter().map(|f| json!({ "path": f.path, "why": f.why })).collect();
            println!("{}", json!({ "ok": ok, "pages": pages, "problems": problems, "not_pages": not_pages }));
            if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
    }
}
