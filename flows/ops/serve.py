"""`ahual serve`: the scheduled deployments (flows/schedules.py), run by this process against the
Prefect server every command uses (flows/ops/server.py) until it is stopped.

While it runs it keeps the home's local server in use (it never leaves for being idle). Stopped
by SIGTERM (systemd) or Ctrl-C, it stops the local server it started itself, with its pointer.
"""

from __future__ import annotations

import importlib
import signal

from ahual.flows import settings
from ahual.flows.console import say
from ahual.flows.ops import server
from ahual.flows.schedules import SCHEDULES, TIMEZONE


def deployments() -> list:
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    built = []
    for s in SCHEDULES:
        module, attribute = s.entrypoint.split(":")
        flow_object = getattr(importlib.import_module(module), attribute)
        built.append(flow_object.to_deployment(
            name=s.name, description=s.description, parameters=s.parameters,
            schedules=[Cron(s.cron, timezone=TIMEZONE)],
            concurrency_limit=1 if s.writes else None,
            entrypoint_type=EntrypointType.MODULE_PATH, tags=["ahual"]))
    return built


def serve() -> None:
    """Register the deployments and run their schedules until interrupted."""
    from prefect import serve as prefect_serve

    from ahual.flows.ops import automations

    for automation in automations.register():
        say(f"  automation {automation.name}: {automation.description}")
    for s in SCHEDULES:
        say(f"  {s.name:<20} {s.cron:<18} {TIMEZONE}  {s.description}")
    signal.signal(signal.SIGTERM, _interrupted)  # Prefect's serve shuts down on Ctrl-C only
    try:
        # Keep schedules active when this process is restarted (Prefect pauses them on SIGTERM
        # by default, and a paused deployment silently stops running).
        prefect_serve(*deployments(), pause_on_shutdown=False)
    finally:
        home = settings.home()
        if server.started_here(home):
            server.stop(home)


def _interrupted(*_) -> None:
    raise KeyboardInterrupt
