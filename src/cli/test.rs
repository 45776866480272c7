//! `primer test`: run every code snippet and check its output.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::snippets::isolation;
use crate::snippets::{Refused, Running, TestOptions};

/// Arguments of `primer test`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Pages or folders to test (default: every page).
    paths: Vec<PathBuf>,
    /// Site folder, holding book.toml and content/ (relative to the
    /// current folder).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Pages run at once (default: the number of cores).
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Run part K of N, for CI matrices (e.g. 2/4).
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Write a JUnit XML report to FILE (relative to the current folder).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Run pages even if they passed unchanged before.
    #[arg(long)]
    no_cache: bool,
    /// Record each page's duration in .primer/durations.json for sharding.
    #[arg(long)]
    update_durations: bool,
    /// Only pages whose path, or blocks whose name, contain TEXT.
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// Write the actual output into output blocks that no longer match.
    #[arg(long)]
    bless: bool,
    /// Say why each page ran or was cached: which runner, package, crate,
    /// lockfile, input file or block changed since it last ran. Give the
    /// pages to explain as PATHS.
    #[arg(long)]
    explain: bool,
}

pub(super) fn run(args: &Args) -> ExitCode {
    // Whatever escapes a program's supervisor comes back here, and is
    // killed before primer exits.
    isolation::become_reaper();
    isolation::remove_stale_folders(&std::env::temp_dir());
    let running = Running::default();
    let on_stop = running.clone();
    // Snippets run in process groups of their own, which do not see the
    // terminal's Ctrl-C; CI cancels with SIGTERM, a closed terminal sends
    // SIGHUP. Each ends every snippet and removes its folder before exiting.
    let _ = ctrlc::set_handler(move || {
        on_stop.stop_all();
        isolation::kill_descendants(Duration::from_secs(5));
        eprintln!("\ninterrupted: every snippet process was stopped");
        std::process::exit(130);
    });
    let options = TestOptions {
        root: args.root.clone(),
        paths: args.paths.clone(),
        jobs: args.jobs,
        shard: args.shard.clone(),
        junit: args.junit.clone(),
        no_cache: args.no_cache,
        update_durations: args.update_durations,
        filter: args.filter.clone(),
        bless: args.bless,
        explain: args.explain,
    };
    // Loading the syntaxes costs a cached rerun dearly: only a block in a
    // language without a runner needs them.
    let highlighter = std::sync::LazyLock::new(crate::markdown::highlight::Highlighter::new);
    let outcome = crate::snippets::test(&options, &running, &|lang| highlighter.knows(lang));
    isolation::kill_descendants(Duration::from_secs(10));
    if running.stopping() {
        // The stop handler is ending every program and will exit with 130:
        // what this run found no longer counts.
        loop {
            std::thread::park();
        }
    }
    match outcome {
        Ok(run) => {
            print!("{}", run.report);
            if run.failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Err(Refused::Site(problems)) => super::report(&problems, "no snippet was run"),
        Err(Refused::Usage(problems)) => {
            super::report(&problems, "no snippet was run");
            ExitCode::from(2)
        }
    }
}
