"""Means, totals and quantiles of numeric questions: Ahual's marts.study_means and
study_quantiles beside R's survey package doing the same cells on the same file, in one run:

    .venv/bin/python -m bench.bench_survey_compare [--sizes 10k,100k] [--runs 3] [--work DIR]

The file is bench/generate.py's survey (strata x PSUs of 20, weights); its numeric variables
are the age and the 1-5 scale questions q05-q07 (9: no answer). Both sides compute every
variable x domain (national, region, sex, age group): the mean and the total with standard
errors, and the quartiles and median with Woodruff's interval. Ahual: the two models' build()
on the tables ingest would leave (their preparation is not timed), in this process; R:
bench/survey_numeric_r.R in a fresh Rscript (reading the file is not timed). The runs
alternate A B A B; the table gives medians and prints as Markdown.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

from ahual.warehouse.marts import study_means, study_quantiles
from bench import generate
from bench.survey_ahual import prepare

HERE = Path(__file__).resolve().parent
NUMERIC = ("age", "q05", "q06", "q07")


def prepare_numeric(con, csv: Path) -> None:
    """The tables the numeric marts read, beside those survey_ahual.prepare makes."""
    prepare(con, csv)
    con.execute("""CREATE TABLE staging.stg_study_numeric_variables AS
        SELECT NULL::varchar AS study_id, v AS variable, NULL::varchar AS question_en,
               CASE WHEN v = 'age' THEN []::double[] ELSE [9.0] END AS missing_values
        FROM unnest(?) AS t(v)""", [list(NUMERIC)])
    con.execute(f"""CREATE TABLE staging.stg_survey_numeric_values AS
        SELECT 1 AS batch_id, source_row, 'age' AS variable, age::double AS value
        FROM (SELECT row_number() OVER () + 1 AS source_row, age
              FROM read_csv('{csv}', header = true))
        UNION ALL
        SELECT batch_id, source_row, variable, code::double FROM staging.stg_survey_answers
        WHERE variable IN ({", ".join(f"'{v}'" for v in NUMERIC[1:])})""")


def ahual(csv: Path, work: Path) -> dict:
    database = work / "numeric.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        prepare_numeric(con, csv)
        started = time.perf_counter()
        means = study_means.build(con)
        quantiles = study_quantiles.build(con)
        done = time.perf_counter()
    database.unlink(missing_ok=True)
    return {"compute_s": done - started, "means": means.num_rows,
            "quantiles": quantiles.num_rows}


def r(csv: Path) -> dict:
    done = subprocess.run(["Rscript", str(HERE / "survey_numeric_r.R"), str(csv),
                           ",".join(NUMERIC)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    if shutil.which("Rscript") is None:
        print("Rscript is not installed (.ci/install-r.sh installs R and its survey package)")
        return 1
    work = args.work or Path(tempfile.mkdtemp(prefix="ahual-bench-numeric-"))
    print("| respondents | Ahual s | R survey s | R / Ahual | mean+total cells | quantile cells |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for label in args.sizes.split(","):
        rows = int(float(label.lower().replace("k", "e3").replace("m", "e6")))
        csv = generate.survey(work / "surveys", rows)
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(ahual(csv, work))
            theirs.append(r(csv))
        if (ours[0]["means"], ours[0]["quantiles"]) != (theirs[0]["means"],
                                                         theirs[0]["quantiles"]):
            print(f"cells differ: Ahual {ours[0]}, R {theirs[0]}")
            return 1
        a = statistics.median(x["compute_s"] for x in ours)
        b = statistics.median(x["compute_s"] for x in theirs)
        print(f"| {rows:,} | {a:.3f} | {b:.3f} | {b / a:.0f}x | {ours[0]['means']} "
              f"| {ours[0]['quantiles']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
