"""The commands of `ahual` (typer). Each checks its arguments first (exit 2, one line saying
what is expected), then runs its flow, or answers without Prefect when no flow is needed.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ahual.flows import console, settings
from ahual.flows.cli import aliases as aliases_cli
from ahual.flows.cli import backup as backup_cli
from ahual.flows.cli import ingest as ingest_cli
from ahual.flows.cli import loads as loads_cli
from ahual.flows.cli import publish
from ahual.flows.cli import server as server_cli
from ahual.flows.cli import site as site_cli
from ahual.flows.cli.common import (
    EXIT_CODES,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    STATE,
    RunInDaemon,
)
from ahual.flows.cli.faults import one_line
from ahual.flows.cli.help import flags_without_type
from ahual.flows.console import say
from ahual.flows.kinds import kinds
from ahual.flows.ops import daemon
from ahual.flows.ops import status as status_step
from ahual.flows.ops.doctor import print_doctor
from ahual.flows.ops.server import ServerError
from ahual.flows.problems import InputRejected, UsageError
from ahual.flows.resources import code_version
from ahual.flows.snapshot import SnapshotRefused
from ahual.warehouse.store import WarehouseBusy, WarehouseOutdated

app = typer.Typer(
    name="ahual", no_args_is_help=True, add_completion=False, rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES,
    help="Ahual: validated data on the religious situation by region.\n\n"
         "State lives in AHUAL_HOME (set it, or use --home; default: the per-user data folder "
         f"{settings.default_home()}). Global options (-v, --home, --json) may stand "
         "anywhere on the line.")
app.add_typer(ingest_cli.app, name="ingest")
for _command in (publish.demo, publish.build, publish.snapshot, publish.report,
                 publish.completeness, publish.inbox):
    app.command(epilog=EXIT_CODES)(_command)
app.add_typer(server_cli.app, name="server")
app.command()(server_cli.serve)
app.command()(server_cli.deployments)
app.add_typer(aliases_cli.app, name="aliases")
app.command("site", epilog=site_cli.EXIT_CODES)(site_cli.site)
app.add_typer(loads_cli.app, name="loads")
app.command("backup", epilog=EXIT_CODES)(backup_cli.backup)
app.command("restore", epilog=EXIT_CODES)(backup_cli.restore)
for _kind in kinds().values():  # a kind's own commands: `ahual register ...`, `ahual studies ...`
    for _name, _where in _kind.commands:
        _module, _, _attribute = _where.partition(":")
        app.add_typer(getattr(importlib.import_module(_module), _attribute), name=_name)


def _version(value: bool) -> None:
    if value:
        print(f"ahual {code_version()}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def top(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="show the version and exit")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose",
                                          help="show Prefect's own log lines")] = False,
    home: Annotated[Path | None, typer.Option("--home", help="the AHUAL_HOME folder to use")
                    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output (status, "
                                          "completeness, ingest)")] = False,
) -> None:
    """(Global options are taken off the command line before typer sees it; these are for
    --help.)"""


@app.command(epilog=EXIT_CODES)
def status() -> int:
    """Where things are, the published build, loads, quarantine, who has not reported.

    Reads the published warehouse and the quarantine and snapshot folders; never waits for a
    load. With --json, the same as data for scripts.

    Example: ahual status --json"""
    facts = status_step.collect()
    if STATE["json"]:
        print(status_step.as_json(facts))
    else:
        status_step.render(facts)
    return EXIT_OK


@app.command(epilog=EXIT_CODES)
def doctor() -> int:
    """Check the published warehouse is whole and current (exit status 1 if not).

    Batches with all their rows, rows with their lineage, quarantine entries with their
    reasons, marts that agree with core, and the last build published.

    Example: ahual doctor"""
    return print_doctor()



# --- entry ------------------------------------------------------------------------------

def run(argv: list[str], json_output: bool = False, original: list[str] | None = None) -> int:
    STATE["json"] = json_output
    console.STDOUT_IS_DATA = json_output
    try:
        return _dispatch(argv)
    except RunInDaemon:
        code = daemon.run_remote(original if original is not None else argv, settings.home(),
                                 on_start=lambda message: say(message, err=True))
        if code is not None:
            return code
        os.environ["AHUAL_DAEMON"] = "0"  # busy or not startable: run it here
        return _dispatch(argv)


def _dispatch(argv: list[str]) -> int:
    command = typer.main.get_command(app)
    flags_without_type(command)
    try:
        code = command.main(args=argv, prog_name="ahual", standalone_mode=False)
    except RunInDaemon:
        raise
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        print("interrupted: nothing half-loaded is published", file=sys.stderr)
        return EXIT_REJECTED
    except typer.TyperException as error:  # typer's own usage errors (no such command, ...)
        if hasattr(error, "show"):
            error.show()
        else:
            print(f"ahual: {error}", file=sys.stderr)
        return getattr(error, "exit_code", EXIT_USAGE) or EXIT_USAGE
    except UsageError as error:
        print(f"ahual: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted: nothing half-loaded is published", file=sys.stderr)
        return EXIT_REJECTED
    except InputRejected as refused:
        for problem in refused.problems:
            print(f"ahual: {problem.plain()}", file=sys.stderr)
        return EXIT_REJECTED
    except _expected_errors() as error:
        print(f"ahual: {error}", file=sys.stderr)
        return EXIT_REJECTED
    except Exception as error:  # a full disk, a permission, a lost server: one line (-v: all)
        line = one_line(error)
        if line is None or settings.settings().verbose:
            raise
        print(f"ahual: {line}", file=sys.stderr)
        return EXIT_REJECTED
    return code if isinstance(code, int) else EXIT_OK


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Refusals an analyst can act on: said in one line, never as a traceback."""
    return (ServerError, WarehouseBusy, WarehouseOutdated, FileNotFoundError, SnapshotRefused)
