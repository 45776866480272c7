//! `primer search`: query the site from the terminal, with the rules the
//! browser's search box uses.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Overrides;
use crate::diagnostic::escape_controls;

/// Arguments of `primer search`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Site folder, holding book.toml and content/ (relative to the current
    /// folder).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Results to show.
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    /// Print results as JSON lines.
    #[arg(long)]
    json: bool,
    /// What to search for, as a reader would type it: pages with every
    /// word come first, then pages with some of them.
    query: String,
}

pub(super) fn run(args: &Args) -> ExitCode {
    let loaded = match crate::build::load(&args.root, &Overrides::default()) {
        Ok(loaded) => loaded,
        Err(problems) => return super::report(&problems, "nothing was searched"),
    };
    let hits = crate::search::query::search(&loaded.config, &loaded.site, &args.query, args.limit);
    if hits.is_empty() && !args.json {
        println!("no results for “{}”", escape_controls(&args.query));
    }
    for (rank, hit) in hits.iter().enumerate() {
        if args.json {
            let line =
                serde_json::json!({ "url": hit.url, "title": hit.title, "score": hit.score, "partial": hit.partial });
            println!("{line}");
        } else {
            let partial = if hit.partial { "  (some words)" } else { "" };
            // Titles come from pages: what they hold must not reach the
            // terminal as escape sequences.
            let (title, url) = (escape_controls(&hit.title), escape_controls(&hit.url));
            println!("{:>2}. {title}  /{url}  ({:.2}){partial}", rank + 1, hit.score);
        }
    }
    ExitCode::SUCCESS
}
