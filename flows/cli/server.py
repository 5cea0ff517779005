"""The local Prefect server and the scheduled deployments: `ahual server start|stop|status`,
`ahual serve`, `ahual deployments`."""

from __future__ import annotations

import json
import os
import sys

import typer

from ahual.flows import settings
from ahual.flows.cli.common import EXIT_OK, STATE, flows
from ahual.flows.console import say
from ahual.flows.ops import daemon, server
from ahual.flows.ops.serve import serve as run_serve
from ahual.flows.schedules import prefect_yaml

app = typer.Typer(no_args_is_help=True, help="The local Prefect server Ahual's commands use "
                  "(started on first use, reused until stopped).")


@app.command()
def serve() -> int:
    """Run the scheduled deployments and the automations until stopped.

    inbox-ingest daily, completeness-check on 10 January and 10 July, consolidated-report on
    20 January and 20 July, quarterly-snapshot after each quarter (Asia/Almaty time).

    Example: ahual serve"""
    os.environ["AHUAL_DAEMON"] = "0"  # a process of its own, stopped on its own: not the worker
    flows()
    run_serve()
    return EXIT_OK


@app.command()
def deployments() -> int:
    """Print the deployments as a prefect.yaml for a work pool (flows/prefect.yaml).

    Example: ahual deployments > flows/prefect.yaml"""
    sys.stdout.write(prefect_yaml())
    return EXIT_OK


@app.command("start")
def server_start() -> int:
    """Start the local Prefect server now (any command that needs it starts it too)."""
    url = server.ensure_local(settings.home(), on_start=say)
    say(f"Prefect server at {url.removesuffix('/api')} (UI); API {url}")
    return EXIT_OK


@app.command("stop")
def server_stop() -> int:
    """Stop the local Prefect server of this AHUAL_HOME and Ahual's warm worker."""
    worker = daemon.stop(settings.home())
    say("stopped" if server.stop(settings.home()) or worker
        else "no local Prefect server was running")
    return EXIT_OK


@app.command("status")
def server_status() -> int:
    """What runs for this AHUAL_HOME: its local Prefect server (where, its log and database) and
    its warm worker."""
    workers = daemon.running(settings.home())
    facts = server.status(settings.home()) | {
        "worker": ", ".join(f"pid {pid}" for pid in workers) if workers else "not running"}
    if STATE["json"]:
        print(json.dumps(facts, indent=2))
    else:
        for key, value in facts.items():
            print(f"{key:<9} {value}")
    return EXIT_OK
