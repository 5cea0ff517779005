"""Files of one kind validated together (one GX run per kind) keep what each gets alone: its
outcome and reasons, its stored validation result (statistics included) and Data Docs page,
its quarantine. Real parsers, real GX, the real ingest flow."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import great_expectations as gx
import pytest

from ahual.flows import settings
from ahual.flows.cli import main
from ahual.flows.gate import together, validation
from ahual.flows.gate.files import receive
from ahual.flows.kinds import kind as kind_named
from tests.helpers import write_csv

HEADER = ["as_of", "region", "confession", "associations"]


def report(path: Path, region: str, *rows: list[str]) -> Path:
    return write_csv(path, [HEADER, ["2008-01-01", region, "ISL-SAMK", "120"],
                            ["2008-01-01", region, "ORT-ROC", "7"], *rows])


def good_and_bad(folder: Path) -> tuple[list[Path], Path]:
    folder.mkdir(parents=True, exist_ok=True)
    good = [report(folder / f"{name}.csv", region) for name, region in (
        ("akmola", "Akmola Region"), ("kostanay", "Kostanay Region"),
        ("pavlodar", "Pavlodar Region"))]
    bad = report(folder / "mixed.csv", "Atyrau Region",
                 ["2008-01-01", "Atlantis Region", "ISL-SAMK", "3"],
                 ["2008-01-01", "Atyrau Region", "ISL-SAMK", "4.5"],  # and a duplicate
                 ["2008-01-01", "Atyrau Region", "PRO-BAP", "20000"])
    return good, bad


def items(paths: list[Path]) -> list[together.Item]:
    spec = kind_named("registrations")
    found = []
    for path in paths:
        candidate = receive(path, spec, spec.options())
        parsed = spec.parse(candidate.path, candidate.options)
        found += [together.Item(frame, suite, path.name, spec.name, candidate.sha256)
                  for suite, frame in parsed.checks]
    return found


def stored_results() -> dict[str, dict]:
    """Each stored result by its run name, without what differs between any two runs (the
    time; the ids of the home's own GX project)."""
    folder = settings.home().gx / "gx" / "uncommitted" / "validations"
    found = {}
    for path in folder.rglob("*.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        for meta in ("run_id", "validation_time", "checkpoint_id", "validation_id"):
            result["meta"].pop(meta)
        for expectation in result["results"]:
            expectation["expectation_config"].pop("id")
        result["meta"]["batch_markers"].pop("ge_load_time")
        found[path.relative_to(folder).parts[1]] = result
    return found


def counted(monkeypatch, cls, name: str) -> list[int]:
    calls = []
    real = getattr(cls, name)
    monkeypatch.setattr(cls, name, lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    return calls


def outcomes_of(found) -> list[tuple]:
    return [(o.success, o.evaluated, [p.plain() for p in o.problems],
             [p.plain() for p in o.warnings]) for o in found]


def test_files_judged_together_get_what_each_gets_alone_from_one_gx_run(
        tmp_path, monkeypatch):
    good, bad = good_and_bad(tmp_path / "files")
    batch = items([good[0], bad, *good[1:]])
    monkeypatch.setenv("AHUAL_HOME", str(tmp_path / "alone"))
    with validation.data_docs_once():
        alone = [validation.validate(i.frame, i.suite, i.file_name, kind=i.kind,
                                     sha256=i.sha256) for i in batch]
    alone_stored = stored_results()

    validation._results.clear()  # judged afresh, not remembered from the runs above
    monkeypatch.setenv("AHUAL_HOME", str(tmp_path / "together"))
    checkpoint_runs = counted(monkeypatch, gx.Checkpoint, "run")
    definition_runs = counted(monkeypatch, gx.ValidationDefinition, "run")
    with validation.data_docs_once():
        joint = together.validate_together(batch)
    assert (checkpoint_runs, definition_runs) == ([], [1])  # one GX run for the four files

    assert outcomes_of(joint) == outcomes_of(alone)
    assert [o.success for o in joint] == [True, False, True, True]
    rules = {p.rule for p in joint[1].problems}
    assert {"known region", "one row per date x region x confession",
            "count within plausible range (0 to 10,000 per cell)"} <= rules
    assert all(p.file == "mixed.csv" for p in joint[1].problems)
    # each file's own stored result, with its own statistics, and its own Data Docs page
    assert stored_results() == alone_stored
    assert len(alone_stored) == 4
    for item, outcome in zip(batch, joint, strict=True):
        assert Path(outcome.data_docs).is_file()
        assert validation.run_name(item.kind, item.file_name, item.sha256) in outcome.data_docs
    assert alone_stored[validation.run_name("registrations", "mixed.csv", batch[1].sha256)][
        "statistics"]["unsuccessful_expectations"] >= 3


def test_uniqueness_holds_within_a_file_not_across_the_files_judged_together(
        home, tmp_path):
    # the same rows in two files (other bytes: a trailing empty row) are two reports
    first = report(tmp_path / "akmola.csv", "Akmola Region")
    second = tmp_path / "akmola-again.csv"
    second.write_bytes(first.read_bytes() + b"\n")
    twice = report(tmp_path / "twice.csv", "Akmola Region",
                   ["2008-01-01", "Akmola Region", "ORT-ROC", "8"])
    joint = together.validate_together(items([first, second, twice]))
    assert [o.success for o in joint] == [True, True, False]
    alone = validation.validate(*(lambda i: (i.frame, i.suite, i.file_name))(
        items([twice])[0]), kind="registrations", sha256=items([twice])[0].sha256)
    assert outcomes_of(joint[2:]) == outcomes_of([alone])
    assert {p.rule for p in joint[2].problems} == {"one row per date x region x confession"}


@pytest.fixture
def alone_reasons(tmp_path, monkeypatch) -> list[str]:
    """The reasons a bad file gets when it is sent on its own, in a home of its own (whose
    national reference reports are loaded first, so that it is the run's only file)."""
    _, bad = good_and_bad(tmp_path / "alone")
    monkeypatch.setenv("AHUAL_HOME", str(tmp_path / "home-alone"))
    assert main(["build"]) == 0
    assert main(["ingest", "registrations", str(bad)]) == 1
    [entry] = list((settings.home().quarantine / "registrations").iterdir())
    return json.loads((entry / "reason.json").read_text(encoding="utf-8"))[
        "attempts"][-1]["problems"]


def test_a_bad_file_in_a_batch_is_refused_alone_with_the_reasons_it_gets_alone(
        alone_reasons, tmp_path, monkeypatch):
    good, bad = good_and_bad(tmp_path / "batch")
    monkeypatch.setenv("AHUAL_HOME", str(tmp_path / "home-batch"))
    assert main(["ingest", "registrations", str(good[0]), str(bad), *map(str, good[1:])]) == 1
    [entry] = list((settings.home().quarantine / "registrations").iterdir())
    reason = json.loads((entry / "reason.json").read_text(encoding="utf-8"))
    assert reason["file"] == "mixed.csv"
    assert reason["attempts"][-1]["problems"] == alone_reasons
    page = Path(reason["attempts"][-1]["validation_page"])
    assert page.is_file() and "mixed.csv" in page.parent.parent.name
    pages = {p.parent.parent.name for p in (settings.home().data_docs_index.parent /
                                            "validations").rglob("*.html")}
    for path in (*good, bad):  # each file its own page
        assert any(name.startswith(f"registrations__{path.stem}.csv__") for name in pages)
    with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as con:
        loaded = {r[0] for r in con.execute("SELECT file_name FROM raw.load_batches").fetchall()}
    assert {p.name for p in good} <= loaded and bad.name not in loaded
