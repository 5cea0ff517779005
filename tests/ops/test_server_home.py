"""A home owns its processes: its server pointer names the home and is checked before use, a
copied home starts its own server and never stops the original's, stale pointers are removed,
the server and the warm worker leave when idle, and `ahual serve` keeps its server while it runs
and takes it down with its pointer when stopped by SIGTERM.

Every server here is a real `ahual` local server (no PREFECT_API_URL), started by `ahual` in a
subprocess and stopped by the test."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ahual.flows.ops import daemon, server
from ahual.flows.schedules import SCHEDULES
from ahual.flows.settings import Home
from ahual.flows.site.serve import server as site_server


@pytest.fixture(scope="module")
def prefect_harness():
    """The servers of this module are the homes' own."""
    yield None


def ahual(home: Path, *argv: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environment |= {"AHUAL_HOME": str(home), "AHUAL_DAEMON": "0", **env}
    return subprocess.run([sys.executable, "-m", "ahual.flows", *argv], env=environment,
                          capture_output=True, text=True, timeout=400)


def pointer(home: Path) -> dict:
    return json.loads((home / "prefect" / "server.json").read_text(encoding="utf-8"))


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie child of this process does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def until(what: str, check, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """A home whose server runs (started by `ahual server start`); stopped at the end."""
    home = tmp_path_factory.mktemp("server") / "original"
    done = ahual(home, "server", "start")
    try:
        assert done.returncode == 0, done.stderr
        yield home
    finally:
        ahual(home, "server", "stop")


def test_the_pointer_names_its_home_and_status_lists_what_runs(original):
    found = pointer(original)
    assert found["home"] == str(original) and server.healthy(found["url"])
    facts = json.loads(ahual(original, "--json", "server", "status").stdout)
    assert facts["server"] == "running" and facts["pid"] == found["pid"]
    assert facts["api"] == found["url"] and facts["worker"] == "not running"
    text = ahual(original, "server", "status").stdout
    assert "None" not in text and f"pid       {found['pid']}" in text
    # the server's database is as private as the rest of the home
    for path in (original, original / "prefect", original / "prefect" / "prefect.db",
                 original / "prefect" / "server.log"):
        assert path.stat().st_mode & 0o077 == 0, path


def listening(port: int) -> set[str]:
    """The addresses something listens on at this TCP port (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                local, state = line.split()[1], line.split()[3]
                address, _, at = local.rpartition(":")
                if state == "0A" and int(at, 16) == port:  # LISTEN
                    found.add(address)
    return found


def test_servers_listen_on_loopback_only(original, tmp_path):
    port = int(pointer(original)["url"].rsplit(":", 1)[1].split("/")[0])
    assert listening(port) == {"0100007F"}  # 127.0.0.1
    site = site_server(tmp_path, 0)
    try:
        assert listening(site.server_address[1]) == {"0100007F"}
    finally:
        site.server_close()


def test_a_copied_home_starts_its_own_server_and_leaves_the_originals_alone(original, tmp_path):
    before = pointer(original)
    copy = tmp_path / "copy"
    # a backup copy of the home (not the SQLite files the running server is writing)
    shutil.copytree(original, copy, ignore=shutil.ignore_patterns("prefect.db*"))
    status = ahual(copy, "server", "status").stdout
    assert "server    not running" in status and "None" not in status
    assert not (copy / "prefect" / "server.json").exists()  # not its own: removed
    assert not (copy / "prefect" / "api-url").exists()
    assert "no local Prefect server was running" in ahual(copy, "server", "stop").stdout
    assert alive(before["pid"]) and server.healthy(before["url"])
    try:
        assert ahual(copy, "server", "start").returncode == 0
        own = pointer(copy)
        assert own["home"] == str(copy) and own["pid"] != before["pid"]
        assert own["url"] != before["url"] and server.healthy(own["url"])
    finally:
        ahual(copy, "server", "stop")
    assert pointer(original) == before and server.healthy(before["url"])


def test_a_stale_pointer_is_removed_and_never_followed(original, tmp_path):
    before = pointer(original)
    other = tmp_path / "other"
    (other / "prefect").mkdir(parents=True)
    # another home's live keeper and URL, as a copy or a reused pid would leave them
    (other / "prefect" / "server.json").write_text(json.dumps(
        {"home": str(other), "pid": before["pid"], "url": before["url"]}), encoding="utf-8")
    (other / "prefect" / "api-url").write_text(before["url"], encoding="utf-8")
    assert "server    not running" in ahual(other, "server", "status").stdout
    assert "no local Prefect server was running" in ahual(other, "server", "stop").stdout
    assert not any((other / "prefect").glob("server.json*"))
    assert not (other / "prefect" / "api-url").exists()
    assert alive(before["pid"]) and server.healthy(before["url"])


def test_the_server_leaves_when_idle(tmp_path):
    home = tmp_path / "idle"
    assert ahual(home, "server", "start", AHUAL_IDLE_SECONDS="2").returncode == 0
    keeper = pointer(home)["pid"]
    try:
        until("the idle server to leave", lambda: not alive(keeper), 90)
        assert not (home / "prefect" / "server.json").exists()
        assert "unused for 2 s" in (home / "prefect" / "server.log").read_text(encoding="utf-8")
    finally:
        ahual(home, "server", "stop")


def test_the_warm_worker_leaves_when_idle(tmp_path, monkeypatch):
    home = Home(tmp_path / "worker-home")
    home.root.mkdir()
    monkeypatch.setenv("AHUAL_HOME", str(home.root))
    monkeypatch.setenv("AHUAL_IDLE_SECONDS", "15")  # long enough to be seen on a busy machine
    try:
        daemon._start(home)
        [pid] = until("the worker's pid file", lambda: daemon.running(home), 60)
        until("the idle worker to leave", lambda: not alive(pid), 90)
        assert daemon.running(home) == [] and not list((home.root / "run").glob("*.sock"))
    finally:
        daemon.stop(home)


def test_serve_keeps_its_server_and_takes_it_down_on_sigterm(tmp_path):
    home = tmp_path / "serving"
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environment |= {"AHUAL_HOME": str(home), "AHUAL_IDLE_SECONDS": "2"}
    served = subprocess.Popen([sys.executable, "-m", "ahual.flows", "serve"], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    keeper = None
    try:
        url = until("serve's server", lambda: server.running(Home(home)), 300)
        keeper = pointer(home)["pid"]

        def deployments() -> bool:
            request = urllib.request.Request(f"{url}/deployments/filter", data=b"{}",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as answer:
                return len(json.loads(answer.read())) == len(SCHEDULES)

        until("the deployments", deployments, 300)
        time.sleep(8)  # four idle times: `ahual serve` is using its server
        assert alive(keeper) and server.healthy(url)
        served.send_signal(signal.SIGTERM)
        assert served.wait(timeout=120) == 0
        assert not (home / "prefect" / "server.json").exists()
        assert not (home / "prefect" / "api-url").exists()
        until("serve's server to stop", lambda: not alive(keeper), 60)
    finally:
        if served.poll() is None:
            os.killpg(served.pid, signal.SIGKILL)
        if keeper and alive(keeper):
            server.stop_group(keeper)
