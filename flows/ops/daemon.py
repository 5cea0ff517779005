"""A warm worker for the commands that run flows, so each pays for its work and not for
start-up: importing Prefect and Great Expectations alone takes 4-5 s, validating a small file
0.3 s.

The first command that needs a flow starts `python -m ahual.ops.daemon` in the background (one
per AHUAL_HOME and Prefect API); it imports the pipeline once and then runs the commands sent
to it over a Unix socket (AHUAL_HOME/run/), one at a time, streaming their output back, until
it has been idle for IDLE_SECONDS, its code changes, or `ahual server stop`. A command that
finds it busy or unreachable runs in its own process instead, so nothing ever waits on it.
Set AHUAL_DAEMON=0 to run every command in its own process.
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
import subprocess
import sys
import time
from pathlib import Path

IDLE_SECONDS = 900
START_SECONDS = 90
PASSED_ENV = ("AHUAL_", "PREFECT_", "GX_", "COLUMNS", "LINES", "TZ", "LANG", "LC_")


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
    return run / f"daemon-{tag}.sock", run / f"daemon-{tag}.busy", run / f"daemon-{tag}.pid"


# --- the client (in the `ahual` process) ---------------------------------------------------

def run_remote(argv: list[str], home) -> int | None:
    """Run `argv` in the daemon; its exit status, or None when it cannot take the command
    (busy, or it would not start): the caller then runs it in its own process."""
    sock_path, busy, _ = _paths(home)
    if _is_busy(busy):
        return None
    connection = _connect(sock_path)
    if connection is None:
        _start(home)
        connection = _connect(sock_path, wait=START_SECONDS)
        if connection is None:
            return None
    request = {"argv": argv, "cwd": os.getcwd(), "stamp": _code_stamp(),
               "tty": [sys.stdout.isatty(), sys.stderr.isatty()],
               "env": {k: v for k, v in os.environ.items() if k.startswith(PASSED_ENV)}}
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
    sock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(sock_path.with_suffix(".start.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two commands at once start one daemon
        probe = _connect(sock_path)
        if probe is not None:
            probe.close()
            return
        log = open(home.root / "run" / "daemon.log", "ab")
        subprocess.Popen([sys.executable, "-m", "ahual.ops.daemon", str(sock_path)],
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         start_new_session=True, env=os.environ.copy())
        probe = _connect(sock_path, wait=START_SECONDS)
        if probe is not None:
            probe.close()


def _interrupt(home) -> None:
    _, _, pid_file = _paths(home)
    with contextlib.suppress(OSError, ValueError):
        os.kill(int(pid_file.read_text()), signal.SIGINT)


def stop(home) -> bool:
    """Stop this home's daemons; whether one was running."""
    stopped = False
    for pid_file in (home.root / "run").glob("daemon-*.pid"):
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
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


def serve(sock_path: Path) -> None:
    stamp = _code_stamp()
    from ahual import pipeline  # noqa: F401  (the imports this process exists to keep warm)
    from ahual.cli import main
    from ahual.gate import validation  # noqa: F401

    sock_path.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(sock_path))
    server.listen(8)
    server.settimeout(IDLE_SECONDS)
    busy_path = sock_path.with_suffix(".busy")
    pid_file = sock_path.with_suffix(".pid")
    pid_file.write_text(str(os.getpid()))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    base_env = dict(os.environ)
    try:
        while True:
            try:
                connection, _ = server.accept()
            except TimeoutError:
                return  # idle: the next command starts a fresh one
            with connection, open(busy_path, "w") as busy:
                line = connection.makefile("r", encoding="utf-8").readline()
                if not line.strip():
                    continue  # a probe: someone checked that the daemon is up
                fcntl.flock(busy, fcntl.LOCK_EX)
                request = json.loads(line)
                if request.get("stamp") != stamp:
                    connection.sendall(b'{"decline": "code changed"}\n')
                    return
                code = _run_one(main, request, connection, base_env)
                with contextlib.suppress(OSError):
                    connection.sendall((json.dumps({"exit": code}) + "\n").encode())
    finally:
        server.close()
        sock_path.unlink(missing_ok=True)
        pid_file.unlink(missing_ok=True)


def _run_one(main, request: dict, connection: socket.socket, base_env: dict) -> int:
    os.environ.clear()
    os.environ.update(base_env)
    os.environ.update(request["env"])
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
        import traceback

        traceback.print_exc()
        print(f"ahual: internal error: {error}", file=sys.stderr)
        return 1
    finally:
        sys.stdout, sys.stderr = saved


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
