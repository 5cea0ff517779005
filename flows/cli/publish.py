"""The commands that run a flow and publish: demo, build, snapshot, report, completeness,
inbox."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer

from ahual.flows.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    STATE,
    flows,
    ingest_exit,
    run_flow,
)
from ahual.flows.console import say
from ahual.flows.obligations import half_year, reporting_half_years
from ahual.flows.ops import completeness as completeness_step
from ahual.flows.ops.demo import prepare_home
from ahual.flows.problems import UsageError
from ahual.flows.report import LANGUAGES
from ahual.flows.snapshot import SnapshotRefused, quarter_of
from ahual.flows.snapshot import diff as snapshot_diff


def demo() -> int:
    """The whole pipeline on the bundled, made-up demo data.

    Ingests and validates every demo file (one is refused on purpose), builds the marts, takes
    the quarterly snapshot, writes the report and says where each result is. It works in a home
    of its own (the per-user folder ahual-demo, or --home on an empty folder), never in an
    analyst's; everything it writes says its figures are made up. Running it again changes
    nothing.

    Example: ahual demo"""
    prepare_home()
    pipeline = flows()
    state, _ = run_flow(pipeline.demo)
    return EXIT_OK if state.is_completed() else EXIT_REJECTED


def build(force: Annotated[bool, typer.Option("--force", help="rebuild every model even if "
                                                         "nothing changed")] = False) -> int:
    """Bring the marts up to date with what is loaded, check them, publish them.

    Only the models downstream of what changed are rebuilt, and nothing at all when nothing
    changed; --force rebuilds every model.

    Example: ahual build --force"""
    pipeline = flows()
    _, result = run_flow(pipeline.build_marts, force=force)
    return ingest_exit(result)


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
    if diff:
        for text in diff:
            quarter_of(text, date.today())
        for line in snapshot_diff(*diff):
            print(line)
        return EXIT_OK
    period = quarter_of(quarter, date.today())
    if not period.is_closed(date.today()):
        raise UsageError(f"{period} has not closed yet (it ends on {period.end}); a quarter "
                         "is snapshotted after it closes")
    pipeline = flows()
    try:
        run_flow(pipeline.snapshot, quarter=str(period))
    except SnapshotRefused as refused:
        say(f"snapshot REFUSED: {refused}", style="refused", err=True)
        return EXIT_REJECTED
    return EXIT_OK


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
    pipeline = flows()
    run_flow(pipeline.report, period=str(half), lang=",".join(chosen))
    return EXIT_OK


def completeness(period: Annotated[str | None, typer.Option(
        "--period", metavar="YYYYHn", help="the half-year, e.g. 2008H2 (default: the latest "
        "one the data holds that is due)")] = None) -> int:
    """Who has not reported for a half-year (exit status 1 when someone has not).

    Regions owe the registration report as of the day after the half-year, responsible
    agencies their progress report. Without --period: the last closed half-year.

    Answered from the published warehouse, with no Prefect server or worker to wait for; the
    scheduled `completeness-check` flow records the same answer as artifacts in the UI.

    Example: ahual completeness --period 2008H2 --json"""
    found = completeness_step.check(str(half_year(period)))
    if STATE["json"]:
        print(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
    return EXIT_OK if found.complete else EXIT_REJECTED


def inbox() -> int:
    """Ingest the complete files waiting in AHUAL_HOME/inbox/, then move each aside.

    inbox/registrations/, inbox/progress/, inbox/monitoring/round-N/, inbox/survey/<STUDY>/.
    A file is taken once it has not changed for a minute; links, folders and special files are
    refused unread.

    Example: ahual inbox"""
    pipeline = flows()
    _, result = run_flow(pipeline.ingest_inbox)
    return ingest_exit(result)
