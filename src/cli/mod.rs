//! The command line: parses arguments and hands each command to its file.

mod build;
mod check;
mod init;
mod new;
mod search;
mod serve;
mod supervise;
mod test;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::build::NotPage;
use crate::diagnostic::{Diagnostic, count, escape_controls};

/// primer builds tutorials-and-recipes sites from Markdown.
#[derive(Debug, Parser)]
#[command(name = "primer", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into its output folder (public/ by default).
    Build(build::Args),
    /// Run every code snippet of the site and check its output.
    Test(test::Args),
    /// Check the site as a build would, without writing anything.
    Check(check::Args),
    /// Create a new site with a sample tutorial and two recipes.
    Init(init::Args),
    /// Start a new tutorial or recipe with its front matter filled in.
    New(new::Args),
    /// Serve the site with live reload, rebuilding what changes.
    Serve(serve::Args),
    /// Search the site from the terminal, ranked as the search box ranks.
    Search(search::Args),
    /// Runs one snippet program for `primer test` (internal).
    #[command(name = "__supervise", hide = true)]
    Supervise(supervise::Args),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Init(args) => init::run(&args),
        Command::New(args) => new::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Supervise(args) => supervise::run(&args),
    }
}

/// Prints diagnostics to stderr, followed by a count, and returns failure.
fn report(problems: &[Diagnostic], outcome: &str) -> ExitCode {
    print_problems(problems);
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    let also = if warnings > 0 { format!(" and {}", count(warnings, "warning", "warnings")) } else { String::new() };
    eprintln!("error: {}{also} found, {outcome}", count(errors, "problem", "problems"));
    ExitCode::FAILURE
}

/// Prints what a successful command noticed: warnings, and files copied
/// as files that could have been pages.
fn report_warnings(warnings: &[Diagnostic], not_pages: &[NotPage]) {
    print_problems(warnings);
    for file in not_pages {
        eprintln!("note: copied as a file, not a page: {} ({})", escape_controls(&file.path), file.why);
    }
    if !warnings.is_empty() {
        eprintln!("warning: {}", count(warnings.len(), "warning", "warnings"));
    }
}

fn print_problems(problems: &[Diagnostic]) {
    let stderr = std::io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for problem in problems {
        eprintln!("{}\n", problem.render(color));
    }
}
