//! `primer __supervise`: not for people. `primer test` starts one per
//! program to own its process tree; see `snippets::supervisor`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::snippets::supervisor::{self, Orders, Sandbox, SandboxKind};

/// Arguments of `primer __supervise`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Working folder of the program.
    #[arg(long)]
    dir: PathBuf,
    #[arg(long)]
    timeout_ms: u64,
    /// Largest heap, in bytes.
    #[arg(long)]
    memory: u64,
    /// Largest file written, in bytes.
    #[arg(long)]
    file_size: u64,
    /// Start the program in namespaces of its own.
    #[arg(long)]
    isolated: bool,
    /// Pid of the `primer test` that started it.
    #[arg(long)]
    parent: i32,
    /// Run sandboxed, made by this.
    #[arg(long, value_enum)]
    sandbox: Option<SandboxKind>,
    /// Folders a sandboxed program may write to.
    #[arg(long)]
    writable: Vec<PathBuf>,
    /// Folders a sandbox hides.
    #[arg(long)]
    hide: Vec<PathBuf>,
    /// Folders a sandbox shows again, read-only, inside hidden ones.
    #[arg(long)]
    show: Vec<PathBuf>,
    /// The shell command to run.
    #[arg(last = true)]
    command: String,
}

pub(super) fn run(args: &Args) -> ExitCode {
    supervisor::run(&Orders {
        command: args.command.clone(),
        dir: args.dir.clone(),
        timeout: Duration::from_millis(args.timeout_ms),
        memory: args.memory,
        file_size: args.file_size,
        isolated: args.isolated,
        parent: args.parent,
        sandbox: args.sandbox.map(|kind| Sandbox {
            kind,
            writable: args.writable.clone(),
            hidden: args.hide.clone(),
            shown: args.show.clone(),
        }),
    })
}
