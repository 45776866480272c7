//! `primer build`: build the site once and print a summary line.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Overrides;
use crate::diagnostic::count;

/// Arguments of `primer build`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Site folder, holding book.toml and content/ (relative to the
    /// current folder).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Output folder, relative to the current folder (default: [build]
    /// output in book.toml, relative to book.toml, or public/ beside it).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Fetch the API inventories named by URL in book.toml again, rather
    /// than reuse the copies kept in .primer/cache/.
    #[arg(long)]
    refresh_inventories: bool,
    /// Public URL of the site, such as https://example.org/docs/.
    #[arg(long)]
    base_url: Option<String>,
    /// Build a preview (of a pull request, a branch): every page shows a
    /// banner, with TEXT when given (or the PRIMER_PREVIEW variable's), and
    /// asks search engines not to index it; the sitemap lists nothing.
    #[arg(long, value_name = "TEXT", num_args = 0..=1, require_equals = true, default_missing_value = "")]
    preview: Option<String>,
    /// Print the time each stage took.
    #[arg(long)]
    timings: bool,
}

/// The banner of a preview build: `--preview=TEXT`, else the
/// `PRIMER_PREVIEW` variable, else a plain notice. A build is a preview
/// when either asks for one.
fn preview_banner(flag: Option<&str>) -> Option<String> {
    let from_env = std::env::var("PRIMER_PREVIEW").ok().filter(|text| !text.trim().is_empty());
    let text = match flag {
        Some(text) if !text.trim().is_empty() => text.trim().to_owned(),
        Some(_) => from_env.unwrap_or_default(),
        None => from_env?,
    };
    Some(if text.is_empty() { "This is a preview build, not the published site.".to_owned() } else { text })
}

pub(super) fn run(args: &Args) -> ExitCode {
    // Paths on the command line are relative to the current folder.
    let output = args.out.as_deref().map(crate::paths::absolute);
    let overrides = Overrides {
        output,
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        refresh_inventories: args.refresh_inventories,
        preview: preview_banner(args.preview.as_deref()),
    };
    match crate::build(&args.root, &overrides) {
        Ok(summary) => {
            super::report_warnings(&summary.warnings, &summary.not_pages);
            let output = summary.output_dir.strip_prefix(".").unwrap_or(&summary.output_dir).display();
            let files = |n: usize| count(n, "file", "files");
            let mut changes = format!("{} written", files(summary.written));
            if summary.deleted > 0 {
                changes.push_str(&format!(", {} deleted", summary.deleted));
            }
            if summary.foreign > 0 {
                changes.push_str(&format!("; {} not made by primer left alone", files(summary.foreign)));
            }
            println!(
                "Built {} ({}, {}, {}) in {:.2?} → {output} ({changes})",
                count(summary.pages, "page", "pages"),
                count(summary.tutorials, "tutorial", "tutorials"),
                count(summary.recipes, "recipe", "recipes"),
                count(summary.tags, "tag", "tags"),
                summary.elapsed,
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
