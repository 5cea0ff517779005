"""Benchmark: Ahual's validated loads against DuckDB's own floor and a hand-written script.

    .venv/bin/python -m bench.run [--sizes 10k,100k,1M,10M] [--skip-10m]
                                  [--registration-years 20] [--work DIR] [--out bench/results.md]
                                  [--prefect-server | --prefect-api-url URL] [--skip-cold]
                                  [--keep]

For each survey size it generates the microdata (bench/generate.py) under the scratch directory
(default /tmp/ahual-bench, never the repository) and runs, each in a fresh process:

  floor   DuckDB alone: CREATE TABLE t AS SELECT * FROM read_csv(...) into a file database
  hand    bench/hand.py: pandas read_csv -> GX (same rules) -> DuckDB -> the same estimates
  Ahual   `ahual ingest survey --study S01 FILE` in a fresh AHUAL_HOME (validate, load, build
          every mart, check them, publish)
  no-op   the same command again: the file is unchanged and so are the marts

then the registration history (one report per quarter) through `ahual ingest registrations`,
its floor and its no-op re-run; and the fixed costs of starting the CLI and a Prefect flow.
Every row says wall time and peak RSS (see bench/measure.py). The table is printed and written
as Markdown to --out, with the raw figures as JSON beside it (same name, .json).

Prefect's local database (PREFECT_HOME) is shared by the runs and kept in the scratch directory,
created once by a warm-up flow: a user's first ever run pays its migrations once (measured as
"fresh PREFECT_HOME" unless --skip-cold), not on every load. By default every `ahual` process
starts Prefect's ephemeral server itself, as it does for a user without PREFECT_API_URL; with
--prefect-server one `prefect server start` serves all runs (the recommended setup for
scheduled runs and notebooks), which takes most of Prefect's fixed cost out of each process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from bench import generate
from bench.measure import GNU_TIME, Run, measure

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WORK = Path("/tmp/ahual-bench")
DEFAULT_SIZES = "10k,100k,1M,10M"
SURVEY_COLUMNS = ["rows", "CSV MB", "floor s", "floor MB", "hand s", "hand MB", "Ahual s",
                  "Ahual MB", "Ahual/floor wall", "Ahual/floor RSS", "hand/Ahual wall",
                  "Ahual work s", "no-op s", "no-op work s"]
REGISTRATION_COLUMNS = ["reports", "rows", "floor s", "floor MB", "Ahual s", "Ahual MB",
                        "Ahual/floor wall", "Ahual/floor RSS", "Ahual work s", "no-op s",
                        "no-op work s"]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    top.add_argument("--sizes", default=DEFAULT_SIZES,
                     help=f"survey sizes in rows, e.g. 10k,100k,1M (default {DEFAULT_SIZES})")
    top.add_argument("--skip-10m", action="store_true", help="leave out the 10M-row survey")
    top.add_argument("--registration-years", type=int, default=len(generate.YEARS),
                     help="years of quarterly registration reports (default 20: 80 files)")
    top.add_argument("--work", type=Path, default=DEFAULT_WORK,
                     help=f"scratch directory for data and state (default {DEFAULT_WORK})")
    top.add_argument("--out", type=Path, default=REPO / "bench" / "results.md",
                     help="Markdown table to write (default bench/results.md)")
    top.add_argument("--prefect-server", action="store_true",
                     help="run one Prefect server for all runs (PREFECT_API_URL) instead of "
                          "each process starting its ephemeral one")
    top.add_argument("--prefect-api-url", metavar="URL",
                     help="use this already running Prefect server for all runs instead of "
                          "starting one (implies --prefect-server; the test suite passes its "
                          "own)")
    top.add_argument("--skip-cold", action="store_true",
                     help="skip the fixed-cost runs the tables do not need: the library "
                          "imports, a first flow with a fresh PREFECT_HOME and, with "
                          "--prefect-server, one with the ephemeral server (saves 40-60 s)")
    top.add_argument("--keep", action="store_true",
                     help="keep the AHUAL_HOMEs and databases of the runs in --work")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.prefect_server = args.prefect_server or bool(args.prefect_api_url)
    work = args.work.resolve()
    if work == REPO or REPO in work.parents:
        print("bench: --work must be outside the repository", file=sys.stderr)
        return 2
    sizes = [generate.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    if args.skip_10m:
        sizes = [s for s in sizes if s < 10_000_000]
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work, keep=args.keep, api_url=args.prefect_api_url)
    started = time.perf_counter()
    facts = environment(argv if argv is not None else sys.argv[1:])
    facts["Prefect"] = ("an already running server for all runs" if args.prefect_api_url else
                        "one `prefect server start` for all runs" if args.prefect_server else
                        "ephemeral server started by each process (no PREFECT_API_URL)")
    try:
        fixed = bench.fixed_costs(cold=not args.skip_cold, server=args.prefect_server)
        surveys = [bench.survey(rows) for rows in sizes]
        registrations = bench.registrations(args.registration_years)
    finally:
        bench.stop_server()

    facts["bench wall"] = f"{time.perf_counter() - started:.0f} s"
    markdown = render(facts, fixed, surveys, registrations, sizes, args.skip_10m)
    print(markdown)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(
        {"environment": facts, "fixed": fixed, "surveys": surveys,
         "registrations": registrations}, indent=2, default=str), encoding="utf-8")
    print(f"written {args.out}", file=sys.stderr)
    failed = [r for r in [*surveys, registrations] if r.get("failed")]
    return 1 if failed else 0


class Bench:
    def __init__(self, work: Path, keep: bool, api_url: str | None = None):
        self.work, self.keep = work, keep
        self.data = work / "data"
        self.python = sys.executable
        self.ahual = str(Path(sys.executable).with_name("ahual"))
        if not Path(self.ahual).exists():
            self.ahual = shutil.which("ahual") or self.ahual
        self.prefect_home = work / "prefect-home"
        self.fixed_flow_s: float | None = None
        self.external_api_url = api_url
        self.api_url: str | None = None
        self.server: subprocess.Popen | None = None

    def env(self, ahual_home: Path | None = None, prefect_home: Path | None = None) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PREFECT_", "AHUAL_"))}  # no outside server or state
        env.update(PREFECT_HOME=str(prefect_home or self.prefect_home),
                   GX_ANALYTICS_ENABLED="false", PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""))
        if ahual_home:
            env["AHUAL_HOME"] = str(ahual_home)
        if self.api_url and prefect_home is None:
            env["PREFECT_API_URL"] = self.api_url
        return env

    def use_server(self, url: str) -> Run:
        """An already running server (--prefect-api-url): only checks that it answers."""
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=10) as answer:
                if answer.status == 200:
                    self.api_url = url
        except OSError as error:
            say(f"  Prefect server at {url}: {error}")
        return Run(time.perf_counter() - started, 0.0, 0 if self.api_url else 1, "")

    def start_server(self) -> Run:
        """`prefect server start` on a free port; the time until /api/health answers."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        log = open(self.work / "prefect-server.log", "w")  # closed with the server
        say(f"  starting a Prefect server on port {port} ...")
        started = time.perf_counter()
        self.server = subprocess.Popen(
            [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host",
             "127.0.0.1", "--port", str(port)], env=self.env(), stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}/api"
        while time.perf_counter() - started < 180 and self.server.poll() is None:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        self.api_url = url
                        break
            except OSError:
                time.sleep(0.25)
        wall = time.perf_counter() - started
        say(f"  Prefect server: {'up' if self.api_url else 'FAILED'} after {wall:.1f} s")
        return Run(wall, 0.0, 0 if self.api_url else 1, "")

    def stop_server(self) -> None:
        if self.server is None:
            return
        try:
            os.killpg(self.server.pid, signal.SIGTERM)  # the server and its uvicorn child
            self.server.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGKILL)
        self.server = None
        self.api_url = None

    def run(self, label: str, command: list[str], **env) -> Run:
        say(f"  {label} ...")
        result = measure(command, env=self.env(**env), cwd=REPO)
        say(f"  {label}: {result.wall_s:.2f} s, {result.rss_mb:.0f} MB"
            + ("" if result.ok else f"  FAILED (exit {result.returncode})"))
        if not result.ok:
            say(result.output)
        return result

    # -- fixed costs ----------------------------------------------------------------------------

    def fixed_costs(self, cold: bool, server: bool) -> list[dict]:
        """What every `ahual` process pays before any work. The trivial flow measured last (via
        the server with --prefect-server) is what "work" columns subtract."""
        say("fixed costs")
        rows = []
        trivial = [self.python, "-m", "bench.trivial"]
        nested = "trivial Prefect flow (nested, like ingest -> build)"
        home = self.work / "home-fixed"
        if cold:
            fresh = self.work / "prefect-home-cold"
            shutil.rmtree(fresh, ignore_errors=True)
            run = self.run("trivial flow, fresh PREFECT_HOME", trivial, ahual_home=home,
                           prefect_home=fresh)
            rows.append(row(f"{nested}, fresh PREFECT_HOME: the database migrations of a "
                            "first ever run", run))
            shutil.rmtree(fresh, ignore_errors=True)
        self.prefect_home.mkdir(parents=True, exist_ok=True)
        if server and self.external_api_url:
            if not self.use_server(self.external_api_url).ok:
                raise RuntimeError(f"no Prefect server answers at {self.external_api_url}")
        elif server:  # the server creates (or migrates) the shared database as it starts
            started = self.start_server()
            rows.append(row("`prefect server start` until /api/health answers (once)", started))
            if not started.ok:
                raise RuntimeError(f"the Prefect server did not start; see {self.work}")
        else:
            self.run("warm-up flow", trivial, ahual_home=home)  # migrations of the shared home
        rows.append(row("`ahual --help` (Python start, no imports of the pipeline)",
                        self.run("ahual --help", [self.ahual, "--help"], ahual_home=home)))
        if cold:
            rows.append(row("import prefect, great_expectations, duckdb, pandas, pyarrow",
                            self.run("imports", [self.python, "-c", (
                                "import prefect, great_expectations, duckdb, pandas, pyarrow")])))
        if server and cold:
            rows.append(row(f"{nested}, ephemeral server (no PREFECT_API_URL), existing "
                            "PREFECT_HOME", self.run("trivial flow, ephemeral", trivial,
                                                     ahual_home=home,
                                                     prefect_home=self.prefect_home)))
        run = self.run("trivial flow", trivial, ahual_home=home)
        rows.append(row(f"{nested}, " + ("via the running server" if server else
                                         "ephemeral server, existing PREFECT_HOME")
                        + ": subtracted as the fixed cost in the tables above", run))
        self.fixed_flow_s = run.wall_s if run.ok else None
        shutil.rmtree(home, ignore_errors=True)
        return rows

    def work_beyond_fixed(self, run: Run) -> float | None:
        return None if self.fixed_flow_s is None or not run.ok else run.wall_s - self.fixed_flow_s

    # -- surveys --------------------------------------------------------------------------------

    def survey(self, rows: int) -> dict:
        label = generate.size_label(rows)
        say(f"survey {label}: generating ...")
        started = time.perf_counter()
        path = generate.survey(self.data / "surveys", rows)
        say(f"survey {label}: {path} ({path.stat().st_size / 2**20:.0f} MB, "
            f"{time.perf_counter() - started:.1f} s)")
        floor_db, hand_db = self.work / "floor.duckdb", self.work / "hand.duckdb"
        home = self.work / f"home-survey-{label}"
        shutil.rmtree(home, ignore_errors=True)
        ingest = [self.ahual, "ingest", "survey", "--study", "S01", str(path)]
        result = {"rows": rows, "label": label, "csv_mb": path.stat().st_size / 2**20,
                  "floor": self.run("floor", [self.python, "-m", "bench.floor", str(floor_db),
                                              str(path)]),
                  "hand": self.run("hand", [self.python, "-m", "bench.hand", str(path),
                                            str(hand_db)]),
                  "ahual": self.run("Ahual", ingest, ahual_home=home),
                  "noop": self.run("Ahual no-op", ingest, ahual_home=home)}
        result["noop_is_noop"] = noop_said_so(result["noop"])
        self.clean(floor_db, hand_db, home)
        return finish(result, self)

    # -- registrations --------------------------------------------------------------------------

    def registrations(self, years: int) -> dict:
        say(f"registrations: {years} years of quarterly reports")
        files = generate.registrations(self.data / "registrations", years)
        rows = sum(sum(1 for _ in open(f, encoding="utf-8")) - 1 for f in files)
        floor_db, home = self.work / "floor.duckdb", self.work / "home-registrations"
        shutil.rmtree(home, ignore_errors=True)
        ingest = [self.ahual, "ingest", "registrations", *map(str, files)]
        result = {"reports": len(files), "rows": rows,
                  "csv_mb": sum(f.stat().st_size for f in files) / 2**20,
                  "floor": self.run("floor", [self.python, "-m", "bench.floor", str(floor_db),
                                              *map(str, files)]),
                  "ahual": self.run("Ahual", ingest, ahual_home=home),
                  "noop": self.run("Ahual no-op", ingest, ahual_home=home)}
        result["noop_is_noop"] = noop_said_so(result["noop"])
        self.clean(floor_db, home)
        return finish(result, self)

    def clean(self, *paths: Path) -> None:
        if self.keep:
            return
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            for suffix in ("", ".wal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


def noop_said_so(run: Run) -> bool:
    """A true no-op re-run: every file unchanged and the marts not rebuilt."""
    lines = run.output.splitlines()
    return (run.ok and any(line.startswith("unchanged") for line in lines)
            and not any(line.startswith(("loaded", "REJECTED", "building marts"))
                        for line in lines))


def finish(result: dict, bench: Bench) -> dict:
    result["ahual_work_s"] = bench.work_beyond_fixed(result["ahual"])
    result["noop_work_s"] = bench.work_beyond_fixed(result["noop"])
    result["failed"] = [k for k in ("floor", "hand", "ahual", "noop")
                        if k in result and not result[k].ok]
    for key in ("floor", "hand", "ahual", "noop"):
        if key in result:
            result[key] = vars(result[key]) | {"output": result[key].output[-600:]}
    return result


def row(what: str, run: Run) -> dict:
    return {"what": what, "wall_s": run.wall_s, "rss_mb": run.rss_mb, "ok": run.ok}


# -- report -------------------------------------------------------------------------------------

def environment(argv: list[str]) -> dict:
    from importlib.metadata import version

    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            memory = f"{int(handle.readline().split()[1]) / 2**20:.0f} GiB RAM"
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    packages = ", ".join(f"{p} {version(p)}" for p in ("duckdb", "pandas", "pyarrow", "prefect",
                                                       "great_expectations"))
    return {"date": datetime.now().strftime("%Y-%m-%d %H:%M"),
            "machine": f"{os.cpu_count()} CPUs, {memory}, {platform.system()} "
                       f"{platform.release()}",
            "python": platform.python_version(), "packages": packages,
            "load average at start": load,
            "peak RSS from": "/usr/bin/time -v" if GNU_TIME else "getrusage(RUSAGE_CHILDREN)",
            "command": "python -m bench.run " + " ".join(argv)}


def render(facts: dict, fixed: list[dict], surveys: list[dict], registrations: dict,
           sizes: list[int], skipped_10m: bool) -> str:
    lines = ["# Ahual benchmark results", ""]
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += ["", "## Survey microdata: `ahual ingest survey --study S01 FILE`", "",
              ("Ahual = read, validate (GX suite), load, rebuild and check every mart, publish; "
              "hand = bench/hand.py; floor = DuckDB `read_csv` into a table. "
              "Ahual work = Ahual minus the trivial flow below (its fixed start-up cost). "
              "Walls in seconds, peak RSS in MB."), ""]
    lines += table(SURVEY_COLUMNS, [survey_cells(r) for r in surveys])
    if skipped_10m:
        lines += ["", "10M rows: skipped (--skip-10m)."]
    lines += ["", "## Registration reports: `ahual ingest registrations FILE...`", "",
              "One long-layout CSV per quarter, 16 regions x 20 confessions each.", ""]
    lines += table(REGISTRATION_COLUMNS, [registration_cells(registrations)])
    lines += ["", "## Fixed costs (every `ahual` command pays them)", ""]
    lines += table(["what", "wall s", "peak MB"],
                   [[r["what"], num(r["wall_s"]), num(r["rss_mb"], 0)] for r in fixed])
    problems = [r for r in [*surveys, registrations] if r.get("failed")
                or not r.get("noop_is_noop")]
    if problems:
        lines += ["", "## Problems", ""]
        for r in problems:
            name = r.get("label") or "registrations"
            if r.get("failed"):
                lines.append(f"- {name}: failed: {', '.join(r['failed'])}")
            if not r.get("noop_is_noop"):
                lines.append(f"- {name}: the re-run was not a no-op")
    return "\n".join(lines) + "\n"


def survey_cells(r: dict) -> list[str]:
    floor, hand, ahual, noop = r["floor"], r["hand"], r["ahual"], r["noop"]
    return [r["label"], num(r["csv_mb"], 0), wall(floor), mb(floor), wall(hand), mb(hand),
            wall(ahual), mb(ahual), ratio(ahual, floor, "wall_s"), ratio(ahual, floor, "rss_mb"),
            ratio(hand, ahual, "wall_s"), num(r["ahual_work_s"]), wall(noop),
            num(r["noop_work_s"])]


def registration_cells(r: dict) -> list[str]:
    floor, ahual, noop = r["floor"], r["ahual"], r["noop"]
    return [str(r["reports"]), str(r["rows"]), wall(floor), mb(floor), wall(ahual), mb(ahual),
            ratio(ahual, floor, "wall_s"), ratio(ahual, floor, "rss_mb"),
            num(r["ahual_work_s"]), wall(noop), num(r["noop_work_s"])]


def table(columns: list[str], rows: list[list[str]]) -> list[str]:
    return (["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
            + ["| " + " | ".join(cells) + " |" for cells in rows])


def num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def wall(run: dict) -> str:
    return num(run["wall_s"]) if run["returncode"] == 0 else f"failed ({run['returncode']})"


def mb(run: dict) -> str:
    return num(run["rss_mb"], 0) if run["returncode"] == 0 else "—"


def ratio(a: dict, b: dict, key: str) -> str:
    if a["returncode"] or b["returncode"] or not b[key]:
        return "—"
    return f"{a[key] / b[key]:.2f}x"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
