"""A warm worker for the commands that run flows, so each pays for its work and not for
start-up: importing Prefect and Great Expectations alone takes 4-5 s, validating a small file
0.3 s.

The first command that needs a flow starts `python -m ahual.flows.cli.warm` in the background (one
per AHUAL_HOME and Prefect API); it imports the pipeline once and then runs the commands sent
to it over a Unix socket (AHUAL_HOME/run/), one at a time, streaming their output back, until
it has been idle for AHUAL_IDLE_SECONDS, its code changes, its home moves, or `ahual server
stop`. A command that finds it busy or unreachable runs in its own process instead, so nothing
ever waits on it. Set AHUAL_DAEMON=0 to run every command in its own process.

It runs commands as its owner, so it serves its owner only: the socket is in a folder only the
owner may enter (whatever AHUAL_HOME_MODE says), the peer's uid is checked (SO_PEERCRED) before
a byte of the request is read, a request for another home is declined, and of the environment a
client sends only Ahual's settings and the terminal's (ALLOWED_ENV) are used.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from ahual.flows.ops import server
from ahual.flows.settings import Settings

START_SECONDS = 90
# the worker's process: the command line kept warm (it imports the CLI, which imports this)
WARM_MODULE = "ahual.flows.cli.warm"
TICK_SECONDS = 5  # how often an idle daemon checks its home and its idle time
# What of a client's environment a command may see: Ahual's settings, the terminal's, the locale
# (not PREFECT_API_URL: a daemon serves one API, which it has from its start).
ALLOWED_ENV = frozenset(
    {f.validation_alias for f in Settings.model_fields.values()
     if isinstance(f.validation_alias, str)}
    | {"AHUAL_NOTIFY_URL", "COLUMNS", "LINES", "TERM", "NO_COLOR", "FORCE_COLOR", "TZ", "LANG",
       "LANGUAGE"}) - {"PREFECT_API_URL"}


def allowed_environment(env: dict) -> dict[str, str]:
    return {k: str(v) for k, v in env.items()
            if (k in ALLOWED_ENV or k.startswith("LC_")) and k != "AHUAL_DAEMON"}


def enabled() -> bool:
    return os.environ.get("AHUAL_DAEMON", "1") != "0"


def _code_stamp() -> str:
    """Changes whenever a file of the installed package changes (an upgrade, an edit)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()[:16]


def _paths(home) -> tuple[Path, Path, Path]:
    """Socket, busy lock and pid file of the daemon serving this home and Prefect API."""
    api = os.environ.get("PREFECT_API_URL", "")
    tag = hashlib.sha256(api.encode()).hexdigest()[:8]
    run = home.root / "run"
    return (_socket_path(home, tag), run / f"daemon-{tag}.busy", run / f"daemon-{tag}.pid")


SUN_PATH_MAX = 107  # bytes a Unix socket's path may have (sockaddr_un.sun_path, less the NUL)


def _socket_path(home, tag: str) -> Path:
    """AHUAL_HOME/run/daemon-<tag>.sock; for a home so deep that the path would not fit a
    socket address, a socket named for the home in this user's own private temporary folder
    (0700; a folder of that name owned by anyone else is never used)."""
    path = home.root / "run" / f"daemon-{tag}.sock"
    if len(os.fsencode(path)) <= SUN_PATH_MAX:
        return path
    folder = Path("/tmp") / f"ahual-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)
    if folder.is_symlink() or folder.stat().st_uid != os.getuid():
        return path  # not ours: binding the long path fails, and the command runs in-process
    os.chmod(folder, 0o700)
    named = hashlib.sha256(str(home.root).encode()).hexdigest()[:16]
    return folder / f"{named}-{tag}.sock"


def _private_run_folder(home) -> Path:
    """AHUAL_HOME/run/, which only the owner may enter (also in a home its group may read)."""
    run = home.root / "run"
    run.mkdir(parents=True, exist_ok=True)
    os.chmod(run, 0o700)
    return run


def running(home) -> list[int]:
    """The pids of this home's warm workers that run now (a copied home's pid files are not
    followed: the pid must be the daemon of this home's socket)."""
    found = []
    for pid_file in sorted((home.root / "run").glob("daemon-*.pid")):
        pid = _daemon_pid(pid_file)
        if pid is None:
            pid_file.unlink(missing_ok=True)  # stale: its daemon is gone
        else:
            found.append(pid)
    return found


def _daemon_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text())
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            argv = cmdline.read().split(b"\0")
    except (OSError, ValueError):
        return None
    # the daemon names its home's run files (AHUAL_HOME/run/daemon-<tag>) on its command line:
    # a copied home's pid file names a process that serves another home
    ours = WARM_MODULE.encode() in argv and os.fsencode(str(pid_file.with_suffix(""))) in argv
    return pid if ours else None


# --- the client (in the `ahual` process) ---------------------------------------------------

def run_remote(argv: list[str], home, on_start: Callable[[str], None] | None = None
               ) -> int | None:
    """Run `argv` in the daemon; its exit status, or None when it cannot take the command
    (busy, or it would not start): the caller then runs it in its own process. Starting the
    daemon is said at once (`on_start`), and when it is ready, with the seconds it took."""
    sock_path, busy, _ = _paths(home)
    if _is_busy(busy):
        return None
    connection = _connect(sock_path)
    if connection is None:
        started = time.monotonic()
        if on_start:
            on_start("starting Ahual's warm worker (it imports Prefect and Great Expectations "
                     "once, ~10-20 s; the next commands reuse it) ...")
        _start(home)
        connection = _connect(sock_path, wait=START_SECONDS)
        if connection is None:
            return None
        if on_start:
            on_start(f"worker ready after {time.monotonic() - started:.0f} s")
    request = {"argv": argv, "cwd": os.getcwd(), "stamp": _code_stamp(), "home": str(home.root),
               "tty": [sys.stdout.isatty(), sys.stderr.isatty()],
               "env": allowed_environment(os.environ)}
    try:
        connection.sendall((json.dumps(request) + "\n").encode())
        stream = connection.makefile("r", encoding="utf-8")
        for line in stream:
            message = json.loads(line)
            if "out" in message:
                sys.stdout.write(message["out"])
                sys.stdout.flush()
            elif "err" in message:
                sys.stderr.write(message["err"])
                sys.stderr.flush()
            elif "exit" in message:
                return message["exit"]
            elif "decline" in message:  # stale code, or busy after all
                return None
    except KeyboardInterrupt:
        _interrupt(home)
        raise
    except OSError:
        return None
    finally:
        connection.close()
    return None


def _is_busy(busy: Path) -> bool:
    if not busy.exists():
        return False
    with open(busy, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _connect(path: Path, wait: float = 0) -> socket.socket | None:
    deadline = time.monotonic() + wait
    while True:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(str(path))
            return connection
        except OSError:
            connection.close()
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.2)


def _start(home) -> None:
    sock_path, _, pid_file = _paths(home)
    _private_run_folder(home)
    with open(sock_path.with_suffix(".start.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two commands at once start one daemon
        probe = _connect(sock_path)
        if probe is not None:
            probe.close()
            return
        log = open(home.root / "run" / "daemon.log", "ab")
        subprocess.Popen([sys.executable, "-m", WARM_MODULE, str(sock_path),
                          str(pid_file.with_suffix(""))],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         start_new_session=True, env=os.environ.copy())
        probe = _connect(sock_path, wait=START_SECONDS)
        if probe is not None:
            probe.close()


def _interrupt(home) -> None:
    _, _, pid_file = _paths(home)
    pid = _daemon_pid(pid_file)
    if pid is not None:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGINT)


def stop(home) -> bool:
    """Stop this home's daemons (never another home's: see `running`); whether one ran."""
    stopped = False
    for pid_file in (home.root / "run").glob("daemon-*.pid"):
        pid = _daemon_pid(pid_file)
        if pid is not None:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
                stopped = True
        pid_file.unlink(missing_ok=True)
    return stopped


# --- the daemon ---------------------------------------------------------------------------

class _Stream(io.TextIOBase):
    """stdout or stderr of one command, sent to its client as it is written."""

    def __init__(self, connection: socket.socket, key: str, tty: bool):
        self.connection, self.key, self.tty = connection, key, tty

    def write(self, text: str) -> int:
        if text:
            with contextlib.suppress(OSError):
                self.connection.sendall((json.dumps({self.key: text}) + "\n").encode())
        return len(text)

    def isatty(self) -> bool:
        return self.tty

    def flush(self) -> None:
        pass


def peer_uid(connection: socket.socket) -> int:
    """The uid of the process at the other end of a Unix socket, from the kernel."""
    credentials = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                        struct.calcsize("3i"))
    return struct.unpack("3i", credentials)[1]


def serve(sock_path: Path, stem: Path, main: Callable[[list[str]], int]) -> None:
    """Serve commands on `sock_path` with `main` (the command line, imported warm by
    flows/cli/warm.py); `stem` is AHUAL_HOME/run/daemon-<tag>, beside which the pid file and
    busy lock live (the socket itself may live elsewhere: see `_socket_path`)."""
    stamp = _code_stamp()
    home_root = str(stem.parent.parent)
    idle = Settings().idle_seconds
    sock_path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(sock_path))
    os.chmod(sock_path, 0o600)
    listener.listen(8)
    listener.settimeout(min(idle, TICK_SECONDS) if idle > 0 else TICK_SECONDS)
    bound = os.stat(sock_path).st_ino
    busy_path = stem.with_suffix(".busy")
    pid_file = stem.with_suffix(".pid")
    pid_file.write_text(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    base_env = dict(os.environ)
    last_used = time.monotonic()
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                if idle > 0 and time.monotonic() - last_used > idle:
                    return  # idle: the next command starts a fresh one
                if not _still_mine(sock_path, bound) or not pid_file.exists():
                    return  # the home was moved or removed: a new daemon will serve it
                continue
            with connection, open(busy_path, "w") as busy:
                uid = peer_uid(connection)
                if uid != os.getuid():  # before reading a byte of what it sends
                    print(f"refused a connection from uid {uid}", file=sys.stderr, flush=True)
                    continue
                line = connection.makefile("r", encoding="utf-8").readline()
                if not line.strip():
                    continue  # a probe: someone checked that the daemon is up
                fcntl.flock(busy, fcntl.LOCK_EX)
                last_used = time.monotonic()
                request = json.loads(line)
                if request.get("home") != home_root:
                    connection.sendall(b'{"decline": "another home"}\n')
                    continue
                if request.get("stamp") != stamp:
                    connection.sendall(b'{"decline": "code changed"}\n')
                    return
                code = _run_one(main, request, connection, base_env)
                last_used = time.monotonic()
                with contextlib.suppress(OSError):
                    connection.sendall((json.dumps({"exit": code}) + "\n").encode())
    finally:
        listener.close()
        if _still_mine(sock_path, bound):
            sock_path.unlink(missing_ok=True)
            pid_file.unlink(missing_ok=True)


def _still_mine(sock_path: Path, bound: int) -> bool:
    """Whether the socket path is still the one this daemon listens on."""
    try:
        return os.stat(sock_path).st_ino == bound
    except OSError:
        return False


def _run_one(main, request: dict, connection: socket.socket, base_env: dict) -> int:
    os.environ.clear()
    os.environ.update(base_env)
    os.environ.update(allowed_environment(request.get("env") or {}))
    os.environ["AHUAL_DAEMON"] = "0"  # inside: run here
    out_tty, err_tty = request["tty"]
    saved = sys.stdout, sys.stderr
    sys.stdout = _Stream(connection, "out", out_tty)
    sys.stderr = _Stream(connection, "err", err_tty)
    try:
        os.chdir(request["cwd"])
        return main(request["argv"])
    except KeyboardInterrupt:
        print("interrupted: nothing half-loaded is published", file=sys.stderr)
        return 1
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    except Exception as error:  # a bug: said to the client, the daemon goes on
        traceback.print_exc()
        print(f"ahual: internal error: {error}", file=sys.stderr)
        return 1
    finally:
        sys.stdout, sys.stderr = saved
        server.release()  # between commands, the local server may leave when idle
