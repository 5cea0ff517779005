"""Per-process caches of the ingest path: the GX checkpoint per suite, Data Docs built once per
flow, and raw.sql applied once per warehouse file. Each must still notice what changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from flows import config, registrations, validation
from flows.cli import main
from tests.conftest import write_csv
from warehouse import store

GOOD = [["as_of", "region", "confession", "associations"],
        ["2008-01-01", "Akmola Region", "ISL-SAMK", "120"],
        ["2008-01-01", "Akmola Region", "ORT-ROC", "3"]]
BAD = [GOOD[0], ["2008-01-01", "Nowhere", "ISL-SAMK", "1"]]


def rows(tmp_path: Path, name: str, table: list[list]):
    return registrations.parse_file(write_csv(tmp_path / name, table), {}).checks[0][1]


def count_registrations(monkeypatch) -> list[str]:
    calls = []
    register = validation._register

    def counting(context, suite_dict):
        calls.append(suite_dict["name"])
        return register(context, suite_dict)

    monkeypatch.setattr(validation, "_register", counting)
    return calls


def docs_pages() -> set[Path]:
    site = config.data_docs_index().parent / "validations"
    return {p.relative_to(site).with_suffix("") for p in site.rglob("*.html")}


def stored_results() -> set[Path]:
    store_dir = config.gx_root() / "gx" / "uncommitted" / "validations"
    return {p.relative_to(store_dir).with_suffix("") for p in store_dir.rglob("*.json")}


def test_checkpoint_is_registered_once_per_suite_and_again_when_the_suite_changes(
        home, tmp_path, monkeypatch):
    calls = count_registrations(monkeypatch)
    frame = rows(tmp_path, "good.csv", GOOD)
    suites = tmp_path / "expectations"
    suites.mkdir()
    shutil.copy(config.EXPECTATIONS / "registrations.json", suites)
    monkeypatch.setattr(config, "EXPECTATIONS", suites)
    assert validation.validate(frame, "registrations", "good.csv").success
    assert validation.validate(frame, "registrations", "good.csv").success
    assert calls == ["registrations"]

    suite = json.loads((suites / "registrations.json").read_text(encoding="utf-8"))
    suite["expectations"].append({
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "associations", "max_value": 10},
        "meta": {"rule": "tiny", "severity": "critical", "message": "too many"}})
    (suites / "registrations.json").write_text(json.dumps(suite), encoding="utf-8")
    outcome = validation.validate(frame, "registrations", "good.csv")
    assert calls == ["registrations"] * 2
    assert {p.rule for p in outcome.problems} == {"tiny"}


def test_a_new_ahual_home_gets_its_own_gx_project(tmp_path, monkeypatch):
    frame = rows(tmp_path, "good.csv", GOOD)
    for name in ("a", "b", "a"):  # "a" again after deleting it
        shutil.rmtree(tmp_path / name, ignore_errors=True)
        monkeypatch.setenv("AHUAL_HOME", str(tmp_path / name))
        outcome = validation.validate(frame, "registrations", "good.csv")
        assert outcome.success and outcome.data_docs == str(config.data_docs_index())
        assert len(docs_pages()) == len(stored_results()) == 1


def test_data_docs_are_built_once_at_the_end_of_the_scope_with_every_result(home, tmp_path):
    good, bad = rows(tmp_path, "good.csv", GOOD), rows(tmp_path, "bad.csv", BAD)
    with validation.data_docs_once():
        with validation.data_docs_once():  # nested scopes (ingest -> build) build once
            assert validation.validate(good, "registrations", "good.csv").success
        outcome = validation.validate(bad, "registrations", "bad.csv")
        assert not outcome.success
        assert outcome.data_docs == str(config.data_docs_index())
        assert not config.data_docs_index().exists()
    assert config.data_docs_index().exists()
    assert len(stored_results()) == 2 and docs_pages() == stored_results()


def test_an_ingest_renders_the_rejected_files_results_too(home, tmp_path):
    good = write_csv(tmp_path / "good.csv", GOOD)
    bad = write_csv(tmp_path / "bad.csv", BAD)
    assert main(["ingest", "registrations", str(good), str(bad)]) == 1
    results = stored_results()
    assert sum(p.parts[0] == "registrations" for p in results) >= 2  # good, bad (+ reference)
    assert docs_pages() == results


def test_raw_schema_runs_once_per_file_and_again_for_a_new_file_or_a_changed_schema(
        home, tmp_path, monkeypatch):
    store.connect().close()
    path = config.working_warehouse()
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE raw.rejections")
    with store.connect() as con:  # not re-run: the table stays dropped
        assert not con.execute("SELECT * FROM duckdb_tables() WHERE schema_name = 'raw' "
                               "AND table_name = 'rejections'").fetchall()
    path.unlink()
    with store.connect() as con:  # a new file at the same path
        con.execute("SELECT count(*) FROM raw.rejections").fetchall()

    schema = tmp_path / "raw.sql"
    schema.write_text(store.RAW_SCHEMA.read_text(encoding="utf-8")
                      + "\nCREATE TABLE IF NOT EXISTS raw.schema_probe (x INTEGER);\n",
                      encoding="utf-8")
    monkeypatch.setattr(store, "RAW_SCHEMA", schema)
    with store.connect() as con:
        con.execute("SELECT count(*) FROM raw.schema_probe").fetchall()
