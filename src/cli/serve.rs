//! `primer serve`: build the site in memory, serve it, rebuild on change.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::serve::{self, Options};

/// Arguments of `primer serve`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Site folder, holding book.toml and content/ (relative to the
    /// current folder).
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, short, default_value_t = 3000)]
    port: u16,
    /// Address to listen on. The default, loopback, keeps the server
    /// private to this machine.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    bind: IpAddr,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

pub(super) fn run(args: &Args) -> ExitCode {
    let root = match args.root.canonicalize() {
        Ok(root) => root,
        Err(error) => {
            eprintln!("error: cannot open the site folder {}: {error}", args.root.display());
            return ExitCode::FAILURE;
        }
    };
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        eprintln!(
            "error: {} has no book.toml: it is not a primer site\n  = help: run `primer init` there to start one, or pass --root with the site's folder",
            args.root.display()
        );
        return ExitCode::FAILURE;
    }
    let options = Options { root, port: args.port, bind: args.bind, open: args.open, drafts: args.drafts };
    match serve::run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
