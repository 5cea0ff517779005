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
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench import generate
from bench.measure import GNU_TIME, measure

REPO = Path(__file__).resolve().parents[1]
AHUAL = REPO / ".venv" / "bin" / "ahual"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--work", type=Path, default=Path("/tmp/ahual-survey-memory"))
    parser.add_argument("--limit-mb", type=float, default=2048)
    parser.add_argument("--prefect-api-url", default=None,
                        help="use this Prefect server instead of starting one")
    parser.add_argument("--keep", action="store_true", help="keep the AHUAL_HOME afterwards")
    args = parser.parse_args(argv)

    data = generate.survey(args.work, args.rows, args.questions, gaps=True)
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
        run = measure([str(AHUAL), "ingest", "survey", "--study", "S01", str(data)], env,
                      cwd=REPO)
    finally:
        if not args.prefect_api_url:
            subprocess.run([str(AHUAL), "server", "stop"], env=env, capture_output=True)
    result = {"rows": args.rows, "questions": args.questions,
              "csv_mb": round(data.stat().st_size / 2**20, 1), "wall_s": round(run.wall_s, 2),
              "peak_rss_mb": round(run.rss_mb, 1), "limit_mb": args.limit_mb,
              "exit_status": run.returncode,
              "peak_rss_from": "/usr/bin/time -v" if GNU_TIME else "getrusage(RUSAGE_CHILDREN)"}
    (args.work / "survey_memory.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not run.ok:
        print(run.output, file=sys.stderr)
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)
    return 0 if run.ok and run.rss_mb <= args.limit_mb else 1


if __name__ == "__main__":
    raise SystemExit(main())
