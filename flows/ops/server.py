"""The Prefect server Ahual's commands talk to.

With PREFECT_API_URL set, that server. Otherwise the local server of this AHUAL_HOME: started
in the background by the first command that runs a flow (`prefect server start` on a free
loopback port, its SQLite database and log under AHUAL_HOME/prefect/), then reused by every
later command until `ahual server stop`. Its address is in AHUAL_HOME/prefect/api-url. Two
commands starting at once take a lock file: one starts the server, the other waits and uses it.
Nothing here imports Prefect: the server is a separate process.
"""

from __future__ import annotations

import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from ahual.settings import Home, Settings

START_SECONDS = 180


class ServerError(RuntimeError):
    """The local Prefect server could not be started or reached."""


def healthy(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout) as answer:
            return answer.status == 200
    except (OSError, ValueError):
        return False


def running(home: Home) -> str | None:
    """The URL of this AHUAL_HOME's local server if it answers now (the file may be left over
    from a server that was killed)."""
    try:
        url = home.server_url_file.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return url if url and healthy(url) else None


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
    url = running(home)
    if url:
        return url
    with _start_lock(home):
        url = running(home)  # another command may have started it while we waited
        if url:
            return url
        if on_start:
            on_start(f"starting Ahual's local Prefect server (once; state in {home.prefect}) ...")
        return _start(home)


def _start(home: Home) -> str:
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(home.prefect), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_UI_API_URL": url}
    with open(home.server_log, "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(port)], stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
            start_new_session=True)  # outlives the command that started it
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerError(f"the local Prefect server stopped while starting; see "
                              f"{home.server_log}")
        if healthy(url, timeout=1):
            home.server_pid_file.write_text(str(server.pid), encoding="utf-8")
            home.server_url_file.write_text(url, encoding="utf-8")
            return url
        time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise ServerError(f"the local Prefect server did not answer within {START_SECONDS} s; see "
                      f"{home.server_log}")


def stop(home: Home) -> bool:
    """Stop this AHUAL_HOME's local server; False if none was running."""
    try:
        pid = int(home.server_pid_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pid = None
    stopped = False
    if pid and _is_prefect_server(pid):
        try:
            os.killpg(pid, signal.SIGTERM)
            stopped = True
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.2)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
    for path in (home.server_pid_file, home.server_url_file):
        path.unlink(missing_ok=True)
    return stopped


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie child of this process is not alive
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _is_prefect_server(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return b"prefect\x00server\x00start" in cmdline.read()
    except OSError:
        return False


def status(home: Home) -> dict:
    url = running(home)
    try:
        pid = int(home.server_pid_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pid = None
    return {"running": bool(url), "url": url, "pid": pid if url else None,
            "ui": url.removesuffix("/api") if url else None, "log": str(home.server_log),
            "database": str(home.prefect / "prefect.db")}
