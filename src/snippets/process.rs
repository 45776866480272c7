//! Running one program: under a [`supervisor`](super::supervisor), in a
//! minimal environment, with limits, and with its output capped.
//!
//! The supervisor is this same primer binary, started with the hidden
//! `__supervise` command in a process group of its own (so the terminal's
//! Ctrl-C reaches primer only). It owns the program's whole process tree;
//! primer reads the program's output, and once the supervisor has exited
//! stops waiting on the pipes within a second, whatever is still holding
//! them. [`Running`] lets a Ctrl-C, SIGTERM or SIGHUP stop every
//! supervisor and remove every working folder before primer exits.

use std::collections::HashSet;
use std::ffi::OsString;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use super::supervisor::{Orders, Verdict};

/// What a program did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    /// Exit status; `None` when it did not exit by itself.
    pub(crate) status: Option<i32>,
    /// The signal that killed it, if one did.
    pub(crate) signal: Option<i32>,
    pub(crate) timed_out: bool,
    /// What it printed, capped and with the secrets masked.
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) elapsed: Duration,
}

/// The supervisors and working folders of a run, so that a stop signal
/// can end them all.
#[derive(Debug, Clone, Default)]
pub(crate) struct Running(Arc<Mutex<Tracked>>);

#[derive(Debug, Default)]
struct Tracked {
    supervisors: HashSet<i32>,
    folders: HashSet<PathBuf>,
    stopping: bool,
}

impl Running {
    fn with<T>(&self, f: impl FnOnce(&mut Tracked) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Makes a working folder, recorded to remove should primer be
    /// stopped; none once it is stopping.
    pub(crate) fn new_folder(&self) -> std::io::Result<tempfile::TempDir> {
        self.with(|t| {
            if t.stopping {
                return Err(std::io::Error::other("primer is stopping"));
            }
            // Named after this process, so that the next run can tell a
            // folder left by a run that was killed.
            let prefix = format!("{}{}-", super::isolation::FOLDER_PREFIX, std::process::id());
            let dir = tempfile::Builder::new().prefix(&prefix).tempdir()?;
            t.folders.insert(dir.path().to_path_buf());
            Ok(dir)
        })
    }

    /// Starts `command` and tracks it like a supervisor, so that a stop
    /// signal ends it; nothing starts once primer is stopping.
    pub(crate) fn spawn_tracked(&self, command: &mut Command) -> std::io::Result<std::process::Child> {
        self.with(|t| {
            if t.stopping {
                return Err(std::io::Error::other("primer is stopping"));
            }
            let child = command.spawn()?;
            t.supervisors.insert(i32::try_from(child.id()).unwrap_or(i32::MAX));
            Ok(child)
        })
    }

    /// Stops tracking a process that has ended.
    pub(crate) fn forget(&self, pid: i32) {
        self.with(|t| t.supervisors.remove(&pid));
    }

    /// Whether a stop signal came: the run's results no longer count.
    pub(crate) fn stopping(&self) -> bool {
        self.with(|t| t.stopping)
    }

    pub(crate) fn remove_folder(&self, folder: &Path) {
        self.with(|t| t.folders.remove(folder));
    }

    /// Asks every supervisor to kill its program, waits a little for them
    /// to finish, then removes every working folder. No new program starts
    /// afterwards.
    pub(crate) fn stop_all(&self) {
        let supervisors: Vec<i32> = self.with(|t| {
            t.stopping = true;
            t.supervisors.iter().copied().collect()
        });
        for &pid in &supervisors {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while supervisors.iter().any(|&pid| super::isolation::alive(pid)) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(10));
        }
        for &pid in supervisors.iter().filter(|&&pid| super::isolation::alive(pid)) {
            // One that did not finish in time goes with its group.
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
        let folders: Vec<PathBuf> = self.with(|t| t.folders.drain().collect());
        for folder in folders {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

/// One program to run.
#[derive(Debug)]
pub(crate) struct Job<'a> {
    pub(crate) orders: Orders,
    /// The whole environment of the program.
    pub(crate) env: &'a [(OsString, OsString)],
    /// Bytes kept of each output stream.
    pub(crate) output_limit: usize,
    /// Values masked in what the program prints, before it is cut.
    pub(crate) secrets: &'a [String],
}

/// `primer __supervise` with the orders on its command line.
fn supervisor_command(orders: &Orders) -> std::io::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("__supervise")
        .arg("--dir")
        .arg(&orders.dir)
        .arg("--timeout-ms")
        .arg(orders.timeout.as_millis().to_string())
        .arg("--memory")
        .arg(orders.memory.to_string())
        .arg("--file-size")
        .arg(orders.file_size.to_string())
        .args(orders.isolated.then_some("--isolated"))
        .arg("--parent")
        .arg(std::process::id().to_string());
    if let Some(sandbox) = &orders.sandbox {
        let kind = clap::ValueEnum::to_possible_value(&sandbox.kind).map(|v| v.get_name().to_owned());
        command.arg("--sandbox").arg(kind.unwrap_or_default());
        for (flag, dirs) in [("--writable", &sandbox.writable), ("--hide", &sandbox.hidden), ("--show", &sandbox.shown)]
        {
            for dir in dirs {
                command.arg(flag).arg(dir);
            }
        }
    }
    command.arg("--").arg(&orders.command).current_dir(&orders.dir);
    Ok(command)
}

/// Runs `job` under a supervisor and collects what it printed.
pub(crate) fn run(job: &Job<'_>, running: &Running) -> std::io::Result<Outcome> {
    let started = Instant::now();
    let orders = &job.orders;
    // The supervisor's verdict comes back on a socket: see `supervisor`.
    let (mut verdicts, theirs) = std::os::unix::net::UnixStream::pair()?;
    let mut command = supervisor_command(orders)?;
    command
        .env_clear()
        .envs(job.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::from(std::os::fd::OwnedFd::from(theirs)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let spawned = running.spawn_tracked(&mut command);
    // Only the supervisor holds the other end now.
    drop(command);
    let mut supervisor = spawned?;
    let pid = i32::try_from(supervisor.id()).unwrap_or(i32::MAX);
    let (sender, receiver) = mpsc::channel();
    let readers: Vec<Box<dyn Read + Send>> = [
        supervisor.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        supervisor.stderr.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .collect();
    for (index, reader) in readers.into_iter().enumerate() {
        let sender = sender.clone();
        let limit = job.output_limit;
        let secrets = job.secrets.to_vec();
        thread::spawn(move || sender.send((index, read_capped(reader, limit, &secrets))));
    }
    drop(sender);
    // The supervisor enforces the time limit; this is only a backstop
    // should the supervisor itself hang.
    let backstop = orders.timeout + Duration::from_secs(15);
    let waited = loop {
        match supervisor.try_wait() {
            Ok(Some(_)) => break Ok(()),
            Ok(None) if started.elapsed() > backstop => {
                let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
                let _ = supervisor.wait();
                break Err(std::io::Error::other("the supervisor did not finish"));
            }
            Ok(None) => thread::sleep(super::supervisor::poll_interval(started.elapsed())),
            Err(error) => break Err(error),
        }
    };
    running.forget(pid);
    waited?;
    let mut streams = [String::new(), String::new()];
    let deadline = Instant::now() + Duration::from_secs(1);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match receiver.recv_timeout(left) {
            Ok((index, text)) => streams[index] = text,
            Err(_) => break,
        }
    }
    let mut said = Vec::new();
    verdicts.set_read_timeout(Some(Duration::from_secs(1)))?;
    let _ = verdicts.read_to_end(&mut said);
    let verdict: Verdict =
        serde_json::from_slice(&said).map_err(|_| std::io::Error::other("the supervisor ended without a verdict"))?;
    if let Some(error) = verdict.error {
        return Err(std::io::Error::other(error));
    }
    if verdict.stopped {
        return Err(std::io::Error::other("primer was stopped"));
    }
    let [stdout, stderr] = streams;
    Ok(Outcome {
        status: verdict.code,
        signal: verdict.signal,
        timed_out: verdict.timed_out,
        stdout,
        stderr,
        elapsed: started.elapsed(),
    })
}

/// `text` with every value of `secrets` (longest first) replaced by `***`.
pub(crate) fn mask(text: &str, secrets: &[String]) -> String {
    secrets.iter().fold(text.to_owned(), |text, secret| text.replace(secret.as_str(), "***"))
}

/// Reads a stream to its end, keeping at most `limit` bytes, with the
/// `secrets` masked. Masking comes before the cut: a value that straddles
/// the limit is masked whole, never kept in part.
pub(crate) fn read_capped(mut stream: impl Read, limit: usize, secrets: &[String]) -> String {
    let keep = limit.saturating_add(secrets.iter().map(String::len).max().unwrap_or(0));
    let mut kept = Vec::new();
    let mut dropped = 0usize;
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = keep.saturating_sub(kept.len());
                kept.extend_from_slice(&buffer[..n.min(room)]);
                dropped += n.saturating_sub(room);
            }
        }
    }
    let mut text = mask(&String::from_utf8_lossy(&kept), secrets);
    if text.len() > limit {
        let cut = (0..=limit).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        dropped += text.len() - cut;
        text.truncate(cut);
    }
    if dropped > 0 {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("[primer: output truncated, {dropped} more bytes not shown]\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_beyond_the_limit_is_cut_with_a_note() {
        let text = read_capped(&b"0123456789"[..], 4, &[]);
        assert_eq!(text, "0123\n[primer: output truncated, 6 more bytes not shown]\n");
    }

    #[test]
    fn a_secret_across_the_limit_is_masked_whole() {
        let secrets = ["tok-abcdef".to_owned()];
        let text = read_capped(&b"abc tok-abcdef xyz"[..], 8, &secrets);
        assert_eq!(text, "abc *** \n[primer: output truncated, 3 more bytes not shown]\n");
        assert!(!read_capped(&b"01234567tok-abcdef"[..], 10, &secrets).contains("tok-ab"));
    }
}
