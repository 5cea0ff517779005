"""The Prefect server Ahual's commands talk to.

With PREFECT_API_URL set, that server. Otherwise the local server of this AHUAL_HOME: started
in the background by the first command that runs a flow, then reused by every later command.
It is `prefect server start` on a free 127.0.0.1 port (its SQLite database and log under
AHUAL_HOME/prefect/), run by a keeper (flows/ops/keeper.py) that stops it once it has been
unused for AHUAL_IDLE_SECONDS, or when its home is moved away from it. Two commands starting
at once take a lock file: one starts the server, the other waits and uses it.

The pointer AHUAL_HOME/prefect/server.json names the home, the keeper's pid and the URL. It is
believed only when the home is this one and the pid is the keeper of this home: a copied or
moved home starts its own server and never stops the original's. A pointer that fails the check
is stale and removed. Nothing here imports Prefect: the server is a separate process.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ahual.flows.settings import Home, Settings

START_SECONDS = 180
_USING: dict[str, IO] = {}  # home -> the usage lock this process holds (see `use`)
_STARTED_HERE: set[str] = set()  # homes whose server this process started


class ServerError(RuntimeError):
    """The local Prefect server could not be started or reached."""


def healthy(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as answer:
            return answer.status == 200
    except (OSError, ValueError):
        return False


# --- the pointer ----------------------------------------------------------------------------

def _pointer_path(home: Home) -> Path:
    return home.prefect / "server.json"


def read_pointer(home: Home) -> dict | None:
    try:
        pointer = json.loads(_pointer_path(home).read_text(encoding="utf-8"))
        return pointer if isinstance(pointer, dict) else None
    except (OSError, ValueError):
        return None


def write_pointer(home: Home, pid: int, url: str) -> None:
    partial = home.prefect / f"server.json.{pid}"
    partial.write_text(json.dumps({"home": str(home.root), "pid": pid, "url": url}),
                       encoding="utf-8")
    os.replace(partial, _pointer_path(home))
    home.server_url_file.write_text(url, encoding="utf-8")  # read by the pipeline


def clean_pointer(home: Home, pid: int | None = None) -> None:
    """Remove the pointer (only if it still names `pid`, when given)."""
    if pid is not None and (read_pointer(home) or {}).get("pid") != pid:
        return
    for path in (_pointer_path(home), home.server_url_file, home.server_pid_file):
        path.unlink(missing_ok=True)


def _keeper_of(pid: int, home: Home) -> bool:
    """Whether `pid` is the keeper of this home's server (not another home's, not a pid the
    system has given to something else since)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            argv = cmdline.read().split(b"\0")
    except OSError:
        return False
    return b"ahual.flows.ops.keeper" in argv and os.fsencode(str(home.root)) in argv and _alive(pid)


def verified(home: Home) -> dict | None:
    """The pointer, if it belongs to this home and its keeper runs; a pointer that does not is
    stale and removed (a copied or moved home, a killed server)."""
    pointer = read_pointer(home)
    if pointer is None:
        if home.server_url_file.exists() or home.server_pid_file.exists():
            clean_pointer(home)  # left by a release without the pointer, or half-removed
        return None
    pid = pointer.get("pid")
    if pointer.get("home") != str(home.root) or not isinstance(pid, int) or not _keeper_of(
            pid, home):
        clean_pointer(home)
        return None
    return pointer


def running(home: Home) -> str | None:
    """The URL of this AHUAL_HOME's local server if it is this home's and answers now."""
    pointer = verified(home)
    url = (pointer or {}).get("url")
    return url if url and healthy(url) else None


# --- starting, using, stopping --------------------------------------------------------------

@contextmanager
def _start_lock(home: Home):
    home.prefect.mkdir(parents=True, exist_ok=True)
    with open(home.server_lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api_url(settings: Settings, on_start=None) -> str:
    """The Prefect API to use: PREFECT_API_URL, or the local server (started if need be)."""
    if settings.prefect_api_url:
        return settings.prefect_api_url
    return ensure_local(settings.home, on_start)


def ensure_local(home: Home, on_start=None) -> str:
    use(home)
    url = running(home)
    if url:
        return url
    with _start_lock(home):
        url = running(home)  # another command may have started it while we waited
        if url:
            return url
        if on_start:
            on_start(f"starting Ahual's local Prefect server (once; state in {home.prefect}) ...")
        url = _start(home)
        _STARTED_HERE.add(str(home.root))
        return url


def use(home: Home) -> None:
    """Hold this home's usage lock (shared) until the process ends or `release`: the keeper does
    not stop a server that a command (or `ahual serve`) is using."""
    if str(home.root) in _USING:
        return
    home.prefect.mkdir(parents=True, exist_ok=True)
    handle = open(home.prefect / "server.users", "a")  # noqa: SIM115  (held open on purpose)
    fcntl.flock(handle, fcntl.LOCK_SH)
    _USING[str(home.root)] = handle


def release() -> None:
    """Let go of the usage locks (the warm worker, between commands)."""
    for handle in _USING.values():
        handle.close()
    _USING.clear()


def started_here(home: Home) -> bool:
    return str(home.root) in _STARTED_HERE


def _start(home: Home) -> str:
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(home.prefect), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_API_URL": url}
    with open(home.server_log, "ab") as log:
        keeper = subprocess.Popen(
            [sys.executable, "-m", "ahual.flows.ops.keeper", str(home.root), str(port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
            start_new_session=True)  # outlives the command that started it
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if keeper.poll() is not None:
            raise ServerError(f"the local Prefect server stopped while starting; see "
                              f"{home.server_log}")
        if healthy(url, timeout=1) and (read_pointer(home) or {}).get("pid") == keeper.pid:
            return url
        time.sleep(0.5)
    stop_group(keeper.pid)
    raise ServerError(f"the local Prefect server did not answer within {START_SECONDS} s; see "
                      f"{home.server_log}")


def stop(home: Home) -> bool:
    """Stop this AHUAL_HOME's local server; False if none was running. A pointer that is not
    this home's is removed, never followed."""
    pointer = verified(home)
    if pointer is None:
        return False
    stop_group(pointer["pid"])
    clean_pointer(home)
    return True


def stop_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this process is not alive
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def status(home: Home) -> dict:
    """This home's local server: whether it runs, where, and its files (no empty values)."""
    url = running(home)
    pointer = verified(home) if url else None
    facts: dict = {"server": "running" if url and pointer else "not running"}
    if url and pointer:
        facts |= {"ui": url.removesuffix("/api"), "api": url, "pid": pointer["pid"]}
    facts |= {"home": str(home.root), "log": str(home.server_log),
              "database": str(home.prefect / "prefect.db")}
    return facts

