"""Ahual's survey estimates on a bench file, in a fresh process:

    python -m bench.survey_ahual SURVEY.csv WORK.duckdb

The respondents and answers are put in the tables the model reads (as ingest leaves them; not
timed), then `marts.study_estimates` is computed by the model itself (timed): every variable x
category x domain (national, region, sex, age group) with Taylor standard errors, intervals
and design effects. Prints one JSON line: {"compute_s", "cells", "prepare_s"}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

AGES = {"18-29": (18, 29), "30-44": (30, 44), "45-59": (45, 59), "60+": (60, 110)}


def prepare(con, csv: Path) -> None:
    from bench.generate import MISSING_CODES, VARIABLES

    ages = " ".join(f"WHEN age BETWEEN {lo} AND {hi} THEN '{name}'"
                    for name, (lo, hi) in AGES.items())
    con.execute("CREATE SCHEMA core; CREATE SCHEMA staging")
    con.execute(f"""CREATE TABLE survey AS SELECT row_number() OVER () + 1 AS source_row, *
                    FROM read_csv('{csv}', header = true)""")
    con.execute(f"""CREATE TABLE core.survey_respondents AS
        SELECT 1 AS batch_id, 'S01' AS study_id, source_row, respondent_id::varchar AS
               respondent_id, region::varchar AS region_code,
               CASE sex WHEN 1 THEN 'male' WHEN 2 THEN 'female' END AS sex,
               CASE {ages} END AS age_group, weight::double AS weight,
               'design' AS weights_used, stratum::varchar AS stratum, psu::varchar AS psu
        FROM survey""")
    con.execute("""CREATE TABLE core.survey_batches AS
        SELECT 1 AS batch_id, 'S01' AS study_id, true AS is_current""")
    con.execute("""CREATE TABLE staging.stg_studies AS
        SELECT 'S01' AS study_id, 'adjust' AS lonely_psu, 'logit' AS interval,
               'bench' AS title_en, DATE '2007-11-15' AS fieldwork_end""")
    codes = [c for c in range(1, 6)]
    rows = [f"('{v}', {c})" for v in VARIABLES for c in codes if c not in MISSING_CODES]
    con.execute("CREATE TABLE core.survey_categories AS SELECT 'S01' AS study_id, v AS "
                "variable, c AS code, 'k' AS label_kk, 'r' AS label_ru, 'e' AS label_en "
                f"FROM (VALUES {', '.join(rows)}) AS t(v, c)")
    columns = ", ".join(f'"{v}"' for v in VARIABLES)
    con.execute(f"""CREATE TABLE staging.stg_survey_answers AS
        SELECT 1 AS batch_id, source_row::integer AS source_row, variable, code::integer AS code
        FROM (UNPIVOT (SELECT source_row, {columns} FROM survey)
              ON {columns} INTO NAME variable VALUE code)""")
    con.execute("DROP TABLE survey")


def main(argv: list[str]) -> int:
    import duckdb

    from ahual.warehouse.marts import study_estimates

    csv, database = Path(argv[0]).resolve(), Path(argv[1])
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        started = time.perf_counter()
        prepare(con, csv)
        prepared = time.perf_counter()
        table = study_estimates.build(con)
        done = time.perf_counter()
    database.unlink(missing_ok=True)
    print(json.dumps({"prepare_s": prepared - started, "compute_s": done - prepared,
                      "cells": table.num_rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
