//! The sandbox without bubblewrap: Linux namespaces entered by the
//! supervisor itself, before it starts any thread or program.
//!
//! A new user namespace (mapping the user to itself, so no privilege is
//! needed), a new mount namespace in which hidden folders are covered by
//! empty ones, the folders shown again and the writable ones are bound in
//! place, and every mount is remounted read-only but the writable ones;
//! and a new network namespace, which holds only a loopback device that
//! is down.

use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use nix::mount::{MsFlags, mount};
use nix::sched::{CloneFlags, unshare};
use nix::unistd::{getgid, getuid};

use super::supervisor::Sandbox;

/// Moves this process into the sandbox.
pub(crate) fn enter(sandbox: &Sandbox) -> std::io::Result<()> {
    let (uid, gid) = (getuid(), getgid());
    unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWNET)?;
    // Writing gid_map needs setgroups denied first; the file may be absent.
    let _ = std::fs::write("/proc/self/setgroups", "deny");
    std::fs::write("/proc/self/uid_map", format!("{uid} {uid} 1"))?;
    std::fs::write("/proc/self/gid_map", format!("{gid} {gid} 1"))?;
    let none = None::<&str>;
    mount(none, "/", none, MsFlags::MS_REC | MsFlags::MS_PRIVATE, none)?;
    // Folders to bind, opened before hidden folders cover them: a bind
    // from `/proc/self/fd/N` reaches them still.
    let writable: Vec<(&Path, std::fs::File)> = sandbox
        .writable
        .iter()
        .map(|dir| Ok((dir.as_path(), std::fs::File::open(dir)?)))
        .collect::<std::io::Result<_>>()?;
    let shown: Vec<(&Path, std::fs::File)> =
        sandbox.shown.iter().filter_map(|dir| Some((dir.as_path(), std::fs::File::open(dir).ok()?))).collect();
    for dir in &sandbox.hidden {
        mount(Some("tmpfs"), dir.as_path(), Some("tmpfs"), MsFlags::MS_NOSUID | MsFlags::MS_NODEV, Some("mode=0755"))?;
    }
    for (dir, opened) in shown.iter().chain(&writable) {
        std::fs::create_dir_all(dir)?;
        let source = format!("/proc/self/fd/{}", opened.as_raw_fd());
        mount(Some(source.as_str()), *dir, none, MsFlags::MS_BIND | MsFlags::MS_REC, none)?;
    }
    let mounts = std::fs::read_to_string("/proc/self/mountinfo")?;
    for (point, options) in mounts.lines().filter_map(mount_point) {
        // `/proc` stays as it is: the program's own PID namespace mounts
        // a fresh one over it (see `isolation`), which needs it writable.
        if sandbox.writable.iter().any(|dir| point.starts_with(dir)) || point.starts_with("/proc") {
            continue;
        }
        let flags = MsFlags::MS_REMOUNT | MsFlags::MS_BIND | MsFlags::MS_RDONLY | kept_flags(&options);
        let remounted = mount(none, point.as_path(), none, flags, none);
        // Special file systems may refuse; the root must not.
        if point == Path::new("/") {
            remounted?;
        }
    }
    Ok(())
}

/// The mount point and per-mount options of a line of `/proc/self/mountinfo`.
fn mount_point(line: &str) -> Option<(PathBuf, String)> {
    let mut fields = line.split(' ');
    let point = fields.nth(4)?;
    let options = fields.next()?;
    Some((PathBuf::from(unescape(point)), options.to_owned()))
}

/// Mount flags a user namespace may not drop when remounting.
fn kept_flags(options: &str) -> MsFlags {
    options.split(',').fold(MsFlags::empty(), |flags, option| {
        flags
            | match option {
                "nosuid" => MsFlags::MS_NOSUID,
                "nodev" => MsFlags::MS_NODEV,
                "noexec" => MsFlags::MS_NOEXEC,
                "noatime" => MsFlags::MS_NOATIME,
                "nodiratime" => MsFlags::MS_NODIRATIME,
                "relatime" => MsFlags::MS_RELATIME,
                _ => MsFlags::empty(),
            }
    })
}

/// Undoes mountinfo's octal escapes (`\040` for a space).
fn unescape(field: &str) -> String {
    let mut out = Vec::with_capacity(field.len());
    let bytes = field.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes
            .get(i + 1..i + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u8::from_str_radix(d, 8).ok());
        match (bytes[i], octal) {
            (b'\\', Some(byte)) => {
                out.push(byte);
                i += 4;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_lines_give_point_and_options() {
        let line = "36 35 98:0 /mnt1 /mnt/my\\040disk rw,nosuid,noatime master:1 - ext3 /dev/root rw";
        let (point, options) = mount_point(line).expect("parsed");
        assert_eq!(point, Path::new("/mnt/my disk"));
        assert_eq!(kept_flags(&options), MsFlags::MS_NOSUID | MsFlags::MS_NOATIME);
    }
}
