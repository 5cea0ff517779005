"""The commands of `ahual` (typer). Each checks its arguments first (exit 2, one line saying
what is expected), then runs its flow, or answers without Prefect when no flow is needed.
"""

from __future__ import annotations

import inspect
import json
import sys
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Annotated

import typer

from ahual import settings
from ahual.cli import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from ahual.cli import aliases as aliases_cli
from ahual.cli import backup as backup_cli
from ahual.cli import loads as loads_cli
from ahual.cli import site as site_cli
from ahual.cli.help import flags_without_type
from ahual.console import say
from ahual.kinds import kinds
from ahual.problems import InputRejected, UsageError

EXIT_CODES = ("Exit status: 0 everything loaded (or already was) / done; 1 something was "
              "refused (a file, kept in AHUAL_HOME/quarantine/ with its reason; a build; a "
              "snapshot that no longer reproduces; someone has not reported); 2 usage error.")
STATE = {"json": False}


class RunInDaemon(Exception):
    """The command's arguments are good and it needs a flow: the warm worker runs it."""

app = typer.Typer(
    name="ahual", no_args_is_help=True, add_completion=False, rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES,
    help="Ahual: validated data on the religious situation by region.\n\n"
         "State lives in AHUAL_HOME (set it, or use --home; default: the per-user data folder "
         f"{settings.default_home()}). Global options (-v, --home, --json) may stand "
         "anywhere on the line.")
ingest_app = typer.Typer(no_args_is_help=True, help="Validate and load input files, then build "
                         "and publish the marts.", epilog=EXIT_CODES)
server_app = typer.Typer(no_args_is_help=True, help="The local Prefect server Ahual's commands "
                         "use (started on first use, reused until stopped).")
app.add_typer(ingest_app, name="ingest")
app.add_typer(server_app, name="server")
app.add_typer(aliases_cli.app, name="aliases")
app.command("site", epilog=site_cli.EXIT_CODES)(site_cli.site)
app.add_typer(loads_cli.app, name="loads")
app.command("backup", epilog=EXIT_CODES)(backup_cli.backup)
app.command("restore", epilog=EXIT_CODES)(backup_cli.restore)


def _version(value: bool) -> None:
    if value:
        from ahual.resources import code_version

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


# --- running flows --------------------------------------------------------------------------

def _flows():
    """The pipeline, with Prefect set up: Ahual's settings, and the API of a running server."""
    import os

    from ahual.ops import server

    config = settings.settings()
    if not config.verbose:  # the analyst reads Ahual's lines; Prefect's repeat them (before
        # Ahual's defaults, which would set these first; a refusal's ERROR is for the UI)
        for handler in ("CONSOLE", "CONSOLE_FLOW_RUNS", "CONSOLE_TASK_RUNS"):
            os.environ.setdefault(f"PREFECT_LOGGING_HANDLERS_{handler}_LEVEL", "CRITICAL")
    for name, value in config.prefect_environment().items():
        os.environ.setdefault(name, value)
    config.home.prefect.mkdir(parents=True, exist_ok=True)
    os.environ["PREFECT_API_URL"] = server.api_url(config, on_start=lambda m: say(m, err=True))
    from ahual.ops import daemon

    if daemon.enabled() and not config.verbose and "prefect" not in sys.modules:
        raise RunInDaemon
    from ahual import pipeline

    return pipeline


def _run(flow_fn, **kwargs):
    """Run a flow; its state and the value it returned (raised again if it is an error)."""
    from ahual.pipeline import Rejected

    state = flow_fn(**kwargs, return_state=True)
    value = state.result(raise_on_failure=False)
    if isinstance(value, Rejected):  # a refusal the run has said; what it did comes with it
        return state, value.result
    if isinstance(value, BaseException):
        raise value
    return state, value


def _ingest_exit(result) -> int:
    if STATE["json"]:
        print(json.dumps({"files": [o.as_dict() for o in result.outcomes],
                          "refused_build": [p.plain() for p in result.refused_build],
                          "published": str(result.published) if result.published else None},
                         ensure_ascii=False, indent=2))
    return EXIT_REJECTED if result.rejected else EXIT_OK


# --- ingest ------------------------------------------------------------------------------

def _files_exist(files: list[Path]) -> None:
    missing = [str(f) for f in files if not f.exists() and not f.is_symlink()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")


def _already_loaded(kind, options, files: list[Path]) -> list | None:
    """The outcomes when every file's load is already published (answered without Prefect),
    else None."""
    from ahual.gate.files import FileOutcome, receive
    from ahual.warehouse import store

    home = settings.home()
    if not home.published_warehouse.exists():
        return None
    candidates = [receive(f, kind, options) for f in files]
    if any(c.refusal for c in candidates):
        return None
    wh = store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)
    try:
        with wh.read_published() as con:
            batches = [store.loaded_batch(con, c.load_key) for c in candidates]
            # a load reverted or replaced since is made current again by the flow
            standing = [store.load_standing(con, b) for b in batches if b is not None]
    except Exception:  # an unreadable published file: let the flow say what is wrong
        return None
    if any(b is None for b in batches) or not all(store.is_current(s[0]) for s in standing
                                                  if s):
        return None
    return [FileOutcome(c.path.name, kind.name, "unchanged", batch_id=b)
            for c, b in zip(candidates, batches, strict=True)]


def ingest_command(kind_name: str, files: list[Path], options: dict) -> int:
    kind = kinds()[kind_name]
    try:
        chosen = kind.options(**{k: v for k, v in options.items() if v is not None})
    except TypeError as error:
        raise UsageError(f"ingest {kind_name}: {error}") from error
    kind.check_options(chosen)
    if kind.one_file and len(files) != 1:
        raise UsageError(f"ingest {kind_name} takes one file at a time ({len(files)} given)")
    _files_exist(files)
    files = [f.absolute() for f in files]
    done = _already_loaded(kind, chosen, files)
    if done is not None:
        from ahual.gate.files import IngestResult

        result = IngestResult(done)
        for outcome in done:
            say(outcome.line())
        return _ingest_exit(result)
    pipeline = _flows()
    _, result = _run(pipeline.ingest, kind=kind_name, files=[str(f) for f in files],
                     options=chosen.as_dict())
    return _ingest_exit(result)


def _ingest_function(kind):
    """A typer command for `ahual ingest <kind>`, its options from the kind's dataclass."""
    parameters = []
    for f in fields(kind.options):
        required = f.default is MISSING and f.default_factory is MISSING
        flag = f"--{f.name.replace('_', '-')}"
        if str(f.type) == "bool":
            annotation = Annotated[bool, typer.Option(flag, help=f.metadata.get("help"))]
            parameters.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY,
                                                annotation=annotation, default=False))
            continue
        kind_type = Path if "Path" in str(f.type) else int if str(f.type) == "int" else str
        annotation = Annotated[kind_type if required else kind_type | None, typer.Option(
            flag, help=f.metadata.get("help"), metavar=f.metadata.get("metavar"),
            show_default=False)]
        parameters.append(inspect.Parameter(
            f.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
            default=inspect.Parameter.empty if required else None))
    files = inspect.Parameter("files", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[
        list[Path], typer.Argument(metavar="FILE", help="the file to load" if kind.one_file
                                   else "the files to load", show_default=False)])

    def command(**arguments):
        found = arguments.pop("files")
        return ingest_command(kind.name, list(found), arguments)

    command.__signature__ = inspect.Signature([files, *parameters])
    command.__name__ = f"ingest_{kind.name}"
    command.__doc__ = (f"{kind.title} ({', '.join(kind.suffixes)}).\n\nEach file is loaded "
                       "whole or refused whole with its reason (kept in AHUAL_HOME/quarantine/);"
                       " the same file again changes nothing. Rules: "
                       f"datasets/contracts/{kind.name}.yaml, expectations/{kind.name}.json."
                       f"\n\nExample: {kind.example}")
    return command


for _kind in kinds().values():
    ingest_app.command(_kind.name, epilog=EXIT_CODES)(_ingest_function(_kind))


# --- the other commands -------------------------------------------------------------------

@app.command(epilog=EXIT_CODES)
def demo() -> int:
    """The whole pipeline on the bundled, made-up demo data.

    Ingests and validates every demo file (one is refused on purpose), builds the marts, takes
    the quarterly snapshot, writes the report and says where each result is. It works in a home
    of its own (the per-user folder ahual-demo, or --home on an empty folder), never in an
    analyst's; everything it writes says its figures are made up. Running it again changes
    nothing.

    Example: ahual demo"""
    from ahual.ops.demo import prepare_home

    prepare_home()
    pipeline = _flows()
    state, _ = _run(pipeline.demo)
    return EXIT_OK if state.is_completed() else EXIT_REJECTED


@app.command(epilog=EXIT_CODES)
def build(force: Annotated[bool, typer.Option("--force", help="rebuild every model even if "
                                                         "nothing changed")] = False) -> int:
    """Bring the marts up to date with what is loaded, check them, publish them.

    Only the models downstream of what changed are rebuilt, and nothing at all when nothing
    changed; --force rebuilds every model.

    Example: ahual build --force"""
    pipeline = _flows()
    _, result = _run(pipeline.build_marts, force=force)
    return _ingest_exit(result)


@app.command(epilog=EXIT_CODES)
def snapshot(
    quarter: Annotated[str | None, typer.Option("--quarter", metavar="YYYYQn", help="the "
                                                "quarter, e.g. 2008Q4 (default: the closed "
                                                "quarter of the latest data)")] = None,
    diff: Annotated[tuple[str, str] | None, typer.Option(
        "--diff", metavar="FROM TO", help="what changed between two snapshots, by mart and "
        "key, instead")] = None,
) -> int:
    """Write the quarterly snapshot of a closed quarter: every mart as Parquet, a manifest.

    Taking a closed quarter again reproduces it byte for byte or refuses and says which marts
    changed; --diff compares two snapshots mart by mart and key by key.

    Example: ahual snapshot --quarter 2008Q4 ; ahual snapshot --diff 2008Q4 2009Q1"""
    from datetime import date

    from ahual.periods import Period
    from ahual.snapshot import SnapshotRefused, quarter_of

    if diff:
        from ahual.snapshot import diff as snapshot_diff

        for text in diff:
            quarter_of(text, date.today())
        for line in snapshot_diff(*diff):
            print(line)
        return EXIT_OK
    period = quarter_of(quarter, date.today())
    if not period.is_closed(date.today()):
        raise UsageError(f"{period} has not closed yet (it ends on {period.end}); a quarter "
                         "is snapshotted after it closes")
    del Period
    pipeline = _flows()
    try:
        _run(pipeline.snapshot, quarter=str(period))
    except SnapshotRefused as refused:
        say(f"snapshot REFUSED: {refused}", style="refused", err=True)
        return EXIT_REJECTED
    return EXIT_OK


@app.command(epilog=EXIT_CODES)
def report(
    period: Annotated[str | None, typer.Option("--period", metavar="YYYYHn", help="the "
                                               "half-year, e.g. 2008H2 (default: the latest "
                                               "one the data holds that is due)")] = None,
    lang: Annotated[str, typer.Option("--lang", metavar="kk,ru,en", help="languages, "
                                      "comma-separated")] = "kk,ru",
) -> int:
    """Write the semi-annual information report (HTML and XLSX) to the Government.

    One HTML page and one workbook per language under AHUAL_HOME/reports/<period>/; Kazakh
    and Russian by default, as the Government receives it.

    Example: ahual report --period 2008H2 --lang kk,ru"""
    from datetime import date

    from ahual.ops.completeness import half_year, reporting_half_years
    from ahual.report import LANGUAGES

    half = half_year(period)
    chosen = [x.strip() for x in lang.split(",") if x.strip()]
    unknown = [x for x in chosen if x not in LANGUAGES]
    if unknown or not chosen:
        raise UsageError(f"--lang {lang}: write one or more of {', '.join(LANGUAGES)}, "
                         "comma-separated")
    known = reporting_half_years()
    if str(half) not in known:  # said here, before any flow run exists
        raise UsageError(f"{half} is not a reporting half-year of the programme "
                         f"({', '.join(known)})")
    if known[str(half)] > date.today():
        say(f"{half}: nothing is due yet (the report is due by {known[str(half)]})")
        return EXIT_OK
    pipeline = _flows()
    _run(pipeline.report, period=str(half), lang=",".join(chosen))
    return EXIT_OK


@app.command(epilog=EXIT_CODES)
def completeness(period: Annotated[str | None, typer.Option(
        "--period", metavar="YYYYHn", help="the half-year, e.g. 2008H2 (default: the latest "
        "one the data holds that is due)")] = None) -> int:
    """Who has not reported for a half-year (exit status 1 when someone has not).

    Regions owe the registration report as of the day after the half-year, responsible
    agencies their progress report. Without --period: the last closed half-year.

    Example: ahual completeness --period 2008H2 --json"""
    from ahual.ops.completeness import half_year

    half = half_year(period)
    pipeline = _flows()
    _, found = _run(pipeline.completeness_check, period=str(half))
    if STATE["json"]:
        print(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
    return EXIT_OK if found.complete else EXIT_REJECTED


@app.command(epilog=EXIT_CODES)
def status() -> int:
    """Where things are, the published build, loads, quarantine, who has not reported.

    Reads the published warehouse and the quarantine and snapshot folders; never waits for a
    load. With --json, the same as data for scripts.

    Example: ahual status --json"""
    from ahual.ops import status as status_step

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
    from ahual.ops.doctor import print_doctor

    return print_doctor()


@app.command(epilog=EXIT_CODES)
def inbox() -> int:
    """Ingest the complete files waiting in AHUAL_HOME/inbox/, then move each aside.

    inbox/registrations/, inbox/progress/, inbox/monitoring/round-N/, inbox/survey/<STUDY>/.
    A file is taken once it has not changed for a minute; links, folders and special files are
    refused unread.

    Example: ahual inbox"""
    pipeline = _flows()
    _, result = _run(pipeline.ingest_inbox)
    return _ingest_exit(result)


@app.command()
def serve() -> int:
    """Run the scheduled deployments and the automations until stopped.

    inbox-ingest daily, completeness-check on 10 January and 10 July, consolidated-report on
    20 January and 20 July, quarterly-snapshot after each quarter (Asia/Almaty time).

    Example: ahual serve"""
    import os

    os.environ["AHUAL_DAEMON"] = "0"  # a process of its own, stopped on its own: not the worker
    _flows()
    from ahual.ops.serve import serve as run_serve

    run_serve()
    return EXIT_OK


@app.command()
def deployments() -> int:
    """Print the deployments as a prefect.yaml for a work pool (flows/prefect.yaml).

    Example: ahual deployments > flows/prefect.yaml"""
    from ahual.schedules import prefect_yaml

    sys.stdout.write(prefect_yaml())
    return EXIT_OK


@server_app.command("start")
def server_start() -> int:
    """Start the local Prefect server now (any command that needs it starts it too)."""
    from ahual.ops import server

    url = server.ensure_local(settings.home(), on_start=say)
    say(f"Prefect server at {url.removesuffix('/api')} (UI); API {url}")
    return EXIT_OK


@server_app.command("stop")
def server_stop() -> int:
    """Stop the local Prefect server of this AHUAL_HOME and Ahual's warm worker."""
    from ahual.ops import daemon, server

    worker = daemon.stop(settings.home())
    say("stopped" if server.stop(settings.home()) or worker
        else "no local Prefect server was running")
    return EXIT_OK


@server_app.command("status")
def server_status() -> int:
    """What runs for this AHUAL_HOME: its local Prefect server (where, its log and database) and
    its warm worker."""
    from ahual.ops import daemon, server

    workers = daemon.running(settings.home())
    facts = server.status(settings.home()) | {
        "worker": ", ".join(f"pid {pid}" for pid in workers) if workers else "not running"}
    if STATE["json"]:
        print(json.dumps(facts, indent=2))
    else:
        for key, value in facts.items():
            print(f"{key:<9} {value}")
    return EXIT_OK


# --- entry ------------------------------------------------------------------------------

def run(argv: list[str], json_output: bool = False, original: list[str] | None = None) -> int:
    from ahual import console

    STATE["json"] = json_output
    console.STDOUT_IS_DATA = json_output
    try:
        return _dispatch(argv)
    except RunInDaemon:
        import os

        from ahual.ops import daemon

        code = daemon.run_remote(original if original is not None else argv, settings.home())
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
        from ahual.cli.faults import one_line

        line = one_line(error)
        if line is None or settings.settings().verbose:
            raise
        print(f"ahual: {line}", file=sys.stderr)
        return EXIT_REJECTED
    return code if isinstance(code, int) else EXIT_OK


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Refusals an analyst can act on: said in one line, never as a traceback."""
    from ahual.ops.server import ServerError
    from ahual.warehouse.store import WarehouseBusy, WarehouseOutdated

    found: list[type[BaseException]] = [ServerError, WarehouseBusy, WarehouseOutdated,
                                        FileNotFoundError]
    if "ahual.snapshot" in sys.modules:
        found.append(sys.modules["ahual.snapshot"].SnapshotRefused)
    return tuple(found)
