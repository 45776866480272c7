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
    /// A host name to answer to besides IP addresses and `localhost`
    /// (for a machine reached by name); may be given more than once.
    /// Requests naming any other host are refused.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,
    /// Seconds a connection may stay silent before it is closed.
    #[arg(long, hide = true, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout: u64,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Fetch the API inventories named by URL in book.toml again, rather
    /// than reuse the copies kept in .primer/cache/.
    #[arg(long)]
    refresh_inventories: bool,
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
    let options = Options {
        root,
        port: args.port,
        bind: args.bind,
        allow_hosts: args.allow_hosts.clone(),
        idle: std::time::Duration::from_secs(args.idle_timeout),
        open: args.open,
        drafts: args.drafts,
        refresh_inventories: args.refresh_inventories,
    };
    match serve::run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
