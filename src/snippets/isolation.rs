//! What keeps a snippet from reaching primer and from outliving it.
//!
//! - **Its own PID namespace.** Where the kernel allows unprivileged user
//!   namespaces (as on CI runners), every program starts as process 1 of
//!   a PID namespace of its own, with its own `/proc`: primer, the
//!   supervisor, a warm interpreter and every ancestor (their environment,
//!   file descriptors and PIDs) are out of its sight, and when the program
//!   ends the kernel kills everything it left behind. The program runs as
//!   the user it would run as, with no capability; under root it runs as
//!   `nobody` inside, so that it cannot undo its own `/proc`.
//! - **primer is a child subreaper.** Whatever escapes a supervisor that
//!   died comes back to `primer test`, which kills every descendant left
//!   before it exits.
//! - **Stale folders go.** Working folders are named after the primer
//!   process that made them; the next run removes those of runs that were
//!   killed before they could clean up.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, getgid, getuid};

/// The prefix of a working folder in the temporary folder, before the pid
/// of the `primer test` that made it.
pub(crate) const FOLDER_PREFIX: &str = "primer-test-";

/// The user and group a program has inside its namespace: the user's
/// own, or `nobody` for root.
pub(crate) fn inner_ids() -> (u32, u32) {
    match (getuid().as_raw(), getgid().as_raw()) {
        (0, _) => (65534, 65534),
        ids => ids,
    }
}

/// `unshare` (util-linux) arguments that start a program as process 1 of
/// new user, PID and mount namespaces with a fresh `/proc`, killed when
/// `unshare` dies.
pub(crate) fn unshare_args() -> Vec<String> {
    let (uid, gid) = inner_ids();
    [
        format!("--map-user={uid}"),
        format!("--map-group={gid}"),
        "--pid".to_owned(),
        "--fork".to_owned(),
        "--mount-proc".to_owned(),
        "--kill-child".to_owned(),
        "--".to_owned(),
    ]
    .into()
}

/// Whether programs can get namespaces of their own here; why not when
/// they cannot.
pub(crate) fn probe() -> Result<(), String> {
    let mut unshare = Command::new("unshare");
    unshare.args(unshare_args()).args(["sh", "-c", ":"]);
    tried(unshare, "`unshare` (util-linux)", "unprivileged namespaces are not allowed here")
}

/// Runs `command` (a program that confines another doing nothing) to see
/// whether it works here; why not when it does not: `tool` cannot be
/// started, or it `refused` and said why.
pub(crate) fn tried(mut command: Command, tool: &str, refused: &str) -> Result<(), String> {
    let output = command.stdin(Stdio::null()).output().map_err(|error| format!("{tool} cannot be started: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{refused}: {}", String::from_utf8_lossy(&output.stderr).trim()))
    }
}

/// What `primer test` says, once, when programs cannot be isolated.
pub(crate) fn risk(why: &str) -> String {
    format!(
        "warning: snippets run without namespaces of their own ({why}): a snippet can read the environment of \
         primer's parent processes through /proc, signal primer's processes and leave processes behind until primer \
         test ends; pass only what snippets need, and run untrusted pages where unprivileged user namespaces are allowed"
    )
}

/// Makes this process a child subreaper: orphans of its descendants come
/// back to it instead of to init.
pub(crate) fn become_reaper() {
    let _ = nix::sys::prctl::set_child_subreaper(true);
}

/// Kills every descendant of this process and reaps them, until none is
/// left or `patience` has passed. Descendants of killed processes come
/// back to a subreaper and are killed in the next round.
pub(crate) fn kill_descendants(patience: Duration) {
    let me = Pid::this().as_raw();
    let deadline = Instant::now() + patience;
    while Instant::now() < deadline {
        let below = descendants(me);
        let last_round = below.is_empty();
        for pid in below {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
        loop {
            match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) => break,
                Ok(_) => {}
                // No child at all, alive or dead: everything is gone.
                Err(_) => return,
            }
        }
        if last_round {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Every process below `root`, read from `/proc`.
pub(crate) fn descendants(root: i32) -> Vec<i32> {
    let mut children: std::collections::HashMap<i32, Vec<i32>> = std::collections::HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<i32>().ok()) else { continue };
        if let Some(parent) = parent_of(&entry.path()) {
            children.entry(parent).or_default().push(pid);
        }
    }
    let mut found = Vec::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        for &child in children.get(&pid).into_iter().flatten() {
            found.push(child);
            queue.push(child);
        }
    }
    found
}

/// The parent pid in `/proc/PID/stat`.
fn parent_of(proc_dir: &Path) -> Option<i32> {
    stat_fields(proc_dir)?.split_whitespace().nth(1)?.parse().ok()
}

/// The fields of `/proc/PID/stat` after the command name, state first;
/// the name may hold spaces and parentheses, so it is skipped up to its
/// last `)`.
pub(crate) fn stat_fields(proc_dir: &Path) -> Option<String> {
    let stat = std::fs::read_to_string(proc_dir.join("stat")).ok()?;
    Some(stat[stat.rfind(')')? + 1..].trim_start().to_owned())
}

/// Whether `pid` is still running (a zombie waiting to be reaped is not).
pub(crate) fn alive(pid: i32) -> bool {
    stat_fields(Path::new(&format!("/proc/{pid}")))
        .is_some_and(|fields| fields.starts_with(|state| state != 'Z' && state != 'X'))
}

/// Removes the working folders in `temp` of `primer test` runs that are
/// no longer running (killed before they could clean up), and only this
/// user's.
pub(crate) fn remove_stale_folders(temp: &Path) {
    use std::os::unix::fs::MetadataExt;
    let me = std::process::id();
    let uid = getuid().as_raw();
    for entry in std::fs::read_dir(temp).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(FOLDER_PREFIX))
            .and_then(|rest| rest.split_once('-').and_then(|(pid, _)| pid.parse::<u32>().ok()))
        else {
            continue;
        };
        let Ok(metadata) = std::fs::symlink_metadata(entry.path()) else { continue };
        let ours = metadata.is_dir() && metadata.uid() == uid;
        if ours && pid != me && !alive(i32::try_from(pid).unwrap_or(i32::MAX)) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descendants_are_found_through_proc() {
        let mut child = Command::new("sh").args(["-c", "sleep 5 & wait"]).spawn().expect("sh");
        let me = Pid::this().as_raw();
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut below = descendants(me);
        while below.len() < 2 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            below = descendants(me);
        }
        let _ = child.kill();
        for pid in &below {
            let _ = kill(Pid::from_raw(*pid), Signal::SIGKILL);
        }
        let _ = child.wait();
        assert!(below.len() >= 2, "sh and its sleep: {below:?}");
    }

    #[test]
    fn only_folders_of_runs_that_ended_are_removed() {
        let temp = tempfile::tempdir().expect("temp");
        let dead = temp.path().join(format!("{FOLDER_PREFIX}{}-abc", i32::MAX - 1));
        let mine = temp.path().join(format!("{FOLDER_PREFIX}{}-abc", std::process::id()));
        let other = temp.path().join("primer-test-notapid");
        for folder in [&dead, &mine, &other] {
            std::fs::create_dir(folder).expect("folder");
        }
        remove_stale_folders(temp.path());
        assert!(!dead.exists() && mine.exists() && other.exists());
    }
}
