//! Running one program: its own process group, a time limit, capped output.
//!
//! Every program starts in a new process group so that a timeout (or
//! Ctrl-C) kills it with everything it started. After the program ends, the
//! group is killed anyway: nothing a snippet leaves in the background
//! outlives its page.

use std::collections::HashSet;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// What a program did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    /// Exit status; `None` when it was killed by a signal.
    pub(crate) status: Option<i32>,
    pub(crate) timed_out: bool,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) elapsed: Duration,
}

/// The process groups that are running, so Ctrl-C can end them all.
#[derive(Debug, Clone, Default)]
pub(crate) struct Groups(Arc<Mutex<HashSet<i32>>>);

impl Groups {
    fn insert(&self, pgid: i32) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).insert(pgid);
    }

    fn remove(&self, pgid: i32) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).remove(&pgid);
    }

    /// Kills every running group.
    pub(crate) fn kill_all(&self) {
        for pgid in self.0.lock().unwrap_or_else(PoisonError::into_inner).drain() {
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
        }
    }
}

/// Runs `command` with `sh -c` in `dir`.
pub(crate) fn run(
    command: &str,
    dir: &Path,
    timeout: Duration,
    limit: usize,
    groups: &Groups,
) -> std::io::Result<Outcome> {
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PYTHONUNBUFFERED", "1")
        .env("PATH", search_path())
        .env("PRIMER_TEST", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let pgid = i32::try_from(child.id()).unwrap_or(i32::MAX);
    groups.insert(pgid);
    let stdout = child.stdout.take().map(|out| thread::spawn(move || read_capped(out, limit)));
    let stderr = child.stderr.take().map(|err| thread::spawn(move || read_capped(err, limit)));
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() >= timeout {
            timed_out = true;
            let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
            break child.wait()?;
        }
        thread::sleep(Duration::from_millis(5));
    };
    // Whatever the program left running in its group goes too; this also
    // closes pipes that a background child still held.
    let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
    groups.remove(pgid);
    let join = |handle: Option<thread::JoinHandle<String>>| handle.and_then(|h| h.join().ok()).unwrap_or_default();
    Ok(Outcome {
        status: status.code(),
        timed_out,
        stdout: join(stdout),
        stderr: join(stderr),
        elapsed: started.elapsed(),
    })
}

/// `PATH` with this primer's own folder first, so snippets that run
/// `primer` get the same one that is testing them.
fn search_path() -> std::ffi::OsString {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let Some(dir) = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf)) else {
        return current;
    };
    std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(&current))).unwrap_or(current)
}

/// Reads a stream to its end, keeping at most `limit` bytes.
fn read_capped(mut stream: impl Read, limit: usize) -> String {
    let mut kept = Vec::new();
    let mut dropped = 0usize;
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = limit.saturating_sub(kept.len());
                kept.extend_from_slice(&buffer[..n.min(room)]);
                dropped += n.saturating_sub(room);
            }
        }
    }
    let mut text = String::from_utf8_lossy(&kept).into_owned();
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
        let dir = tempfile::tempdir().expect("temp dir");
        let outcome =
            run("yes x | head -c 100000", dir.path(), Duration::from_secs(10), 1000, &Groups::default()).expect("runs");
        assert!(outcome.stdout.starts_with("x\nx\n"));
        assert!(outcome.stdout.contains("output truncated, 99000 more bytes"), "{}", &outcome.stdout[990..]);
        assert_eq!(outcome.status, Some(0));
    }

    #[test]
    fn a_timeout_kills_the_whole_group() {
        let dir = tempfile::tempdir().expect("temp dir");
        let started = Instant::now();
        let outcome =
            run("sleep 30 & sleep 30; echo never", dir.path(), Duration::from_millis(300), 1000, &Groups::default())
                .expect("runs");
        assert!(outcome.timed_out);
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(!outcome.stdout.contains("never"));
    }
}
