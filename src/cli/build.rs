//! `primer build`: build the site once and print a summary line.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Overrides;

/// Arguments of `primer build`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Site folder, holding book.toml and content/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output folder (default: [build] output in book.toml, or public/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Public URL of the site, such as https://example.org/docs/.
    #[arg(long)]
    base_url: Option<String>,
    /// Print the time each stage took.
    #[arg(long)]
    timings: bool,
}

pub(super) fn run(args: &Args) -> ExitCode {
    let overrides = Overrides { output: args.out.clone(), base_url: args.base_url.clone(), drafts: args.drafts };
    match crate::build(&args.root, &overrides) {
        Ok(summary) => {
            println!(
                "Built {} pages ({} tutorials, {} recipes, {} tags) in {:.2?} → {}",
                summary.pages,
                summary.tutorials,
                summary.recipes,
                summary.tags,
                summary.elapsed,
                summary.output_dir.strip_prefix(".").unwrap_or(&summary.output_dir).display()
            );
            if args.timings {
                for (stage, took) in &summary.stages {
                    println!("  {took:>10.2?}  {stage}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(problems) => super::report(&problems, "nothing was written"),
    }
}
