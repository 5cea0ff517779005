"""`ahual serve`: the scheduled deployments, run against a Prefect server.

With PREFECT_API_URL set, the deployments register there; otherwise a local Prefect server
(SQLite under AHUAL_HOME/prefect) is started on 127.0.0.1 first. All schedules are in the
Asia/Almaty time zone. Beyond one machine, run the same flows from a work pool (see README).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from flows import config

TIMEZONE = "Asia/Almaty"
SCHEDULES = {
    # deployment name: (flow, cron, what it does)
    "inbox-ingest": ("flows.inbox:ingest_inbox", "0 7 * * *",
                     "daily: ingest files dropped in AHUAL_HOME/inbox/<kind>/"),
    "completeness-check": ("flows.completeness:completeness_check", "0 9 10 1,7 *",
                           "10 January and 10 July: who has not reported for the half-year"),
    "consolidated-report": ("flows.report:report", "0 9 20 1,7 *",
                            "20 January and 20 July: the semi-annual report to the Government"),
    "quarterly-snapshot": ("flows.snapshot:snapshot", "0 6 1 1,4,7,10 *",
                           "first day after a quarter closes: the quarterly snapshot"),
}


def deployments() -> list:
    import importlib

    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    built = []
    for name, (target, cron, description) in SCHEDULES.items():
        module, attribute = target.split(":")
        flow_object = getattr(importlib.import_module(module), attribute)
        built.append(flow_object.to_deployment(
            name=name, description=description, schedules=[Cron(cron, timezone=TIMEZONE)],
            entrypoint_type=EntrypointType.MODULE_PATH, tags=["ahual"]))
    return built


def start_local_server(port: int = 4200) -> tuple[subprocess.Popen, str]:
    """Start `prefect server start` on loopback and wait until it answers."""
    if _port_busy(port):
        raise RuntimeError(f"port {port} on 127.0.0.1 is taken; set PREFECT_API_URL to the "
                           "Prefect server that runs there, or free the port")
    url = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
         "--port", str(port)], env=os.environ.copy())
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the local Prefect server stopped while starting; run with -v")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return server, url
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError("the local Prefect server did not start within 120 s")


def server_file():
    """Where `ahual serve` leaves the address of the local server it runs, so that other
    `ahual` commands on this AHUAL_HOME use it instead of starting their own."""
    return config.ahual_home() / "prefect" / "api-url"


def running_local_server() -> str | None:
    """The API URL of the local server `ahual serve` runs, if it answers now (the file may be
    left over from a server that was killed)."""
    try:
        url = server_file().read_text(encoding="utf-8").strip()
        with urllib.request.urlopen(f"{url}/health", timeout=1) as answer:
            return url if answer.status == 200 else None
    except (OSError, ValueError):
        return None


def _port_busy(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def serve() -> None:
    """Register the deployments and run their schedules until interrupted."""
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        print("starting a local Prefect server on 127.0.0.1:4200 "
              f"(state in {config.ahual_home() / 'prefect'}) ...", flush=True)
        server, url = start_local_server()
        os.environ["PREFECT_API_URL"] = url
        server_file().write_text(url, encoding="utf-8")
    from prefect import serve as prefect_serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings(updates={PREFECT_API_URL: os.environ["PREFECT_API_URL"]}):
            for name, (_, cron, description) in SCHEDULES.items():
                print(f"  {name:<20} {cron:<18} {TIMEZONE}  {description}", flush=True)
            # Keep schedules active when this process is restarted (Prefect pauses them on
            # SIGTERM by default, and a paused deployment silently stops running).
            prefect_serve(*deployments(), pause_on_shutdown=False)
    finally:
        if server is not None:
            server_file().unlink(missing_ok=True)
            server.terminate()
            server.wait(timeout=30)
