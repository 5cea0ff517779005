"""Studies belong to the centre: a study registered in AHUAL_HOME/studies/ with `ahual studies
add` loads and estimates, a correction of a shipped design takes effect, a broken row is refused
naming file, row and rule with nothing written, and every snapshot lists the centre's files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from ahual.flows.cli import main
from tests.helpers import write_csv
from tests.kinds.test_survey import sample, write_sav

STUDY = ["study_id", "title_kk", "title_ru", "title_en", "fieldwork_start", "fieldwork_end",
         "population_en", "design", "planned_n", "weights", "rake_to", "lonely_psu", "interval",
         "age_min", "age_max", "missing_labels", "made_up"]
S10 = ["S10", "Орталықтың зерттеуі", "Исследование центра", "The centre's own study",
       "2009-09-01", "2009-10-15", "adults 18+ in three regions", "stratified-clustered", "200",
       "given", "", "", "beta", "18", "110", "warn", "no"]
VARIABLES = [["study_id", "variable", "question_kk", "question_ru", "question_en"],
             ["S10", "q_believer", "Сенесіз бе?", "Верите ли Вы?", "Are you a believer?"],
             ["S10", "q_attendance", "Барасыз ба?", "Посещаете ли?", "Do you attend?"]]


def register(folder: Path, *files: list[list[str]], why: str = "the centre's 2009 study",
             names=("studies.csv", "study_variables.csv")) -> int:
    paths = []
    for name, rows in zip(names, files, strict=True):
        paths.append(write_csv(folder / name, rows))
    return main(["studies", "add", *map(str, paths), "--why", why, "--who", "a.analyst"])


def published(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_study_of_the_centre_is_registered_loaded_and_estimated(home, tmp_path, capsys):
    given = tmp_path / "given"
    given.mkdir()
    assert register(given, [STUDY, S10], VARIABLES) == 0
    assert "studies.csv: 1 row(s) added, 0 replaced" in capsys.readouterr().out
    assert main(["studies", "list", "--json"]) == 0
    listed = {r["study_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["S10"]["source"] == "centre's" and listed["S01"]["source"] == "shipped"
    with open(home / "studies" / "changes.csv", encoding="utf-8") as handle:
        log = list(csv.DictReader(handle))
    assert [(r["file"], r["changed_by"], r["reason"], r["added"]) for r in log] == [
        ("studies.csv", "a.analyst", "the centre's 2009 study", "1"),
        ("study_variables.csv", "a.analyst", "the centre's 2009 study", "2")]

    path = write_sav(tmp_path / "s10.sav", sample())
    assert main(["ingest", "survey", "--study", "S10", str(path)]) == 0
    cells = published(home, "SELECT DISTINCT variable, ci_method FROM marts.study_estimates "
                            "WHERE study_id = 'S10' AND domain = 'national' ORDER BY 1")
    assert [v for v, _ in cells] == ["q_attendance", "q_believer", "q_confession", "q_freedom"]
    # the registry's interval for S10 (beta), unless a cell of 0 or 1 takes its own
    assert {m for _, m in cells} == {"beta"}
    assert published(home, "SELECT title_en, made_up FROM staging.stg_studies "
                           "WHERE study_id = 'S10'") == [("The centre's own study", False)]

    assert main(["snapshot", "--quarter", "2009Q4"]) == 0
    manifest = json.loads((home / "snapshots" / "2009Q4" / "manifest.json").read_text())
    listed = {f["file"]: f for f in manifest["home_registries"]["survey"]}
    assert set(listed) == {"studies/studies.csv", "studies/study_variables.csv",
                           "studies/changes.csv"}
    package = json.loads((home / "snapshots" / "2009Q4" / "datapackage.json").read_text())
    studies = next(r for r in package["resources"] if r["name"] == "studies")
    assert "centre's own rows" in studies["description"]
    assert "S10" in (home / "snapshots" / "2009Q4" / studies["path"]).read_text()


def test_correcting_a_shipped_design_rebuilds_with_it(home, tmp_path, capsys):
    path = write_sav(tmp_path / "s01.sav", sample())
    assert main(["ingest", "survey", "--study", "S01", str(path)]) == 0
    before = published(home, "SELECT DISTINCT ci_method FROM marts.study_estimates "
                             "WHERE study_id = 'S01' AND std_error > 0")
    assert before == [("logit",)]
    with open(Path(__file__).parents[2] / "datasets/reference/studies/studies.csv",
              encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["study_id"] == "S01")
    given = tmp_path / "given"
    given.mkdir()
    assert register(given, [STUDY, [{**row, "interval": "t"}[c] for c in STUDY]],
                    names=("studies.csv",), why="the design report says t intervals") == 0
    assert main(["studies", "list"]) == 0
    assert "centre's, replacing the shipped row" in capsys.readouterr().out
    assert main(["build"]) == 0
    assert published(home, "SELECT DISTINCT ci_method FROM marts.study_estimates "
                           "WHERE study_id = 'S01' AND std_error > 0") == [("t",)]


@pytest.mark.parametrize("name, rows, words", [
    ("studies.csv", [STUDY, S10[:7] + ["cluster"] + S10[8:]],
     "studies.csv, row 2: design is «cluster», not one of simple"),
    ("studies.csv", [STUDY, S10[:4] + ["2009-11-01"] + S10[5:]],
     "studies.csv, row 2, column «fieldwork_end»: fieldwork ends before it starts"),
    ("studies.csv", [STUDY, S10[:10] + ["population_2030"] + S10[11:]],
     "no margins table population_2030.csv"),
    ("studies.csv", [STUDY, S10, S10], "studies.csv, row 3: the same study_id as row 2"),
    ("studies.csv", [STUDY + ["colour"], S10 + ["red"]], "unknown column(s) colour"),
    ("study_variables.csv", [VARIABLES[0], ["S11", "q_x", "", "", "X?"]],
     "study_variables.csv, row 2, column «study_id»: study «S11» is not in the registry"),
])
def test_a_row_that_breaks_a_rule_is_refused_and_nothing_is_written(home, tmp_path, capsys,
                                                                     name, rows, words):
    given = tmp_path / "given"
    given.mkdir()
    assert register(given, rows, names=(name,)) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert words in out and "nothing was written" in out
    assert not (home / "studies").exists()


def test_a_registry_edited_by_hand_is_checked_before_a_build(home, tmp_path, capsys):
    (home / "studies").mkdir(parents=True)
    write_csv(home / "studies" / "studies.csv", [STUDY, S10[:12] + ["sideways"] + S10[13:]])
    assert main(["studies", "check"]) == 1
    assert "interval is «sideways»" in capsys.readouterr().out
    assert main(["ingest", "survey", "--study", "S10", str(
        write_sav(tmp_path / "s10.sav", sample()))]) == 2  # the study itself is wrong
    capsys.readouterr()
    assert main(["build"]) == 2  # and nothing is loaded or built with such a registry
    said = capsys.readouterr()
    assert "studies.csv, row 2: interval is «sideways»" in " ".join((said.out + said.err).split())
    assert not (home / "warehouse.duckdb").exists()
