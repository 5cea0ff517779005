"""What every command of the command line shares: exit statuses, the output mode, and running
a flow (on the local Prefect server, in the warm worker when there is one).

Importing the pipeline imports Prefect (seconds): `flows()` does it only when a command needs a
flow, after every argument is checked, so help, status, doctor and usage errors answer at once.
"""

from __future__ import annotations

import json
import os
import sys

from ahual.flows import settings
from ahual.flows.console import say
from ahual.flows.ops import daemon, server

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
EXIT_CODES = ("Exit status: 0 everything loaded (or already was) / done; 1 something was "
              "refused (a file, kept in AHUAL_HOME/quarantine/ with its reason; a build; a "
              "snapshot that no longer reproduces; someone has not reported); 2 usage error.")
STATE = {"json": False}


class RunInDaemon(Exception):
    """The command's arguments are good and it needs a flow: the warm worker runs it."""


def flows():
    """The pipeline, with Prefect set up: Ahual's settings, and the API of a running server."""
    config = settings.settings()
    if not config.verbose:  # the analyst reads Ahual's lines; Prefect's repeat them (before
        # Ahual's defaults, which would set these first; a refusal's ERROR is for the UI)
        for handler in ("CONSOLE", "CONSOLE_FLOW_RUNS", "CONSOLE_TASK_RUNS"):
            os.environ.setdefault(f"PREFECT_LOGGING_HANDLERS_{handler}_LEVEL", "CRITICAL")
    for name, value in config.prefect_environment().items():
        os.environ.setdefault(name, value)
    config.home.prefect.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_API_URL"] = server.api_url(config, on_start=lambda m: say(m, err=True))
    if daemon.enabled() and not config.verbose and "prefect" not in sys.modules:
        raise RunInDaemon
    from ahual.flows import pipeline  # Prefect's import: only once a flow is certain

    return pipeline


def run_flow(flow_fn, **kwargs):
    """Run a flow; its state and the value it returned (raised again if it is an error)."""
    from ahual.flows.pipeline import Rejected  # as flows(): the pipeline imports Prefect

    state = flow_fn(**kwargs, return_state=True)
    value = state.result(raise_on_failure=False)
    if isinstance(value, Rejected):  # a refusal the run has said; what it did comes with it
        return state, value.result
    if isinstance(value, BaseException):
        raise value
    return state, value


def ingest_exit(result) -> int:
    if STATE["json"]:
        print(json.dumps({"files": [o.as_dict() for o in result.outcomes],
                          "refused_build": [p.plain() for p in result.refused_build],
                          "published": str(result.published) if result.published else None},
                         ensure_ascii=False, indent=2))
    return EXIT_REJECTED if result.rejected else EXIT_OK
