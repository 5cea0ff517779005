"""Building the study marts from study files the way `ahual build` does, with registry rows and
registry files made for a test (tests/marts/test_study_differences.py, test_study_crosstabs.py):
each file parsed by the survey kind and inserted as a load, then the models up to the marts
asked for, in one DuckDB of the test's own. No Prefect."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from ahual.flows import build as build_step
from ahual.flows import resources
from ahual.flows.kinds.survey import SurveyOptions, parse_study
from ahual.flows.kinds.survey.registry import with_defaults
from ahual.warehouse import runner, store


def study_row(study_id: str, design: str, lonely: str = "adjust", interval: str = "logit",
              fieldwork_end: str = "2008-02-01") -> dict:
    return with_defaults({
        "study_id": study_id, "title_en": f"test study {study_id}", "fieldwork_start":
        "2008-01-01", "fieldwork_end": fieldwork_end, "population_en": "test", "design": design,
        "planned_n": "1", "weights": "given", "rake_to": "", "lonely_psu": lonely,
        "interval": interval, "age_min": "0", "age_max": "110", "missing_labels": "warn",
        "made_up": "yes"})


def parse(path: Path, row: dict):
    return parse_study(path, SurveyOptions(study=row["study_id"]), row)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _registry(folder: Path, rows: list[dict]) -> Path:
    """studies.csv with the test's studies after the programme's."""
    with open(resources.reference() / "studies" / "studies.csv", encoding="utf-8",
              newline="") as handle:
        reader = csv.DictReader(handle)
        fields, existing = list(reader.fieldnames or []), list(reader)
    return write_csv(folder / "studies.csv", fields,
                     [[row.get(k, "") for k in fields] for row in existing + rows])


def _models(marts: list[str]) -> dict[str, runner.Model]:
    """The marts asked for and every model they are made from."""
    models = runner.discover()
    needed, todo = set(), [f"marts.{m}" for m in marts]
    while todo:
        table = todo.pop()
        if table in needed or table not in models:
            continue
        needed.add(table)
        todo += list(models[table].reads)
    return {t: m for t, m in models.items() if t in needed}


def build(folder: Path, loads: list[tuple[dict, object]], marts: list[str],
          reference: dict[str, Path] | None = None, threads: int | None = None
          ) -> dict[str, pd.DataFrame]:
    """Each (registry row, Parsed) inserted as a load of its study, the models up to `marts`
    built with `reference` files in place of the programme's (name -> CSV, e.g.
    studies_comparable_questions); each mart, in one order."""
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        if threads:
            con.execute(f"SET threads = {threads}")
        for schema in store.raw_schema_files():
            con.execute(schema.read_text(encoding="utf-8"))
        for k, (row, parsed) in enumerate(loads):
            tables = {name: table.assign(study_id=row["study_id"])
                      if isinstance(table, pd.DataFrame) and "study_id" in table else table
                      for name, table in parsed.tables.items()}
            store.insert_batch(con, kind="survey", file_name=f"{row['study_id']}.csv",
                               sha256=f"{k:064d}", load_key=f"test load {k}", loaded_as="{}",
                               size=0, tables=tables, flow_run_id=None)
        files = build_step.reference_files() | {
            "studies_studies": _registry(folder, [row for row, _ in loads])} | (reference or {})
        sources, shares = build_step.source_fingerprints(con, files)
        runner.build(con, reference_files=files, sources=sources, shares=shares, previous={},
                     models=_models(marts))
        return {m: con.sql(f"SELECT * FROM marts.{m} ORDER BY ALL").df() for m in marts}


def assert_documented_with_suite(module) -> None:
    """A Python mart's .yml lists its columns in order and a key among them, and its suite
    holds the key unique."""
    name = module.__name__.rsplit(".", 1)[1]
    spec = yaml.safe_load((resources.warehouse() / "marts" / f"{name}.yml")
                          .read_text(encoding="utf-8"))
    assert list(spec["columns"]) == module.SCHEMA.names, name
    assert set(spec["key"]) <= set(module.SCHEMA.names) and "suppressed" in spec["columns"]
    suite = json.loads((resources.expectations() / "marts" / f"{name}.json")
                       .read_text(encoding="utf-8"))
    unique = [e for e in suite["expectations"]
              if e["type"] == "expect_compound_columns_to_be_unique"]
    assert unique and unique[0]["kwargs"]["column_list"] == spec["key"], name
