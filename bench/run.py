"""`make bench`: Ahual against something doing the same work, side by side in one run, each in
its own process (bench/README.md says what each comparison is and why).

    python -m bench.run [--sizes 100k,1M] [--runs 3] [--work /tmp/ahual-bench]
                        [--out bench/results.md] [--prefect-api-url URL] [--quick]

Writes the table to --out and the raw figures beside it as JSON.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from bench import generate
from bench.measure import Run, measure

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
AHUAL = [PY, "-m", "ahual.flows"]


def median(runs: list[Run], key: str = "wall_s") -> float:
    return statistics.median(getattr(r, key) for r in runs)


def ok(runs: list[Run], what: str, problems: list[str], codes=(0,)) -> None:
    for run in runs:
        if run.returncode not in codes:
            problems.append(f"{what}: exit {run.returncode}: {run.output[-600:]}")


WARMUP = {"runs": 1}


def alternate(a: list[str], b: list[str], runs: int, env: dict, before_a=None,
              before_b=None) -> tuple[list[Run], list[Run]]:
    """A, B, A, B, ... after one warm-up of each (the warm-up starts what A reuses)."""
    found_a, found_b = [], []
    for i in range(1 - WARMUP["runs"], runs + 1):
        if before_a:
            before_a()
        run_a = measure(a, env=env)
        if before_b:
            before_b()
        run_b = measure(b, env=env)
        if i:
            found_a.append(run_a)
            found_b.append(run_b)
    return found_a, found_b


def worker_peak_mb(home: Path) -> float:
    """The peak memory of the warm worker serving `home`, from the kernel (VmHWM)."""
    peak = 0.0
    for pid_file in (home / "run").glob("daemon-*.pid"):
        try:
            status = Path(f"/proc/{int(pid_file.read_text())}/status").read_text()
        except (OSError, ValueError):
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("--sizes", default="100k,1M")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ahual-bench"))
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    parser.add_argument("--prefect-api-url")
    parser.add_argument("--baseline", type=Path, help="an AHUAL_HOME after `ahual demo` to "
                        "start from (default: one built under --work)")
    parser.add_argument("--quick", action="store_true", help="10k respondents, one run each "
                        "(the suite's smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs = "10k", 1
        WARMUP["runs"] = 0
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    env = {k: v for k, v in os.environ.items() if k not in ("AHUAL_HOME", "PREFECT_API_URL")}
    env.update(GX_ANALYTICS_ENABLED="false", AHUAL_INBOX_SETTLE_SECONDS="0")
    if args.prefect_api_url:
        env["PREFECT_API_URL"] = args.prefect_api_url

    # A warehouse as an analyst's would be: the demo loaded, built and published.
    baseline = args.baseline or work / "baseline"
    if not (baseline / "warehouse.duckdb").exists():
        shutil.rmtree(baseline, ignore_errors=True)
        done = subprocess.run([*AHUAL, "demo"], env=dict(env, AHUAL_HOME=str(baseline),
                                                         AHUAL_DAEMON="0"),
                              capture_output=True, text=True)
        # the local server `ahual demo` started there (without --prefect-api-url): stopped now
        subprocess.run([*AHUAL, "server", "stop"], env=dict(env, AHUAL_HOME=str(baseline)),
                       capture_output=True)
        if done.returncode:
            print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
            return 1
    home = work / "home"
    # the server and warm worker this run starts for `home` are stopped however it ends
    atexit.register(subprocess.run, [*AHUAL, "server", "stop"],
                    env=dict(env, AHUAL_HOME=str(home)), capture_output=True)

    def fresh_home() -> None:
        shutil.rmtree(home / "work", ignore_errors=True)
        for name in ("warehouse.duckdb", "work", "quarantine", "inbox", "snapshots"):
            target = home / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy2(baseline / "warehouse.duckdb", home / "warehouse.duckdb")
        shutil.copytree(baseline / "work", home / "work")

    home_env = dict(env, AHUAL_HOME=str(home))
    fresh_home()
    results: dict = {"when": datetime.now().isoformat(timespec="seconds"),
                     "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                     "runs": args.runs, "comparisons": []}

    def record(name: str, a_label: str, a: list[Run], b_label: str, b: list[Run],
               target: str, a_peak: float | None = None) -> None:
        ratio = median(a) / median(b)
        results["comparisons"].append({
            "what": name, "a": a_label, "a_s": median(a), "b": b_label, "b_s": median(b),
            "ratio": ratio, "target": target,
            "a_mb": a_peak if a_peak is not None else max(r.rss_mb for r in a),
            "b_mb": max(r.rss_mb for r in b)})

    # 1. A no-op: the file is already loaded (answered without Prefect).
    report = generate.registration_report(work / "loaded.csv", "11", "2010-01-01")
    subprocess.run([*AHUAL, "ingest", "registrations", str(report)], env=home_env,
                   capture_output=True)
    a, b = alternate([*AHUAL, "ingest", "registrations", str(report)],
                     [PY, "-c", "import prefect"], args.runs, home_env)
    ok(a, "no-op ingest", problems)
    record("no-op ingest of an already-loaded file", "ahual ingest", a,
           "python -c 'import prefect'", b, "<= 1.5")

    # 1b. The first commands after a reboot: no local server, no warm worker. One that needs
    # no flow (completeness reads the published warehouse) and one that does (a new report:
    # the server, unless --prefect-api-url names one, and the worker start first, saying so).
    def reboot() -> None:
        subprocess.run([*AHUAL, "server", "stop"], env=home_env, capture_output=True)

    a, b = alternate([*AHUAL, "completeness"], [PY, "-c", "import prefect"], args.runs,
                     home_env, before_a=reboot)
    ok(a, "completeness after a reboot", problems, codes=(0, 1))  # 1: someone has not reported
    record("the first command after a reboot: who has not reported (no flow)",
           "ahual completeness", a, "python -c 'import prefect'", b, "<= 3")
    cold = work / "cold.csv"
    salts = iter(range(2000, 3000))

    def reboot_and_new_report() -> None:
        reboot()
        generate.registration_report(cold, "63", "2024-07-01", salt=next(salts))

    a, b = alternate([*AHUAL, "ingest", "registrations", str(cold)],
                     [PY, "-c", "import prefect"], args.runs, home_env,
                     before_a=reboot_and_new_report)
    ok(a, "a new report after a reboot", problems)
    record("the first command after a reboot: a new report (starts the server and the worker)",
           "ahual ingest", a, "python -c 'import prefect'", b, "<= 3",
           worker_peak_mb(home))

    # 2. One new regional report: validated, loaded, built and published (the warm worker,
    # started by the warm-up, runs it) vs the hand script checking and inserting the same file.
    # Every run gets bytes neither side has seen: the warm worker remembers what it judged.
    new = work / "new.csv"
    runs = iter(range(3, 1000))
    hand_db = work / "hand.duckdb"

    def new_report() -> None:
        fresh_home()
        generate.registration_report(new, "55", "2024-07-01", salt=next(runs))

    a, b = alternate([*AHUAL, "ingest", "registrations", str(new)],
                     [PY, "-m", "bench.hand", str(hand_db), str(new)], args.runs, home_env,
                     before_a=new_report, before_b=lambda: hand_db.unlink(missing_ok=True))
    ok(a, "one new report", problems)
    record("one new registration report: validated, loaded, built, published", "ahual ingest",
           a, "hand script (pandas, GX, DuckDB)", b, "<= 1.0", worker_peak_mb(home))

    # 3. A half-year batch through the inbox: 36 files, one build (new bytes every run).
    batch = generate.half_year_batch(work / "batch")

    def fill_inbox() -> None:
        fresh_home()
        generate.half_year_batch(work / "batch", salt=next(runs))
        for path in batch:
            kind = "registrations" if path.name.startswith("registrations") else "progress"
            (home / "inbox" / kind).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, home / "inbox" / kind / path.name)

    a, b = alternate([*AHUAL, "inbox"], [PY, "-m", "bench.hand", str(hand_db),
                                         *map(str, batch)], args.runs, home_env,
                     before_a=fill_inbox, before_b=lambda: hand_db.unlink(missing_ok=True))
    ok(a, "half-year batch", problems)
    record("a half-year batch (20 regional + 16 progress reports) through the inbox",
           "ahual inbox", a, "hand script over the same files", b, "<= 0.5",
           worker_peak_mb(home))

    # The same without the warm worker: what a command costs in a process of its own.
    if not args.quick:
        cold_env = dict(home_env, AHUAL_DAEMON="0")
        a, b = alternate([*AHUAL, "ingest", "registrations", str(new)],
                         [PY, "-m", "bench.hand", str(hand_db), str(new)], args.runs,
                         cold_env, before_a=new_report,
                         before_b=lambda: hand_db.unlink(missing_ok=True))
        ok(a, "one new report, own process", problems)
        record("one new registration report, in a process of its own (AHUAL_DAEMON=0)",
               "ahual ingest", a, "hand script", b, "(for reference)")
        # The site of a demo snapshot: every table's pages in kk/ru/en and its downloads,
        # against a hand script putting the same tables on pages (bench/site_floor.py).
        quarter = max(p.name for p in (baseline / "snapshots").iterdir())
        snapshot = home / "snapshots" / quarter
        floor_out = work / "site-floor"

        def with_snapshot() -> None:
            fresh_home()
            shutil.rmtree(home / "site", ignore_errors=True)
            shutil.copytree(baseline / "snapshots" / quarter, snapshot)

        a, b = alternate([*AHUAL, "site", "--quarter", quarter],
                         [PY, "-m", "bench.site_floor", str(snapshot), str(floor_out)],
                         args.runs, home_env, before_a=with_snapshot)
        ok(a, "site of a snapshot", problems)
        record(f"the site of a demo snapshot ({quarter}: every table's pages in kk/ru/en, "
               "downloads, map, charts, region pages)", "ahual site", a,
               "hand script: pandas to_html + to_excel per table", b, "(for reference)")
    subprocess.run([*AHUAL, "server", "stop"], env=home_env, capture_output=True)

    # 4. Survey estimates: every variable x category x domain, three ways.
    surveys = []
    r_missing = shutil.which("Rscript") is None
    for label in args.sizes.split(","):
        rows = generate.parse_size(label)
        data = generate.survey(work / "surveys", rows)
        ahual = measure([PY, "-m", "bench.survey_ahual", str(data), str(work / "est.duckdb")],
                        env=env)
        floor = measure([PY, "-m", "bench.survey_floor", str(data)], env=env)
        r = None if r_missing else measure(["Rscript", str(REPO / "bench" / "survey_r.R"),
                                             str(data)], env=env, timeout=7200)
        row = {"rows": label}
        for name, run in (("ahual", ahual), ("floor", floor), ("r", r)):
            if run is None:
                continue
            ok([run], f"survey {label} {name}", problems)
            figures = _json_line(run.output)
            row[name] = {"wall_s": run.wall_s, "compute_s": figures.get("compute_s"),
                         "cells": figures.get("cells"), "mb": run.rss_mb}
        surveys.append(row)
    results["surveys"] = surveys
    results["r_missing"] = r_missing
    results["problems"] = problems
    args.out.write_text(render(results), encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(render(results))
    return 1 if problems else 0


def _json_line(output: str) -> dict:
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return {}


def _seconds(figures: dict | None) -> str:
    return f"{figures['compute_s']:.2f}" if figures and figures.get("compute_s") else "—"


def _times(a: dict | None, b: dict | None) -> str:
    if not (a and b and a.get("compute_s") and b.get("compute_s")):
        return "—"
    return f"{a['compute_s'] / b['compute_s']:.1f}x"


def render(results: dict) -> str:
    lines = [(f"# Benchmark results ({results['when']}, {results['machine']}, median of "
              f"{results['runs']} runs each, in turn)"), "",
             "## Commands against the same work done another way", "",
             "| what | Ahual | s | other | s | ratio | target | Ahual MB | other MB |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for c in results["comparisons"]:
        lines.append(f"| {c['what']} | {c['a']} | {c['a_s']:.2f} | {c['b']} | {c['b_s']:.2f} | "
                     f"{c['ratio']:.2f} | {c['target']} | {c['a_mb']:.0f} | {c['b_mb']:.0f} |")
    lines += ["", "## Survey estimates: every variable x category x domain", "",
              ("| respondents | Ahual s | floor (numpy) s | R survey s | cells | R / Ahual "
               "| Ahual / floor | Ahual MB | floor MB | R MB |"),
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for row in results["surveys"]:
        a, f, r = row.get("ahual"), row.get("floor"), row.get("r")
        megabytes = [f"{x['mb']:.0f}" if x else "—" for x in (a, f, r)]
        lines.append(f"| {row['rows']} | {_seconds(a)} | {_seconds(f)} | {_seconds(r)} | "
                     f"{(a or {}).get('cells')} | {_times(r, a)} | {_times(a, f)} | "
                     + " | ".join(megabytes) + " |")
    if results.get("r_missing"):
        lines += ["", ("R (`Rscript`) is not installed: the R column is left out "
                       "(`apt-get install r-base-core r-cran-survey`).")]
    if results["problems"]:
        lines += ["", "## Problems", "", *[f"- {p}" for p in results["problems"]]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
