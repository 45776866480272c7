//! The supervisor: a small primer process between `primer test` and each
//! program it runs.
//!
//! It makes itself a child subreaper, so that whatever the program starts
//! — in the background, double-forked, or in a session of its own with
//! `setsid` — stays its descendant. The shell it starts sets the
//! resource limits before running the program (they are inherited by all
//! the program starts but bind neither the supervisor nor its allocator,
//! which may reserve more address space than a snippet may have). It
//! enforces the time limit, and when the program ends, times out or
//! primer is stopped, kills every descendant and reaps them until none is
//! left. Only then does it write its verdict and exit: once the
//! supervisor is gone, no process of the program holds its output pipes.
//! If primer dies, the kernel sends the supervisor SIGTERM, which cleans
//! up the same way.
//!
//! The verdict goes back on the supervisor's standard input, a socket
//! that primer made: the program never holds it, cannot reopen it through
//! `/proc` (sockets cannot be), and in its own PID namespace cannot even
//! see the supervisor. The supervisor also makes itself non-dumpable, so
//! that processes of the same user cannot read its memory or descriptors.

use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nix::sys::prctl;
use nix::sys::signal::Signal;
use nix::unistd::getppid;
use serde::{Deserialize, Serialize};

use super::isolation;

/// What the supervisor is asked to do, from its command line.
#[derive(Debug, Clone)]
pub(crate) struct Orders {
    /// Shell command, run with `sh -c`.
    pub(crate) command: String,
    /// Working folder of the program.
    pub(crate) dir: PathBuf,
    pub(crate) timeout: Duration,
    /// Largest data segment (heap) in bytes: `RLIMIT_DATA`.
    pub(crate) memory: u64,
    /// Largest file the program may write, in bytes: `RLIMIT_FSIZE`.
    pub(crate) file_size: u64,
    /// Start the program in PID, user and mount namespaces of its own
    /// (see [`isolation`]).
    pub(crate) isolated: bool,
    /// Pid of the `primer test` that started this supervisor.
    pub(crate) parent: i32,
    /// How to confine the program; `None` runs it with the user's own
    /// rights.
    pub(crate) sandbox: Option<Sandbox>,
}

/// A sandbox: no network, the file system read-only but for `writable`,
/// with `hidden` folders replaced by empty ones in which only `shown`
/// folders appear again (see `environment::sandbox_views`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Sandbox {
    pub(crate) kind: SandboxKind,
    pub(crate) writable: Vec<PathBuf>,
    pub(crate) hidden: Vec<PathBuf>,
    pub(crate) shown: Vec<PathBuf>,
}

/// What makes the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(crate) enum SandboxKind {
    /// The `bwrap` program, when installed.
    #[default]
    Bubblewrap,
    /// Linux user, mount and network namespaces entered by the supervisor.
    Namespaces,
}

/// How the program ended, written by the supervisor (or a Python zygote)
/// for `primer test`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Verdict {
    /// Exit status, when the program exited.
    pub(crate) code: Option<i32>,
    /// The signal that killed it, when one did.
    pub(crate) signal: Option<i32>,
    pub(crate) timed_out: bool,
    /// `primer test` was stopped (Ctrl-C, SIGTERM, SIGHUP) while it ran.
    pub(crate) stopped: bool,
    /// The program could not be started.
    pub(crate) error: Option<String>,
}

/// Runs the program of `orders` to its end and cleans up after it.
pub(crate) fn run(orders: &Orders) -> ExitCode {
    let _ = prctl::set_child_subreaper(true);
    let _ = prctl::set_pdeathsig(Signal::SIGTERM);
    let _ = prctl::set_dumpable(false);
    if getppid().as_raw() != orders.parent {
        // primer ended before the death signal was armed.
        return ExitCode::FAILURE;
    }
    // The verdict socket, primer's end of which is this process's stdin.
    let Ok(mut verdict_channel) = std::io::stdin().as_fd().try_clone_to_owned().map(std::fs::File::from) else {
        return ExitCode::FAILURE;
    };
    // Namespaces must be entered while this process has one thread only,
    // before the signal handler starts its own.
    let confined = match &orders.sandbox {
        Some(sandbox @ Sandbox { kind: SandboxKind::Namespaces, .. }) => super::namespaces::enter(sandbox),
        _ => Ok(()),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    let started = confined
        .map_err(|error| std::io::Error::other(format!("cannot enter the sandbox: {error}")))
        .and_then(|()| command(orders).spawn());
    let verdict = match started {
        Ok(child) => watch(child, orders.timeout, &stop),
        Err(error) => Verdict { error: Some(error.to_string()), ..Verdict::default() },
    };
    isolation::kill_descendants(Duration::from_secs(10));
    let written = serde_json::to_vec(&verdict).map_err(std::io::Error::other);
    match written.and_then(|bytes| std::io::Write::write_all(&mut verdict_channel, &bytes)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

/// The shell script that sets the program's limits (both soft and hard,
/// so the program cannot raise them) and then runs it. `ulimit` counts
/// the data segment in KiB and file sizes in 512-byte blocks, as POSIX
/// asks of `sh`.
fn limited(orders: &Orders) -> String {
    format!(
        "ulimit -c 0 && ulimit -d {} && ulimit -f {} || exit 126\n{}",
        orders.memory / 1024,
        orders.file_size / 512,
        orders.command
    )
}

fn command(orders: &Orders) -> Command {
    let mut command = match &orders.sandbox {
        // bubblewrap makes PID namespaces of its own.
        Some(sandbox @ Sandbox { kind: SandboxKind::Bubblewrap, .. }) => bubblewrap(sandbox),
        _ if orders.isolated => {
            let mut unshare = Command::new("unshare");
            unshare.args(isolation::unshare_args()).arg("sh");
            unshare
        }
        _ => Command::new("sh"),
    };
    // A process group of its own: `kill 0` reaches the program's
    // processes, not this supervisor.
    command.process_group(0);
    command.arg("-c").arg(limited(orders)).current_dir(&orders.dir).stdin(Stdio::null());
    command
}

/// `bwrap … sh`: the whole file system read-only but for the writable
/// folders, hidden folders empty but for what is shown again, no network,
/// a private `/tmp`, and no way back to primer's terminal.
fn bubblewrap(sandbox: &Sandbox) -> Command {
    let mut command = Command::new("bwrap");
    command.args(["--ro-bind", "/", "/", "--dev", "/dev", "--unshare-pid", "--proc", "/proc", "--tmpfs", "/tmp"]);
    for dir in &sandbox.hidden {
        command.arg("--tmpfs").arg(dir);
    }
    for dir in &sandbox.shown {
        command.arg("--ro-bind").arg(dir).arg(dir);
    }
    for dir in &sandbox.writable {
        command.arg("--bind").arg(dir).arg(dir);
    }
    command.args(["--unshare-net", "--unshare-ipc", "--unshare-uts", "--new-session", "--die-with-parent", "sh"]);
    command
}

/// Whether bubblewrap is installed and can make a sandbox here.
pub(crate) fn bubblewrap_works() -> Result<(), String> {
    let mut command = bubblewrap(&Sandbox::default());
    command.args(["-c", "true"]);
    isolation::tried(command, "bubblewrap (`bwrap`)", "bubblewrap cannot create a sandbox here")
}

/// Waits for the program to exit, the time limit, or a stop.
fn watch(mut child: std::process::Child, timeout: Duration, stop: &AtomicBool) -> Verdict {
    use std::os::unix::process::ExitStatusExt;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return Verdict { code: status.code(), signal: status.signal(), ..Verdict::default() };
            }
            Ok(None) => {}
            Err(error) => return Verdict { error: Some(error.to_string()), ..Verdict::default() },
        }
        if started.elapsed() >= timeout {
            return Verdict { timed_out: true, ..Verdict::default() };
        }
        if stop.load(Ordering::SeqCst) {
            return Verdict { stopped: true, ..Verdict::default() };
        }
        std::thread::sleep(poll_interval(started.elapsed()));
    }
}

/// How long to wait before looking again at a process that has run for
/// `elapsed`: most snippets end within milliseconds, and each millisecond
/// of latency is paid by every block.
pub(crate) fn poll_interval(elapsed: Duration) -> Duration {
    if elapsed < Duration::from_millis(100) { Duration::from_micros(500) } else { Duration::from_millis(5) }
}
