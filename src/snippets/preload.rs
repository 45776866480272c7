//! Python preload: warm interpreters that fork a fresh child per program.
//!
//! With `[test.runners.python] preload = ["pandas", …]`, each worker gets a
//! zygote (`zygote.py`): a Python process that imports those modules once,
//! then, for every program primer sends it, forks a child that becomes the
//! program. The child has its own process, working folder, environment,
//! output, limits and time limit, and the zygote kills everything it
//! started when it ends, as the supervisor does; a child that crashes
//! harms no other page. Zygotes are kept in a pool between pages and end
//! with the run.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;

use super::process::Running;
use super::supervisor::Verdict;

const SCRIPT: &str = include_str!("zygote.py");

/// One program for a zygote.
#[derive(Debug, Serialize)]
pub(crate) struct Request<'a> {
    pub(crate) file: &'a Path,
    pub(crate) dir: &'a Path,
    pub(crate) env: std::collections::BTreeMap<String, String>,
    pub(crate) stdout: &'a Path,
    pub(crate) stderr: &'a Path,
    pub(crate) timeout: f64,
    pub(crate) memory: u64,
    pub(crate) file_size: u64,
    /// Run the program in namespaces of its own, as `uid` and `gid`.
    pub(crate) isolate: bool,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

/// A running zygote.
#[derive(Debug)]
struct Zygote {
    child: Child,
    input: UnixStream,
    output: BufReader<UnixStream>,
    pid: i32,
}

impl Zygote {
    fn start(
        python: &str,
        modules: &[String],
        env: &[(OsString, OsString)],
        running: &Running,
    ) -> std::io::Result<Self> {
        // One socket both ways: see `zygote.py`.
        let (ours, theirs) = UnixStream::pair()?;
        let mut command = Command::new(python);
        command
            .arg("-c")
            .arg(SCRIPT)
            .args(modules)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::from(OwnedFd::from(theirs.try_clone()?)))
            .stdout(Stdio::from(OwnedFd::from(theirs)))
            .stderr(Stdio::null())
            .process_group(0);
        let spawned = running.spawn_tracked(&mut command);
        // Only the zygote holds the other end now.
        drop(command);
        let child = spawned?;
        let pid = i32::try_from(child.id()).unwrap_or(i32::MAX);
        let output = BufReader::new(ours.try_clone()?);
        Ok(Self { child, input: ours, output, pid })
    }

    fn run(&mut self, request: &Request<'_>) -> std::io::Result<Verdict> {
        let mut line = serde_json::to_string(request).map_err(std::io::Error::other)?;
        line.push('\n');
        self.input.write_all(line.as_bytes())?;
        self.input.flush()?;
        let mut reply = String::new();
        if self.output.read_line(&mut reply)? == 0 {
            return Err(std::io::Error::other(
                "the Python zygote ended (a preloaded module may have failed to import)",
            ));
        }
        let verdict: Verdict = serde_json::from_str(&reply).map_err(std::io::Error::other)?;
        match verdict.error {
            Some(error) => Err(std::io::Error::other(error)),
            None => Ok(verdict),
        }
    }
}

/// The zygotes of a run, shared by its workers.
#[derive(Debug)]
pub(crate) struct Pool {
    python: String,
    modules: Vec<String>,
    idle: Mutex<Vec<Zygote>>,
    running: Running,
}

impl Pool {
    pub(crate) fn new(python: String, modules: Vec<String>, running: Running) -> Self {
        Self { python, modules, idle: Mutex::new(Vec::new()), running }
    }

    /// Runs one program in a zygote, starting one when none is idle. A
    /// zygote that failed is not reused.
    pub(crate) fn run(&self, request: &Request<'_>, env: &[(OsString, OsString)]) -> std::io::Result<Verdict> {
        let taken = self.idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut zygote = match taken {
            Some(zygote) => zygote,
            None => Zygote::start(&self.python, &self.modules, env, &self.running)?,
        };
        let verdict = zygote.run(request);
        match &verdict {
            Ok(_) => self.idle.lock().unwrap_or_else(PoisonError::into_inner).push(zygote),
            Err(_) => self.end(zygote),
        }
        verdict
    }

    fn end(&self, mut zygote: Zygote) {
        let _ = zygote.input.shutdown(std::net::Shutdown::Write);
        drop(zygote.input);
        // An idle zygote exits when its input closes; give it a moment.
        for _ in 0..200 {
            if matches!(zygote.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = zygote.child.kill();
        let _ = zygote.child.wait();
        self.running.forget(zygote.pid);
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let zygotes: Vec<Zygote> = self.idle.lock().unwrap_or_else(PoisonError::into_inner).drain(..).collect();
        for zygote in zygotes {
            self.end(zygote);
        }
    }
}

/// Where a program run by a zygote writes its output, in its page folder.
pub(crate) fn output_files(folder: &Path, n: usize) -> (PathBuf, PathBuf) {
    (folder.join(format!("stdout-{n}.txt")), folder.join(format!("stderr-{n}.txt")))
}
