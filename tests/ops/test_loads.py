"""Undo: a survey file loaded by mistake as another study is undone by one command
(`ahual loads revert`), or by sending the wronged study's own file again; both are recorded
and go through the build like any load."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ahual.flows.cli import main
from tests.kinds.test_survey import sample, write_sav


def published(home: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def current_respondents(home: Path, study: str) -> tuple[str, int]:
    """The file a study's estimates come from and how many respondents it has."""
    return published(home, "SELECT source_file, respondents FROM core.survey_batches "
                     "WHERE study_id = ? AND is_current", [study])[0]


def national_n(home: Path, study: str) -> int:
    return published(home, "SELECT max(n_unweighted) FROM marts.study_estimates WHERE "
                     "study_id = ? AND domain = 'national'", [study])[0][0]


def said(capsys) -> str:
    captured = capsys.readouterr()
    return " ".join((captured.out + " " + captured.err).split())


@pytest.fixture
def mistaken(home: Path, tmp_path: Path) -> dict:
    """S01's own file (240 respondents), then S02's file (120) sent as S01 by mistake."""
    own = write_sav(tmp_path / "s01.sav", sample(240, seed=7))
    other = write_sav(tmp_path / "s02.sav", sample(120, seed=9))
    assert main(["ingest", "survey", "--study", "S01", str(own)]) == 0
    assert main(["ingest", "survey", "--study", "S01", str(other)]) == 0
    assert current_respondents(home, "S01") == ("s02.sav", 120)
    batches = dict(published(home, "SELECT file_name, batch_id FROM raw.load_batches "
                             "WHERE kind = 'survey'"))
    return {"own": own, "other": other, "own_batch": batches["s01.sav"],
            "wrong_batch": batches["s02.sav"]}


def test_a_mistaken_load_is_undone_by_one_command(home, mistaken, capsys):
    assert national_n(home, "S01") == 120
    capsys.readouterr()
    assert main(["loads", "revert", str(mistaken["wrong_batch"]), "--why",
                 "S02's file sent as S01", "--who", "Aigerim"]) == 0
    out = said(capsys)
    assert f"reverted batch {mistaken['wrong_batch']} (s02.sav as study S01)" in out
    assert f"current batch {mistaken['own_batch']} (s01.sav as study S01) counts again" in out
    assert current_respondents(home, "S01") == ("s01.sav", 240)
    assert national_n(home, "S01") == 240
    who, why, action = published(home, "SELECT who, why, action FROM raw.load_events "
                                 "WHERE batch_id = ?", [mistaken["wrong_batch"]])[0]
    assert (who, why, action) == ("Aigerim", "S02's file sent as S01", "revert")
    # the revert was committed with a build and published
    assert published(home, "SELECT max(build_id) FROM raw.builds")[0][0] == 3
    # the listing says what stands and what was undone, by whom and why
    assert main(["--json", "loads", "--kind", "survey"]) == 0
    loads = {x["batch_id"]: x for x in json.loads(capsys.readouterr().out)["loads"]}
    wrong, own = loads[mistaken["wrong_batch"]], loads[mistaken["own_batch"]]
    assert wrong["reverted"] and not wrong["current"] and wrong["who"] == "Aigerim"
    assert own["current"] and own["loaded_as"] == {"study": "S01"}


def test_a_reverted_load_counts_again_when_its_file_is_sent_again(home, mistaken, capsys):
    assert main(["loads", "revert", str(mistaken["wrong_batch"]), "--why", "mistake"]) == 0
    assert main(["ingest", "survey", "--study", "S01", str(mistaken["other"])]) == 0
    assert current_respondents(home, "S01") == ("s02.sav", 120)
    assert published(home, "SELECT action FROM raw.load_events ORDER BY event_id") == [
        ("revert",), ("reinstate",)]


def test_sending_the_wronged_studys_own_file_again_makes_it_current(home, mistaken, capsys):
    capsys.readouterr()
    assert main(["ingest", "survey", "--study", "S01", str(mistaken["own"])]) == 0
    out = said(capsys)
    assert "unchanged" not in out
    assert (f"current s01.sav: batch {mistaken['own_batch']} counts again, in place of batch "
            f"{mistaken['wrong_batch']}") in out
    assert current_respondents(home, "S01") == ("s01.sav", 240)
    assert national_n(home, "S01") == 240
    # no new batch: the same load counts again; sending it once more changes nothing
    assert published(home, "SELECT count(*) FROM raw.load_batches WHERE kind = 'survey'") == [
        (2,)]
    builds = published(home, "SELECT max(build_id) FROM raw.builds")
    assert main(["ingest", "survey", "--study", "S01", str(mistaken["own"])]) == 0
    assert "unchanged s01.sav: already loaded" in said(capsys)
    assert published(home, "SELECT max(build_id) FROM raw.builds") == builds
    # and the listing shows the mistaken load replaced by it
    assert main(["loads"]) == 0
    out = said(capsys)
    rows = published(home, "SELECT rows_loaded FROM raw.load_batches WHERE batch_id = ?",
                     [mistaken["wrong_batch"]])[0][0]
    assert f"s02.sav as study S01, {rows:,} rows" in out and (
        f"replaced by {mistaken['own_batch']}") in out


def test_a_revert_that_cannot_be_is_a_usage_error(home, mistaken, capsys):
    builds = published(home, "SELECT count(*) FROM raw.builds")
    assert main(["loads", "revert", "99", "--why", "x"]) == 2
    assert "there is no batch 99" in said(capsys)
    assert main(["loads", "revert", str(mistaken["wrong_batch"]), "--why", "  "]) == 2
    assert "--why is required" in said(capsys)
    assert main(["loads", "revert", str(mistaken["own_batch"]), "--why", "x"]) == 2
    assert "is not current for any report" in said(capsys)
    reference = published(home, "SELECT min(batch_id) FROM raw.load_batches WHERE file_name "
                          "LIKE 'national_registrations_%'")[0][0]
    assert main(["loads", "revert", str(reference), "--why", "x"]) == 2
    assert "the programme's published figures" in said(capsys)
    assert published(home, "SELECT count(*) FROM raw.builds") == builds
    assert published(home, "SELECT count(*) FROM raw.load_events") == [(0,)]
