//! `primer search`: query the site from the terminal.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Overrides;

/// Arguments of `primer search`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Site folder, holding book.toml and content/.
    #[arg(long, default_value = ".")]
    site: PathBuf,
    /// Results to show.
    #[arg(short = 'n', long, default_value_t = 10)]
    limit: usize,
    /// Print results as JSON lines.
    #[arg(long)]
    json: bool,
    /// What to search for; every word must match.
    query: String,
}

pub(super) fn run(args: &Args) -> ExitCode {
    let loaded = match crate::build::load(&args.site, &Overrides::default()) {
        Ok(loaded) => loaded,
        Err(problems) => return super::report(&problems, "nothing was searched"),
    };
    let hits = match crate::search::reference::rank(&loaded.config, &loaded.site, &args.query, args.limit) {
        Ok(hits) => hits,
        Err(error) => {
            eprintln!("error: the search index failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    if hits.is_empty() && !args.json {
        println!("no results for “{}”", args.query);
    }
    for (rank, hit) in hits.iter().enumerate() {
        if args.json {
            println!("{}", serde_json::json!({ "url": hit.url, "title": hit.title, "score": hit.score }));
        } else {
            println!("{:>2}. {}  /{}  ({:.2})", rank + 1, hit.title, hit.url, hit.score);
        }
    }
    ExitCode::SUCCESS
}
