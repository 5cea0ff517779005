"""Per-process caches of the ingest path: the GX checkpoint per suite and Data Docs built once
per flow. Each must still notice what changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ahual.flows import resources, settings
from ahual.flows.cli import main
from ahual.flows.gate import validation
from ahual.flows.kinds import registrations
from tests.helpers import write_csv

GOOD = [["as_of", "region", "confession", "associations"],
        ["2008-01-01", "Akmola Region", "ISL-SAMK", "120"],
        ["2008-01-01", "Akmola Region", "ORT-ROC", "3"]]
BAD = [GOOD[0], ["2008-01-01", "Nowhere", "ISL-SAMK", "1"]]


def rows(tmp_path: Path, name: str, table: list[list]):
    return registrations.parse_file(write_csv(tmp_path / name, table),
                                    registrations.RegistrationsOptions()).checks[0][1]


def count_registrations(monkeypatch) -> list[str]:
    calls = []
    register = validation._register

    def counting(context, suite_dict):
        calls.append(suite_dict["name"])
        return register(context, suite_dict)

    monkeypatch.setattr(validation, "_register", counting)
    return calls


def docs_pages() -> set[Path]:
    site = settings.home().data_docs_index.parent / "validations"
    return {p.relative_to(site).with_suffix("") for p in site.rglob("*.html")}


def stored_results() -> set[Path]:
    store_dir = settings.home().gx / "gx" / "uncommitted" / "validations"
    return {p.relative_to(store_dir).with_suffix("") for p in store_dir.rglob("*.json")}


def test_checkpoint_is_registered_once_per_suite_and_again_when_the_suite_changes(
        home, tmp_path, monkeypatch):
    calls = count_registrations(monkeypatch)
    frame = rows(tmp_path, "good.csv", GOOD)
    suites = tmp_path / "expectations"
    suites.mkdir()
    shutil.copy(resources.expectations() / "registrations.json", suites)
    monkeypatch.setattr(resources, "expectations", lambda: suites)
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
        assert outcome.success and Path(outcome.data_docs).is_file()
        assert outcome.data_docs.startswith(str(settings.home().gx))
        assert len(docs_pages()) == len(stored_results()) == 1


def test_data_docs_are_built_once_at_the_end_of_the_scope_with_every_result(home, tmp_path):
    good, bad = rows(tmp_path, "good.csv", GOOD), rows(tmp_path, "bad.csv", BAD)
    with validation.data_docs_once():
        with validation.data_docs_once():  # nested scopes (ingest -> build) build once
            assert validation.validate(good, "registrations", "good.csv").success
        outcome = validation.validate(bad, "registrations", "bad.csv")
        assert not outcome.success
        assert not settings.home().data_docs_index.exists()
    assert settings.home().data_docs_index.exists() and Path(outcome.data_docs).is_file()
    assert len(stored_results()) == 2 and docs_pages() == stored_results()


def test_an_ingest_renders_the_rejected_files_results_too(home, tmp_path):
    good = write_csv(tmp_path / "good.csv", GOOD)
    bad = write_csv(tmp_path / "bad.csv", BAD)
    assert main(["ingest", "registrations", str(good), str(bad)]) == 1
    results = stored_results()
    assert sum(p.parts[0] == "registrations" for p in results) >= 2  # good, bad (+ reference)
    assert docs_pages() == results


def test_each_validation_is_named_by_its_file_and_the_reason_links_its_page(home, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", BAD)
    assert main(["ingest", "registrations", str(bad)]) == 1
    [entry] = list((settings.home().quarantine / "registrations").iterdir())
    reason = json.loads((entry / "reason.json").read_text(encoding="utf-8"))
    page = Path(reason["attempts"][-1]["validation_page"])
    assert page.is_file() and "bad.csv" in str(page)
    assert f"Validation: {page}" in (entry / "reason.txt").read_text(encoding="utf-8")
    html = page.read_text(encoding="utf-8")
    assert "Data asset: bad.csv" in " ".join(html.split()) or "bad.csv" in html
    assert "__none__" not in html and "&lt;DATAFRAME&gt;" not in html
    assets = [line for line in html.splitlines() if "<script" in line or "<link" in line]
    assert not any("://" in line for line in assets)  # every asset ships with the site


def test_the_same_rows_are_judged_once_per_process_and_stored_in_every_home(tmp_path,
                                                                            monkeypatch):
    import great_expectations as gx

    runs = []
    real_run = gx.Checkpoint.run
    monkeypatch.setattr(gx.Checkpoint, "run", lambda self, *a, **k: runs.append(1) or
                        real_run(self, *a, **k))
    bad = rows(tmp_path, "bad.csv", BAD)
    outcomes = []
    for name in ("first", "second"):
        monkeypatch.setenv("AHUAL_HOME", str(tmp_path / name))
        outcomes.append(validation.validate(bad, "registrations", "bad.csv",
                                            kind="registrations", sha256="ab" * 32))
        assert Path(outcomes[-1].data_docs).is_file()  # its page, in this home
        assert len(stored_results()) == 1
    assert len(runs) == 1
    assert [p.plain() for p in outcomes[0].problems] == [p.plain() for p in outcomes[1].problems]
    assert not outcomes[1].success
    # other rows under the same name are judged afresh
    other = bad.assign(associations=7)
    validation.validate(other, "registrations", "bad.csv", kind="registrations",
                        sha256="ab" * 32)
    assert len(runs) == 2
