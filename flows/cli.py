"""The `ahual` command line. Exit status: 0 all loaded, 1 something was rejected, 2 usage."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from flows import config
from flows.problems import InputRejected

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _quiet_prefect(verbose: bool) -> None:
    """Keep Prefect's state under AHUAL_HOME and its console chatter out of the analyst's way.

    Must run before prefect is imported. Explicit settings from the environment win.
    """
    if "PREFECT_API_URL" not in os.environ and "PREFECT_HOME" not in os.environ:
        from flows.serve import running_local_server

        prefect_home = config.ahual_home() / "prefect"
        prefect_home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(prefect_home)
        # While `ahual serve` runs, use its server: starting an ephemeral one costs ~15-20 s
        # per command, and the runs then show in the same UI as the scheduled ones.
        url = running_local_server()
        if url:
            os.environ["PREFECT_API_URL"] = url
    level = "INFO" if verbose else "WARNING"
    for handler in ("CONSOLE", "CONSOLE_FLOW_RUNS", "CONSOLE_TASK_RUNS"):
        os.environ.setdefault(f"PREFECT_LOGGING_HANDLERS_{handler}_LEVEL", level)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect gives its ephemeral server 20 s to start; a busy 2-core machine (two loads at
    # once, a notebook) can take longer, and the load would fail for no fault of its input.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="ahual",
        description="Ahual: validated data on the religious situation by region. State lives "
                    f"in AHUAL_HOME (now {config.ahual_home()}).",
        epilog="Exit status: 0 everything loaded, 1 something was rejected (see quarantine/), "
               "2 usage error.")
    top.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own logs")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("demo", help="run the whole pipeline on the bundled demo data")

    ingest = commands.add_parser("ingest", help="validate and load input files")
    kinds = ingest.add_subparsers(dest="kind", required=True, metavar="KIND")
    reg = kinds.add_parser("registrations", help="regional registration reports (CSV/XLSX)")
    reg.add_argument("files", nargs="+", type=Path, metavar="FILE")
    mon = kinds.add_parser("monitoring", help="regional monitoring sheets of one round")
    mon.add_argument("--round", type=int, required=True, metavar="N",
                     help="the monitoring round (1-3)")
    mon.add_argument("files", nargs="+", type=Path, metavar="FILE")

    survey = kinds.add_parser("survey", help="one study's respondent microdata (.sav, or CSV "
                              "with a codebook)")
    survey.add_argument("--study", required=True, metavar="ID",
                        help="the study, e.g. S04 (datasets/reference/studies/studies.csv)")
    survey.add_argument("--codebook", type=Path, metavar="PATH",
                        help="codebook CSV (default: FILE.codebook.csv beside a CSV file)")
    survey.add_argument("files", nargs=1, type=Path, metavar="FILE")

    prog = kinds.add_parser("progress", help="agencies' half-year progress reports on the "
                            "programme's measures (CSV/XLSX)")
    prog.add_argument("files", nargs="+", type=Path, metavar="FILE")

    build = commands.add_parser("build", help="rebuild the marts and publish the warehouse")
    build.add_argument("--force", action="store_true",
                       help="rebuild even if nothing changed since the last build")

    snap = commands.add_parser("snapshot", help="write the quarterly snapshot (Parquet + "
                               "manifest) of a closed quarter")
    snap.add_argument("--quarter", metavar="YYYYQn",
                      help="the quarter, e.g. 2008Q4 (default: the last closed quarter)")
    snap.add_argument("--diff", nargs=2, metavar=("FROM", "TO"),
                      help="show what changed between two snapshots instead")
    rep = commands.add_parser("report", help="write the semi-annual information report (HTML "
                              "and XLSX) under AHUAL_HOME/reports/")
    rep.add_argument("--period", metavar="YYYYHn",
                     help="the half-year, e.g. 2008H2 (default: the last closed one)")
    commands.add_parser("status", help="paths, last loads, quarantine, who has not reported")
    check = commands.add_parser("completeness", help="who has not reported for a half-year")
    check.add_argument("--period", metavar="YYYYHn",
                       help="the half-year, e.g. 2008H2 (default: the last closed one)")
    commands.add_parser("doctor", help="check the warehouse is whole: lineage, batches, "
                        "quarantine, marts against core")
    commands.add_parser("inbox", help="ingest the files waiting in AHUAL_HOME/inbox/<kind>/")
    commands.add_parser("serve", help="run the scheduled deployments against a Prefect server "
                        "(PREFECT_API_URL, or a local one it starts)")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _quiet_prefect(args.verbose)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("interrupted: nothing half-loaded is published", file=sys.stderr)
        return EXIT_REJECTED
    except InputRejected as refused:
        for problem in refused.problems:
            print(f"ahual: {problem.plain()}", file=sys.stderr)
        return EXIT_REJECTED
    except (FileNotFoundError, RuntimeError, ValueError) as error:
        print(f"ahual: {error}", file=sys.stderr)
        return EXIT_REJECTED


def _run(args: argparse.Namespace) -> int:
    if args.command == "status":
        from flows.status import print_status

        return print_status()
    if args.command == "build":
        from flows.build import build_marts

        build_marts(force=args.force)
        return EXIT_OK
    if args.command == "completeness":
        from flows.completeness import completeness_check

        missing = completeness_check(args.period)
        return EXIT_REJECTED if any(missing.values()) else EXIT_OK
    if args.command == "doctor":
        from flows.doctor import print_doctor

        return print_doctor()
    if args.command == "inbox":
        from flows.inbox import ingest_inbox

        return EXIT_REJECTED if any(ingest_inbox().values()) else EXIT_OK
    if args.command == "serve":
        from flows.serve import serve

        serve()
        return EXIT_OK
    if args.command == "snapshot":
        from flows.snapshot import diff, snapshot

        if args.diff:
            print("\n".join(diff(*args.diff)))
            return EXIT_OK
        snapshot(args.quarter)
        return EXIT_OK
    if args.command == "report":
        from flows.report import report

        report(args.period)
        return EXIT_OK
    if args.command == "ingest":
        from flows.ingest import ingest

        missing = [str(f) for f in args.files if not f.is_file()]
        if missing:
            print(f"ahual: no such file: {', '.join(missing)}", file=sys.stderr)
            return EXIT_USAGE
        options = {"monitoring": lambda: {"round": args.round},
                   "survey": lambda: {"study": args.study,
                                      "codebook": args.codebook and str(args.codebook.resolve())},
                   }.get(args.kind, dict)()
        outcomes = ingest(args.kind, [str(f.resolve()) for f in args.files], options)
        return EXIT_REJECTED if any(o.status == "rejected" for o in outcomes) else EXIT_OK
    if args.command == "demo":
        from flows.demo import demo

        return EXIT_OK if demo() else EXIT_REJECTED
    raise AssertionError(args.command)
