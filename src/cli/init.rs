//! `primer init`: a new site with a sample tutorial and two recipes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The starter site: book.toml and pages that show front matter, tags,
/// callouts, links and tested snippets.
const STARTER: &[(&str, &str)] = &[
    ("book.toml", include_str!("starter/book.toml")),
    ("content/index.md", include_str!("starter/content/index.md")),
    ("content/tutorials/first-steps.md", include_str!("starter/content/tutorials/first-steps.md")),
    ("content/recipes/count-words.md", include_str!("starter/content/recipes/count-words.md")),
    ("content/recipes/read-csv.md", include_str!("starter/content/recipes/read-csv.md")),
    (".gitignore", "/public/\n/.primer/cache/\n"),
];

/// Arguments of `primer init`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Folder of the new site; created if missing.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Write into a folder that is not empty, replacing the starter's files.
    #[arg(long)]
    force: bool,
}

pub(super) fn run(args: &Args) -> ExitCode {
    match create(&args.dir, args.force) {
        Ok(()) => {
            let dir = args.dir.display();
            println!("Created a primer site in {dir}");
            println!("Next: cd {dir} && primer serve    (then primer test to run its snippets)");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn create(dir: &Path, force: bool) -> Result<(), String> {
    let occupied = std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()).unwrap_or(false);
    if occupied && !force {
        return Err(format!(
            "{} is not empty; pick an empty folder, or pass --force to write the starter files into it",
            dir.display()
        ));
    }
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}
