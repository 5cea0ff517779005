"""Peak memory and wall time of one large survey load: `ahual ingest survey` on 1M respondents x
40 questions, in a fresh AHUAL_HOME, as a separate process.

    .venv/bin/python -m bench.survey_memory [--rows 1000000] [--questions 40]
                                            [--work /tmp/ahual-survey-memory] [--limit-mb 2048]
                                            [--prefect-api-url URL] [--keep]

The input (CSV + codebook, deterministic: written by DuckDB from hashes of the row number, so
the same size gives the same bytes) is generated under --work and reused by later runs:
respondent_id; region (the 16 KATO codes of 2007); stratum (region x urban/rural); psu
(clusters of 20 consecutive respondents); sex (1/2, labelled in the codebook); age (18-85);
weight (0.3-2.0, with 1 respondent in 500 at weight 0: accepted, not estimated); and the
questions: five-point codes 1-5 with 9 = "hard to say" declared missing (about 6%) and an
empty answer for about 1%. The first four are the variables study S01 needs.

The command runs under `/usr/bin/time -v` when it is installed (peak RSS = `Maximum resident
set size`), else under a helper that reads `getrusage(RUSAGE_CHILDREN)` after it exits: either
way the largest single process of the command, the CLI, which does the work itself
(AHUAL_DAEMON=0: no warm worker). The Prefect server the command talks to
is started before the measurement (`ahual server start` in the same AHUAL_HOME, or the server
given by --prefect-api-url) and stopped after, so its start-up is not counted. The exit status
is 0 when the load succeeded within the limit, 1 otherwise. The figures are printed and
written as JSON beside the data (`survey_memory.json`).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AHUAL = REPO / ".venv" / "bin" / "ahual"
REGIONS_2007 = [11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55, 59, 63, 71, 75]
S01_VARIABLES = ["q_believer", "q_confession", "q_attendance", "q_freedom"]
CODES = {1: ("Strongly agree", "Полностью согласен", "Толық келісемін"),
         2: ("Agree", "Согласен", "Келісемін"),
         3: ("Neither", "Ни то ни другое", "Бейтарап"),
         4: ("Disagree", "Не согласен", "Келіспеймін"),
         5: ("Strongly disagree", "Совсем не согласен", "Мүлдем келіспеймін"),
         9: ("Hard to say", "Затрудняюсь ответить", "Жауап беру қиын")}
MISSING_CODES = {9}
CLUSTER = 20  # respondents per PSU
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def variables(questions: int) -> list[str]:
    return (S01_VARIABLES + [f"q{k:02d}" for k in range(5, questions + 1)])[:questions]


def generate(directory: Path, rows: int, questions: int) -> Path:
    """survey_<rows>x<questions>.csv and its codebook (skipped when already there)."""
    import duckdb

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"survey_{rows}x{questions}.csv"
    codebook(path.with_name(f"{path.stem}.codebook.csv"), questions)
    if path.exists():
        return path
    regions = "[" + ", ".join(map(str, REGIONS_2007)) + "]"
    answers = ",\n".join(
        f"CASE WHEN hash(i, {k}) % 100 = 0 THEN NULL "
        f"WHEN hash(i, {k}) % 100 < 7 THEN 9 ELSE 1 + (hash(i, {k}) // 100) % 5 END AS {v}"
        for k, v in enumerate(variables(questions), 1))
    partial = path.with_suffix(".csv.partial")
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"""
            COPY (
                SELECT
                    i + 1                                                   AS respondent_id,
                    {regions}[1 + (psu % 32) // 2]                          AS region,
                    {regions}[1 + (psu % 32) // 2]::varchar
                        || CASE WHEN psu % 2 = 0 THEN '-urban' ELSE '-rural' END AS stratum,
                    psu + 1                                                 AS psu,
                    1 + hash(i, 1001) % 2                                   AS sex,
                    18 + hash(i, 1002) % 68                                 AS age,
                    CASE WHEN hash(i, 1004) % 500 = 0 THEN 0
                         ELSE round(0.3 + (hash(i, 1003) % 17000) / 10000.0, 4) END AS weight,
                    {answers}
                FROM (SELECT range AS i, range // {CLUSTER} AS psu FROM range({rows}))
                ORDER BY i
            ) TO '{partial}' (FORMAT csv, HEADER true)""")
    partial.rename(path)
    return path


def codebook(path: Path, questions: int) -> Path:
    if path.exists():
        return path
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["variable", "question_en", "code", "label_en", "label_ru", "label_kk",
                      "missing"])
        out.writerow(["sex", "Sex", 1, "male", "мужской", "ер", ""])
        out.writerow(["sex", "Sex", 2, "female", "женский", "әйел", ""])
        for number, variable in enumerate(variables(questions), 1):
            question = f"Synthetic five-point question {number} (benchmark data)"
            for code, (en, ru, kk) in CODES.items():
                out.writerow([variable, question, code, en, ru, kk,
                              "yes" if code in MISSING_CODES else ""])
    return path


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """(wall s, peak RSS MB, exit status, output tail) of one child process."""
    with tempfile.TemporaryDirectory(prefix="ahual-rusage-") as scratch:
        report = Path(scratch) / "rusage"
        if GNU_TIME:
            wrapped = [GNU_TIME, "-v", "-o", str(report), *command]
        else:
            wrapped = [sys.executable, "-m", "bench.survey_memory", "--rusage", str(report),
                       "--", *command]
        started = time.perf_counter()
        done = subprocess.run(wrapped, env=env, capture_output=True, text=True, cwd=REPO)
        wall = time.perf_counter() - started
        text = report.read_text() if report.exists() else ""
    if GNU_TIME:
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        rss_kb = int(found.group(1)) if found else 0
    else:
        rss_kb = json.loads(text)["maxrss_kb"] if text else 0
    return wall, rss_kb / 1024, done.returncode, (done.stdout + done.stderr)[-3000:]


def _rusage_helper(argv: list[str]) -> int:
    """`--rusage REPORT -- COMMAND...`: run COMMAND, write its peak RSS (RUSAGE_CHILDREN)."""
    import resource

    report, command = Path(argv[0]), argv[argv.index("--") + 1:]
    returncode = subprocess.run(command).returncode
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report.write_text(json.dumps({"maxrss_kb": usage.ru_maxrss}))
    return returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--rusage"]:
        return _rusage_helper(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ahual-survey-memory"))
    parser.add_argument("--limit-mb", type=float, default=2048)
    parser.add_argument("--prefect-api-url", default=None,
                        help="use this Prefect server instead of starting one")
    parser.add_argument("--keep", action="store_true", help="keep the AHUAL_HOME afterwards")
    args = parser.parse_args(argv)

    data = generate(args.work, args.rows, args.questions)
    home = args.work / "home"
    shutil.rmtree(home, ignore_errors=True)
    # AHUAL_DAEMON=0: the command does its work in its own process, not in a warm worker
    # (flows/ops/daemon.py) that would outlive it and escape the measurement
    env = {**os.environ, "AHUAL_HOME": str(home), "AHUAL_DAEMON": "0"}
    if args.prefect_api_url:
        env["PREFECT_API_URL"] = args.prefect_api_url
    else:
        subprocess.run([str(AHUAL), "server", "start"], env=env, check=True,
                       capture_output=True)
    try:
        wall, rss, status, output = measure(
            [str(AHUAL), "ingest", "survey", "--study", "S01", str(data)], env)
    finally:
        if not args.prefect_api_url:
            subprocess.run([str(AHUAL), "server", "stop"], env=env, capture_output=True)
    result = {"rows": args.rows, "questions": args.questions,
              "csv_mb": round(data.stat().st_size / 2**20, 1), "wall_s": round(wall, 2),
              "peak_rss_mb": round(rss, 1), "limit_mb": args.limit_mb, "exit_status": status,
              "peak_rss_from": "/usr/bin/time -v" if GNU_TIME else "getrusage(RUSAGE_CHILDREN)"}
    (args.work / "survey_memory.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if status != 0:
        print(output, file=sys.stderr)
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)
    return 0 if status == 0 and rss <= args.limit_mb else 1


if __name__ == "__main__":
    raise SystemExit(main())
