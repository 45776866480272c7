//! `primer new`: start a tutorial or a recipe with its front matter.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::{self, Config, Overrides};
use crate::model::Level;

/// What to create.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Kind {
    Tutorial,
    Recipe,
}

/// Arguments of `primer new`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// `tutorial` or `recipe`.
    #[arg(value_enum)]
    kind: Kind,
    /// Title of the page; its file name is made from it.
    title: String,
    /// Tags, comma-separated; each must be declared in book.toml.
    #[arg(long, value_delimiter = ',')]
    tags: Vec<String>,
    /// beginner, intermediate or advanced.
    #[arg(long)]
    level: Option<String>,
    /// Site folder, holding book.toml and content/ (relative to the
    /// current folder).
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

pub(super) fn run(args: &Args) -> ExitCode {
    let config = match config::load(&args.root, &Overrides::default()) {
        Ok(config) => config,
        Err(problems) => return super::report(&problems, "nothing was written"),
    };
    match create(&config, args) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn create(config: &Config, args: &Args) -> Result<PathBuf, String> {
    if let Some(taxonomy) = &config.taxonomy {
        if let Some(tag) = args.tags.iter().find(|t| !taxonomy.contains_key(t.as_str())) {
            return Err(format!("unknown tag `{tag}`: {}", config::suggest_tag(taxonomy, tag)));
        }
    }
    if let Some(level) = &args.level {
        if !Level::ALL.iter().any(|(name, _)| name == level) {
            let names: Vec<&str> = Level::ALL.iter().map(|(name, _)| *name).collect();
            return Err(format!("unknown level `{level}`: use one of {}", names.join(", ")));
        }
    }
    let slug = slug::slugify(&args.title);
    if slug.is_empty() {
        return Err("the title needs at least one letter or digit to make a file name".to_owned());
    }
    let folder = match args.kind {
        Kind::Tutorial => "tutorials",
        Kind::Recipe => "recipes",
    };
    let path = config.content_dir.join(folder).join(format!("{slug}.md"));
    let path = path.strip_prefix(".").map(Path::to_path_buf).unwrap_or(path);
    std::fs::create_dir_all(path.parent().unwrap_or(&config.content_dir))
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            format!("{} already exists; choose another title or edit that file", path.display())
        } else {
            format!("cannot create {}: {e}", path.display())
        }
    })?;
    file.write_all(front_matter(args).as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn front_matter(args: &Args) -> String {
    let quoted = |text: &str| serde_yaml::to_string(text).unwrap_or_else(|_| format!("{text:?}\n"));
    // The title stands in for the summary until the author writes one:
    // the page builds from the start.
    let mut text = format!("---\ntitle: {}summary: {}", quoted(&args.title), quoted(&args.title));
    if !args.tags.is_empty() {
        text.push_str(&format!("tags: [{}]\n", args.tags.join(", ")));
    }
    if let Some(level) = &args.level {
        text.push_str(&format!("level: {level}\n"));
    }
    text.push_str(&format!("date: {}\n---\n", chrono::Local::now().date_naive()));
    text.push_str(match args.kind {
        Kind::Tutorial => "\n## What you will build\n\n## Step 1\n",
        Kind::Recipe => "\n## Steps\n",
    });
    text
}
