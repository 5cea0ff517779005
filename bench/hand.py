"""The hand-written alternative to `ahual ingest`: what an analyst would write without Ahual,
doing the same work on the same files.

    python -m bench.hand DATABASE FILE...

For each file (a registration report or a progress report, by its header): pandas reads it,
labels become codes through a dictionary built from datasets/reference/, Great Expectations
(ephemeral context, pandas datasource) checks it with Ahual's own suite
(expectations/registrations.json or progress.json), and the rows are inserted into a DuckDB
file. No lineage, no quarantine, no idempotence, no marts, no publishing: only the check and
the load, so it is the cheapest honest way to get the files in.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    import duckdb
    import pandas as pd

    started = time.perf_counter()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    database, files = Path(argv[0]), [Path(f) for f in argv[1:]]
    reference = REPO / "datasets" / "reference"
    regions = set(pd.read_csv(reference / "regions.csv", dtype=str)["region_code"])
    confessions = set(pd.read_csv(reference / "confessions.csv", dtype=str)["confession_code"])
    agencies = set(pd.read_csv(reference / "programme" / "agencies.csv", dtype=str)
                   ["agency_code"])
    responsible = {(r.measure_no, a) for r in pd.read_csv(
        reference / "programme" / "measures.csv", dtype=str).itertuples()
        for a in r.agencies.split(";")}
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas("hand")
    definitions = {}
    for kind in ("registrations", "progress"):
        suite = json.loads((REPO / "expectations" / f"{kind}.json").read_text("utf-8"))
        batch = source.add_dataframe_asset(kind).add_batch_definition_whole_dataframe("file")
        definitions[kind] = context.validation_definitions.add(gx.ValidationDefinition(
            name=kind, data=batch, suite=context.suites.add(gx.ExpectationSuite(**suite))))
    refused = 0
    with duckdb.connect(str(database)) as con:
        for path in files:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            if "confession" in frame:
                kind, rows = "registrations", _registrations(frame, regions, confessions)
            else:
                kind, rows = "progress", _progress(frame, agencies, responsible)
            result = definitions[kind].run(batch_parameters={"dataframe": rows},
                                           result_format="SUMMARY")
            if not result.success:
                refused += 1
                print(f"hand: {path.name} refused", file=sys.stderr)
                continue
            con.register("incoming", rows)
            con.execute(f"CREATE TABLE IF NOT EXISTS {kind} AS SELECT * FROM incoming LIMIT 0")
            con.execute(f"INSERT INTO {kind} SELECT * FROM incoming")
            con.unregister("incoming")
        con.execute("CHECKPOINT")
    print(f"hand: {len(files) - refused} files loaded, {refused} refused in "
          f"{time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 1 if refused else 0


def _registrations(frame, regions, confessions):
    import pandas as pd

    as_of = pd.to_datetime(frame["as_of"], format="%Y-%m-%d", errors="coerce")
    counts = pd.to_numeric(frame["associations"], errors="coerce")
    return pd.DataFrame({
        "source_row": range(2, len(frame) + 2),
        "as_of_text": frame["as_of"], "as_of": as_of, "as_of_year": as_of.dt.year,
        "days_since_as_of": (pd.Timestamp(date.today()) - as_of).dt.days,
        "region_label": frame["region"],
        "region_code": frame["region"].where(frame["region"].isin(regions)),
        "region_not_in_force": None,
        "confession_label": frame["confession"],
        "confession_code": frame["confession"].where(frame["confession"].isin(confessions)),
        "count_text": frame["associations"], "associations": counts})


def _progress(frame, agencies, responsible):
    import pandas as pd

    return pd.DataFrame({
        "source_row": range(2, len(frame) + 2),
        "agency_code": frame["agency"].where(frame["agency"].isin(agencies)),
        "measure_no": pd.to_numeric(frame["measure"], errors="coerce"),
        "period": frame["period"], "status": frame["status"],
        "spent_text": frame["spent_mln_tenge"], "outputs_invalid": None,
        "responsible": [(m, a) in responsible for m, a in zip(frame["measure"],
                                                               frame["agency"], strict=True)]})


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
