"""Comparisons and cross-tabulations with their tests: Ahual's marts.study_differences,
study_crosstabs and study_crosstab_tests beside R's survey package doing the same cells on the
same file, in one run:

    .venv/bin/python -m bench.bench_survey_tests [--sizes 10k,100k] [--runs 3] [--work DIR]
                                                 [--json OUT.json]

The file is bench/generate.py's survey (one study, S01), with the registry's own declarations
(datasets/reference/studies/): the pairs of crosstabs.csv and the domain variables of
study_domains.csv (q_confession). Both sides compute
- every domain difference: for each of the 40 questions, each domain variable (region, sex,
  age group, q_confession; not the question itself), each pair of its levels and each answer
  category, the difference of the two proportions, its standard error with the covariance of
  the two domains counted, t, df, p-value and interval (svyttest's semantics);
- every registered table: the cells' shares of the table and the row and column shares, each
  with its standard error, and the Rao-Scott F and chi-square tests (svychisq).
Between-study differences need two studies; they are arithmetic on marts.study_estimates
(bench_survey_compare / `make bench` time that mart) and are not timed here.

Ahual: the three models' build() on the tables ingest would leave (preparation, and
marts.study_estimates that study_differences reads, not timed), in this process. R:
bench/survey_tests_r.R in a fresh Rscript (reading the file not timed). The runs alternate
A B A B; the table gives medians. Before any figure is printed, both sides' cell counts must be
equal and a few cells equal within 1e-6, so the bench cannot compare different work.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ahual.warehouse.marts import (
    study_crosstab_tests,
    study_crosstabs,
    study_differences,
    study_estimates,
)
from bench import generate
from bench.survey_ahual import prepare

HERE = Path(__file__).resolve().parent
REGISTRY = generate.REPO / "datasets" / "reference" / "studies"
TOLERANCE = 1e-6


def prepare_tests(con, csv: Path) -> None:
    """The tables the three marts read, beside those survey_ahual.prepare makes: the
    registry's pairs and declared domains (for S01 or every study), each declared question's
    substantive codes as domain values, and marts.study_estimates (study_differences joins it
    for between-study differences; with one study there are none)."""
    prepare(con, csv)
    con.execute(f"""CREATE TABLE staging.stg_study_crosstabs AS
        SELECT nullif(trim(study_id), '') AS study_id, row_variable, column_variable
        FROM read_csv('{REGISTRY / "crosstabs.csv"}', header = true, all_varchar = true)""")
    con.execute(f"""CREATE TABLE staging.stg_study_domains AS
        SELECT DISTINCT nullif(trim(study_id), '') AS study_id, variable
        FROM read_csv('{REGISTRY / "study_domains.csv"}', header = true, all_varchar = true)
        WHERE coalesce(nullif(trim(study_id), ''), 'S01') = 'S01'""")
    con.execute("""CREATE TABLE staging.stg_survey_domain_values AS
        SELECT a.batch_id, a.source_row, a.variable, a.code::varchar AS value
        FROM staging.stg_survey_answers AS a
        JOIN core.survey_categories AS c ON c.variable = a.variable AND c.code = a.code
        WHERE a.variable IN (SELECT variable FROM staging.stg_study_domains)""")
    con.execute(f"""CREATE TABLE staging.stg_study_comparable_questions AS
        SELECT question_group, study_id, variable
        FROM read_csv('{REGISTRY / "comparable_questions.csv"}', header = true,
                      all_varchar = true)""")
    estimates = study_estimates.build(con)
    con.execute("CREATE SCHEMA marts")
    con.register("estimates", estimates)
    con.execute("CREATE TABLE marts.study_estimates AS SELECT * FROM estimates")
    con.unregister("estimates")


def domain_variables() -> list[str]:
    with duckdb.connect() as con:
        return [v for (v,) in con.execute(f"""SELECT DISTINCT variable FROM read_csv(
            '{REGISTRY / "study_domains.csv"}', header = true, all_varchar = true)
            WHERE coalesce(nullif(trim(study_id), ''), 'S01') = 'S01' ORDER BY variable
            """).fetchall()]


def pairs() -> list[str]:
    with duckdb.connect() as con:
        return [f"{r}:{c}" for r, c in con.execute(f"""SELECT DISTINCT row_variable,
            column_variable FROM read_csv('{REGISTRY / "crosstabs.csv"}', header = true,
            all_varchar = true) WHERE coalesce(nullif(trim(study_id), ''), 'S01') = 'S01'
            ORDER BY ALL""").fetchall()]


def _checks(differences: pa.Table, crosstabs: pa.Table, tests: pa.Table) -> dict[str, float]:
    """The values of the cells R reports for the sanity check (see survey_tests_r.R), keyed
    as R keys them."""
    out: dict[str, float] = {}
    for row in differences.filter(pc.equal(differences["comparison"], "domains")
                                  ).to_pylist():
        key = (f"difference|{row['variable']}|{row['domain']}|{row['base_domain']}|"
               f"{row['category_code']}")
        for field in ("difference", "std_error", "df", "p_value"):
            out[f"{key}|{field}"] = row[field]
    for row in crosstabs.to_pylist():
        key = (f"crosstab|{row['row_variable']}|{row['column_variable']}|{row['row_code']}|"
               f"{row['column_code']}")
        for field in ("estimate", "std_error", "row_share", "row_share_se", "column_share_se"):
            out[f"{key}|{field}"] = row[field]
    for row in tests.to_pylist():
        key = f"test|{row['row_variable']}|{row['column_variable']}"
        for field in ("f_statistic", "f_ndf", "f_p_value", "pearson_chisq", "chisq_p_value"):
            out[f"{key}|{field}"] = row[field]
    return out


def ahual(csv: Path, work: Path) -> dict:
    database = work / "tests.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        prepare_tests(con, csv)
        started = time.perf_counter()
        differences = study_differences.build(con)
        crosstabs = study_crosstabs.build(con)
        tests = study_crosstab_tests.build(con)
        done = time.perf_counter()
    database.unlink(missing_ok=True)
    return {"compute_s": done - started, "differences": differences.num_rows,
            "crosstabs": crosstabs.num_rows, "tests": tests.num_rows,
            "values": _checks(differences, crosstabs, tests)}


def r(csv: Path) -> dict:
    done = subprocess.run(["Rscript", str(HERE / "survey_tests_r.R"), str(csv),
                           ",".join(generate.VARIABLES), ",".join(domain_variables()),
                           ",".join(pairs())], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"bench/survey_tests_r.R failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def same_work(ours: dict, theirs: dict) -> list[str]:
    """Why the two sides did not do the same work (empty: they did)."""
    problems = [f"{part}: Ahual {ours[part]} cells, R {theirs[part]}"
                for part in ("differences", "crosstabs", "tests") if ours[part] != theirs[part]]
    if not theirs["checks"]:
        problems.append("R reported no cell to check")
    for key, value in theirs["checks"].items():
        mine = ours["values"].get(key)
        if mine is None or not math.isclose(mine, value, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
            problems.append(f"{key}: Ahual {mine}, R {value}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the raw figures here")
    args = parser.parse_args(argv)
    if shutil.which("Rscript") is None:
        print("Rscript is not installed (.ci/install-r.sh installs R and its survey package)")
        return 1
    work = args.work or Path(tempfile.mkdtemp(prefix="ahual-bench-tests-"))
    work.mkdir(parents=True, exist_ok=True)
    figures = []
    print("| respondents | Ahual s | R survey s | R / Ahual | difference cells "
          "| crosstab cells | tests | checked |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label in args.sizes.split(","):
        rows = generate.parse_size(label)
        csv = generate.survey(work / "surveys", rows)
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(ahual(csv, work))
            theirs.append(r(csv))
        problems = same_work(ours[0], theirs[0])
        if problems:
            print(f"the two sides did not do the same work at {rows:,} respondents:")
            print("\n".join(f"  {p}" for p in problems[:20]))
            return 1
        a = statistics.median(x["compute_s"] for x in ours)
        b = statistics.median(x["compute_s"] for x in theirs)
        figures.append({"respondents": rows, "ahual_s": [x["compute_s"] for x in ours],
                        "r_s": [x["compute_s"] for x in theirs],
                        "cells": {k: ours[0][k] for k in ("differences", "crosstabs", "tests")},
                        "checked": len(theirs[0]["checks"])})
        print(f"| {rows:,} | {a:.3f} | {b:.3f} | {b / a:.1f}x | {ours[0]['differences']:,} "
              f"| {ours[0]['crosstabs']} | {ours[0]['tests']} | {len(theirs[0]['checks'])} |",
              flush=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
