# primer's Python zygote: imports the modules of `[test.runners.python]
# preload` once, then forks a fresh child for each program that primer sends
# it, one at a time. The zygote is the child's supervisor: a child subreaper,
# it applies the limits in the child, enforces the time limit, and when the
# program ends kills and reaps everything the program started.
#
# Protocol: one JSON request per line on stdin, one JSON verdict per line on
# stdout, both one socket that primer made (a socket cannot be reopened
# through /proc/PID/fd, so a program cannot write a verdict of its own).
# Requests: {"file", "dir", "env", "stdout", "stderr", "timeout", "memory",
# "file_size", "isolate", "uid", "gid"}. Verdicts: {"code", "signal",
# "timed_out"}.
#
# With "isolate", the child enters new user, mount and PID namespaces and
# forks the program as process 1 of its PID namespace, with its own /proc
# and no capability: the zygote and primer are out of its sight, and when
# it ends the kernel kills whatever it left.
import atexit
import ctypes
import gc
import importlib
# What the preamble reads package versions with, imported once for every child.
import importlib.metadata
import json
import os
import resource
import runpy
import signal
import sys
import time
import traceback

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
MS_REC, MS_PRIVATE = 0x4000, 0x40000
CAPABILITY_VERSION_3 = 0x20080522

libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
# Processes of the same user may not read this one's memory or descriptors.
libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)

stopping = False
idle = True


def stop(_signum, _frame):
    global stopping
    stopping = True
    if idle:
        os._exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, signal.SIG_IGN)

protocol = sys.stdout
sys.stdout = open(os.devnull, "w")

for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except BaseException as error:
        protocol.write(json.dumps({"error": f"cannot preload `{name}`: {error!r}"}) + "\n")
        protocol.flush()
        sys.exit(1)


def children():
    """Every process below this one."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            parents.setdefault(int(stat[stat.rfind(")") + 2 :].split()[1]), []).append(int(entry))
    found, queue = [], [os.getpid()]
    while queue:
        for child in parents.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def kill_descendants():
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        for pid in children():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.002)


def check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"cannot {what}: {os.strerror(error)}")


def isolate(request):
    """Moves the child into namespaces of its own, as process 1 of a new PID
    namespace; the child in the zygote's namespace waits for it and ends as
    it ends."""
    uid, gid = os.getuid(), os.getgid()
    check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID), "make namespaces")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{request['uid']} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{request['gid']} {gid} 1")
    pid = os.fork()
    if pid:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
            os.kill(os.getpid(), os.WTERMSIG(status))
        os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)
    check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make mounts private")
    check(libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None), "mount /proc")
    # No capability is left, so the program cannot undo its own /proc.
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for capability in range(64):
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    check(libc.capset(header, (ctypes.c_uint32 * 6)()), "drop capabilities")


def run(request):
    """The child: becomes the program."""
    if request["isolate"]:
        try:
            isolate(request)
        except OSError as error:
            os.write(2, f"primer: {error}\n".encode())
            os._exit(1)
    # A session of its own: `kill(0, …)` reaches the program's processes,
    # not the zygote's group.
    os.setsid()
    resource.setrlimit(resource.RLIMIT_DATA, (request["memory"], request["memory"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (request["file_size"], request["file_size"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(request["dir"])
    os.environ.clear()
    os.environ.update(request["env"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, fd)
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    sys.argv = [request["file"]]
    sys.path[0] = os.path.dirname(request["file"])
    try:
        runpy.run_path(request["file"], run_name="__main__")
        status = 0
    except SystemExit as exit:
        status = exit_status(exit.code)
    except BaseException:
        # Shown from the program's own frames, as `python file.py` does.
        kind, error, frames = sys.exc_info()
        while frames is not None and frames.tb_frame.f_code.co_filename != request["file"]:
            frames = frames.tb_next
        traceback.print_exception(kind, error, frames)
        status = 1
    shut_down(status)


def exit_status(code):
    """The exit status of `SystemExit(code)`, as the interpreter gives it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def shut_down(status):
    """Ends the child as a program's end looks from inside: non-daemon
    threads joined, atexit functions run, the program's own objects
    released (so its unclosed files are flushed and closed), output
    flushed. What it skips is tearing down the preloaded modules, which
    nothing of the program's can see and which costs a child with pandas
    loaded about a tenth of a second."""
    try:
        threading = sys.modules.get("threading")
        if threading is not None:
            threading._shutdown()
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
        status = status or 1
    # The program's module and everything only it held are unreachable
    # now; the zygote's own objects are frozen and not looked at.
    gc.collect()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(status)


def serve(request):
    started = time.monotonic()
    # Everything the zygote made moves out of the collector's sight: a
    # collection in the child would otherwise visit (and so copy) every
    # page of the preloaded heap.
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        run(request)
    verdict = {"code": None, "signal": None, "timed_out": False}
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if os.WIFEXITED(status):
                verdict["code"] = os.WEXITSTATUS(status)
            elif os.WIFSIGNALED(status):
                verdict["signal"] = os.WTERMSIG(status)
            break
        if time.monotonic() - started >= request["timeout"]:
            verdict["timed_out"] = True
            break
        if stopping:
            break
        time.sleep(0.0005 if time.monotonic() - started < 0.1 else 0.005)
    kill_descendants()
    return verdict


for line in sys.stdin:
    idle = False
    verdict = serve(json.loads(line))
    protocol.write(json.dumps(verdict) + "\n")
    protocol.flush()
    if stopping:
        break
    idle = True
kill_descendants()
