"""`ahual serve` against a real Prefect server process on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from ahual.flows.ops.server import free_port
from ahual.flows.schedules import SCHEDULES, TIMEZONE


def call(url: str, body: dict | None = None, method: str = "POST"):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def wait_for(what: str, check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def prefect_server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-server"),
               PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_UI_ENABLED="false")
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host",
                               "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api"
    try:
        wait_for("the Prefect server", lambda: call(f"{url}/health", method="GET"), 120)
        yield url, env
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_registers_the_schedules_and_runs_a_deployment(prefect_server, demo_copy):
    url, env = prefect_server
    env = dict(env, PREFECT_API_URL=url, AHUAL_HOME=str(demo_copy))
    served = subprocess.Popen([sys.executable, "-m", "ahual.flows", "serve"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deployments = wait_for(
            "the deployments",
            lambda: (lambda found: found if len(found) == len(SCHEDULES) else None)(
                call(f"{url}/deployments/filter", {})), 120)
        by_name = {d["name"]: d for d in deployments}
        assert set(by_name) == {s.name for s in SCHEDULES}
        for s in SCHEDULES:
            [schedule] = by_name[s.name]["schedules"]
            assert schedule["schedule"]["cron"] == s.cron
            assert schedule["schedule"]["timezone"] == TIMEZONE
            assert schedule["active"] and not by_name[s.name]["paused"]
        automations = {a["name"] for a in call(f"{url}/automations/filter", {})}
        assert {"ahual-file-rejected", "ahual-region-not-reported"} <= automations

        # retried: a busy server (SQLite, 2 cores) has answered 503 here
        run = wait_for("the flow run to be created", lambda: call(
            f"{url}/deployments/{by_name['completeness-check']['id']}/create_flow_run",
            {"parameters": {"period": "2008H2"}}), 60)
        state = wait_for(
            "the flow run to finish",
            lambda: (lambda s: s if s["type"] in {"COMPLETED", "FAILED", "CRASHED"} else None)(
                call(f"{url}/flow_runs/{run['id']}", method="GET")["state"]), 180)
        assert state["type"] == "COMPLETED"
    finally:
        served.terminate()
        served.wait(timeout=60)
