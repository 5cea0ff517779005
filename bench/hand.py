"""The hand-written alternative to `ahual ingest survey`: what an analyst would write without
Ahual, doing the same work on the same file.

    python -m bench.hand SURVEY.csv DATABASE.duckdb [--study S01]

1. pandas `read_csv` of the data and of its codebook (SURVEY.codebook.csv beside it);
2. Great Expectations (ephemeral context, pandas datasource) with the rules of Ahual's suite
   `expectations/survey.json`: ids not null and unique, region in the known set, weight not
   null and > 0, sex 1/2, age 18-110, every answer one of its codebook's codes (one
   expectation per variable); the script stops (exit 1) if any fails;
3. DuckDB (file database): the wide table, then core.survey_respondents, core.survey_categories
   and raw.survey_answers with the columns Ahual's build reads (answers unpivoted in SQL), then
   the estimates: the SQL of warehouse/core/study_estimates.sql, unchanged.

It prints the time of each step on stderr. No lineage, no quarantine, no idempotence, no
publishing: only the computation, so it is the cheapest honest way to get the same mart.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ROLE_COLUMNS = ["respondent_id", "region", "stratum", "psu", "sex", "age", "weight"]
AGE_GROUPS = {"18-29": (18, 29), "30-44": (30, 44), "45-59": (45, 59), "60+": (60, 110)}


def main(argv: list[str]) -> int:
    import duckdb
    import pandas as pd

    study = "S01"
    if "--study" in argv:
        at = argv.index("--study")
        study = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    data_path, database = Path(argv[0]), Path(argv[1])
    steps: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        steps[name] = now - started
        started = now

    frame = pd.read_csv(data_path)
    codebook = pd.read_csv(data_path.with_name(f"{data_path.stem}.codebook.csv"),
                           keep_default_na=False)
    step("read (pandas)")

    failures = validate(frame, codebook)
    step("validate (GX)")
    if failures:
        print("hand: the file is refused:", *failures, sep="\n  ", file=sys.stderr)
        return 1

    for suffix in ("", ".wal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    variables = [c for c in frame.columns if c not in ROLE_COLUMNS]
    with duckdb.connect(str(database)) as con:
        # source_row: the CSV line, the key answers share with their respondent
        con.execute("CREATE TABLE survey AS SELECT row_number() OVER () + 1 AS source_row, * "
                    "FROM frame")
        del frame
        con.execute("CREATE TABLE codebook AS SELECT * FROM codebook")
        step("write (DuckDB)")
        con.execute("CREATE SCHEMA core; CREATE SCHEMA raw")
        con.execute("""
            CREATE TABLE core.survey_categories AS
            SELECT $study AS study_id, variable, code::integer AS code,
                   label_kk, label_ru, label_en
            FROM codebook WHERE lower(missing) <> 'yes' AND variable <> 'sex'""",
                    {"study": study})
        ages = " ".join(f"WHEN age BETWEEN {lo} AND {hi} THEN '{name}'"
                        for name, (lo, hi) in AGE_GROUPS.items())
        con.execute(f"""
            CREATE TABLE core.survey_respondents AS
            SELECT 1 AS batch_id, source_row, $study AS study_id,
                   respondent_id::varchar AS respondent_id,
                   region::varchar AS region_code,
                   CASE sex WHEN 1 THEN 'male' WHEN 2 THEN 'female' END AS sex,
                   CASE {ages} END AS age_group,
                   weight::double AS weight, 'design' AS weights_used,
                   stratum::varchar AS stratum,
                   coalesce(stratum::varchar, '') || '/' || psu::varchar AS psu
            FROM survey""", {"study": study})
        columns = ", ".join(f'"{v}"' for v in variables)
        con.execute(f"""
            CREATE TABLE raw.survey_answers AS
            SELECT 1 AS batch_id, source_row::integer AS source_row,
                   variable, code::integer AS code
            FROM (UNPIVOT (SELECT source_row, {columns} FROM survey)
                  ON {columns} INTO NAME variable VALUE code)""")
        step("core tables (DuckDB)")
        sql = (REPO / "warehouse" / "core" / "study_estimates.sql").read_text(encoding="utf-8")
        con.execute(f"CREATE TABLE study_estimates AS\n{sql}")
        rows = con.execute("SELECT count(*) FROM study_estimates").fetchone()[0]
        con.execute("CHECKPOINT")
        step("study_estimates (DuckDB)")
    print(f"hand: {rows} estimates; " + ", ".join(f"{k} {v:.2f} s" for k, v in steps.items()),
          file=sys.stderr)
    return 0


def validate(frame, codebook) -> list[str]:
    """Ahual's survey rules as GX expectations on the whole frame; the failures, if any."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    import great_expectations.expectations as gxe
    import pandas as pd

    regions = pd.read_csv(REPO / "datasets" / "reference" / "regions.csv", dtype=str)
    known_regions = sorted(int(code) for code in regions["region_code"])  # KATO codes
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    batch = (context.data_sources.add_pandas("hand").add_dataframe_asset("survey")
             .add_batch_definition_whole_dataframe("whole file"))
    suite = context.suites.add(gx.ExpectationSuite(name="survey"))
    for expectation in (
            gxe.ExpectColumnValuesToNotBeNull(column="respondent_id"),
            gxe.ExpectColumnValuesToBeUnique(column="respondent_id"),
            gxe.ExpectColumnValuesToBeInSet(column="region", value_set=known_regions),
            gxe.ExpectColumnValuesToNotBeNull(column="region"),
            gxe.ExpectColumnValuesToNotBeNull(column="weight"),
            gxe.ExpectColumnValuesToBeBetween(column="weight", min_value=0, strict_min=True),
            gxe.ExpectColumnValuesToBeInSet(column="sex", value_set=[1, 2]),
            gxe.ExpectColumnValuesToBeBetween(column="age", min_value=18, max_value=110)):
        suite.add_expectation(expectation)
    codes = codebook.assign(code=codebook["code"].astype(int)).groupby("variable")["code"]
    for variable in frame.columns:
        if variable not in ROLE_COLUMNS:
            suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(
                column=variable, value_set=sorted(codes.get_group(variable))))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name="survey", data=batch, suite=suite))
    result = definition.run(batch_parameters={"dataframe": frame},
                            result_format="SUMMARY")
    return [f"{r.expectation_config.type} {r.expectation_config.kwargs.get('column')}: "
            f"{(r.result or {}).get('unexpected_count')} rows"
            for r in result.results if not r.success]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
