"""Survey microdata: real .sav and CSV files in, design-based estimates out, bad files refused."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from flows.cli import main
from tests.conftest import write_csv

QUESTIONS = ["q_believer", "q_confession", "q_attendance", "q_freedom"]
LABELS = {"q_believer": {1.0: "Yes", 2.0: "No", 8.0: "Hard to say"},
          "q_confession": {1.0: "Islam", 2.0: "Orthodox", 99.0: "Refused"},
          "q_attendance": {1.0: "Weekly", 2.0: "Never"},
          "q_freedom": {1.0: "Fully", 2.0: "Partly"},
          "sex": {1.0: "male", 2.0: "female"}}
MISSING = {"q_believer": [{"lo": 8.0, "hi": 8.0}], "q_confession": [{"lo": 99.0, "hi": 99.0}]}


def sample(n: int = 200, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "respondent_id": np.arange(1, n + 1, dtype="float64"),
        "region": rng.choice([11.0, 35.0, 75.0], size=n),
        "sex": rng.choice([1.0, 2.0], size=n), "age": rng.integers(18, 80, size=n) * 1.0,
        "weight": rng.uniform(0.5, 2.0, size=n).round(3),
        "q_believer": rng.choice([1.0, 2.0, 8.0], size=n),
        "q_confession": rng.choice([1.0, 2.0, 99.0], size=n),
        "q_attendance": rng.choice([1.0, 2.0], size=n),
        "q_freedom": rng.choice([1.0, 2.0], size=n)})


def write_sav(path, frame, labels=LABELS):
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels, missing_ranges=MISSING,
                         column_labels={"q_believer": "Do you consider yourself a believer?"})
    return path


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """S01 loaded once into its own AHUAL_HOME for the tests that only read it (~20 s each)."""
    folder = tmp_path_factory.mktemp("s01")
    home = folder / "ahual-home"
    frame = sample()
    path = write_sav(folder / "s01.sav", frame)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AHUAL_HOME", str(home))
        assert main(["ingest", "survey", "--study", "S01", str(path)]) == 0
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        yield frame, con


def test_weighted_national_proportion_among_substantive_answers(loaded):
    frame, con = loaded
    valid = frame[frame["q_believer"].isin([1.0, 2.0])]  # «hard to say» is a missing code
    expected = valid.loc[valid["q_believer"] == 1, "weight"].sum() / valid["weight"].sum()
    row = con.execute("SELECT estimate, n_unweighted, ci_low, ci_high, weights_used, label_en "
                      "FROM marts.study_estimates WHERE study_id = 'S01' AND variable = "
                      "'q_believer' AND category_code = 1 AND domain = 'national'").fetchone()
    assert row[0] == pytest.approx(expected, abs=1e-12)
    assert row[1] == len(valid)
    assert row[2] < row[0] < row[3]
    assert row[4:] == ("design", "Yes")


def test_small_cells_are_suppressed(loaded):
    _, con = loaded
    rows = con.execute("SELECT n_unweighted, suppressed FROM marts.study_estimates "
                       "WHERE study_id = 'S01'").fetchall()
    assert all(suppressed == (n < 30) for n, suppressed in rows)
    assert any(s for _, s in rows) and not all(s for _, s in rows)


def test_microdata_stays_in_the_warehouse_only_as_aggregates(loaded):
    _, con = loaded
    marts = [r[0] for r in con.execute("SELECT table_name FROM information_schema.columns "
                                       "WHERE table_schema = 'marts' AND column_name = "
                                       "'respondent_id'").fetchall()]
    assert marts == []


def test_csv_with_codebook_and_no_weights(home, tmp_path):
    frame = sample(120).drop(columns="weight")
    data = tmp_path / "youth.csv"
    frame.astype({c: "int64" for c in frame.columns}).to_csv(data, index=False)
    rows = [["variable", "code", "label_en", "label_ru", "label_kk", "missing"]]
    for variable, codes in LABELS.items():
        for code, label in codes.items():
            rows.append([variable, int(code), label, f"ru:{label}", f"kk:{label}",
                         "yes" if code in (8.0, 99.0) else ""])
    write_csv(tmp_path / "youth.codebook.csv", rows)
    assert main(["ingest", "survey", "--study", "S03", str(data)]) == 0
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        row = con.execute("SELECT estimate, weights_used, label_ru, label_kk FROM "
                          "marts.study_estimates WHERE study_id = 'S03' AND variable = "
                          "'q_attendance' AND category_code = 1 AND domain = 'national'"
                          ).fetchone()
    assert row[0] == pytest.approx((frame["q_attendance"] == 1).mean(), abs=1e-12)
    assert row[1:] == ("none (equal weights)", "ru:Weekly", "kk:Weekly")


def test_raked_weights_meet_the_population_margins(home, tmp_path):
    frame = sample(600, seed=11)
    path = write_sav(tmp_path / "s04.sav", frame)
    assert main(["ingest", "survey", "--study", "S04", str(path)]) == 0
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        used = con.execute("SELECT DISTINCT weights_used FROM marts.study_estimates").fetchall()
        ages = con.execute("SELECT age_group, sum(weight) / (SELECT sum(weight) FROM "
                           "core.survey_respondents) FROM core.survey_respondents GROUP BY 1"
                           ).fetchall()
    assert used == [("raked to population_2009",)]
    population = pd.read_csv("datasets/reference/studies/population_2009.csv")
    ages_pop = population.query("margin == 'age_group'").set_index("age_group")["population"]
    for group, share in ages:
        assert share == pytest.approx(ages_pop[group] / ages_pop.sum(), abs=1e-8)


def test_a_corrected_file_supersedes_the_study(tmp_path, home):
    first = write_sav(tmp_path / "s01.sav", sample())
    corrected = write_sav(tmp_path / "s01-corrected.sav", sample(seed=8))
    assert main(["ingest", "survey", "--study", "S01", str(first)]) == 0
    assert main(["ingest", "survey", "--study", "S01", str(corrected)]) == 0
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        files = con.execute("SELECT source_file, is_current FROM core.survey_batches "
                            "ORDER BY batch_id").fetchall()
    assert files == [("s01.sav", False), ("s01-corrected.sav", True)]


def _refused(tmp_path, capsys, frame, study="S01", labels=LABELS) -> str:
    path = write_sav(tmp_path / "bad.sav", frame, labels)
    assert main(["ingest", "survey", "--study", study, str(path)]) == 1
    return capsys.readouterr().out


@pytest.mark.parametrize(("change", "rule", "words"), [
    (lambda f: f.assign(respondent_id=[1.0] + list(f["respondent_id"][1:] - 1)),
     "respondent ids present and unique", "respondent 1 appears more than once"),
    (lambda f: f.assign(weight=f["weight"].where(f.index != 4, 0.0)),
     "weight positive and finite", "respondent 5: weight 0.0 is not positive"),
    (lambda f: f.assign(weight=f["weight"].where(f.index != 6, -1.0)),
     "weight positive and finite", "respondent 7"),
    (lambda f: f.assign(weight=f["weight"].where(f.index != 9, np.nan)),
     "weight positive and finite", "respondent 10: the weight is empty"),
    (lambda f: f.assign(q_attendance=f["q_attendance"].where(f.index != 2, 7.0)),
     "answers within the codebook", "respondent 3: q_attendance=7"),
    (lambda f: f.assign(region=f["region"].where(f.index != 0, 98.0)),
     "known region", "respondent 1: unknown region «98»"),
    (lambda f: f.drop(columns="q_freedom"),
     "required variables present", "variable q_freedom of study S01 is not in the file"),
    (lambda f: f.drop(columns="weight"), "required columns present", "no weight column"),
])
def test_bad_microdata_is_refused_whole(home, tmp_path, capsys, change, rule, words):
    out = _refused(tmp_path, capsys, change(sample()))
    assert rule in out and words in out
    assert list((home / "quarantine" / "survey").iterdir())
    with duckdb.connect(str(home / "work" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.survey_respondents").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM raw.survey_answers").fetchone() == (0,)


def test_unreadable_and_unknown_study_files_are_refused(home, tmp_path, capsys):
    broken = tmp_path / "broken.sav"
    broken.write_bytes(b"$FL2@(#) IBM SPSS STATISTICS" + bytes(range(256)) * 4)
    assert main(["ingest", "survey", "--study", "S01", str(broken)]) == 1
    assert "the SPSS file cannot be read" in capsys.readouterr().out
    path = write_sav(tmp_path / "s.sav", sample())
    assert main(["ingest", "survey", "--study", "S99", str(path)]) == 1
    assert "study «S99» is not in the study registry" in capsys.readouterr().out


def test_demo_studies_and_snapshot_without_suppressed_cells(demo_home):
    with duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True) as con:
        studies = con.execute("SELECT count(DISTINCT study_id), count(*) FILTER (WHERE "
                              "suppressed) FROM marts.study_estimates").fetchone()
    assert studies[0] == 9
    manifests = sorted(demo_home.glob("snapshots/*/manifest.json"))
    snapshot = manifests[-1].parent
    meta = json.loads(manifests[-1].read_text())
    assert "study_estimates" in json.dumps(meta)
    table = pq.read_table(snapshot / "study_estimates.parquet")
    assert table.num_rows > 0
    assert not any(table.column("suppressed").to_pylist())


def test_a_sav_cut_short_in_its_labels_is_refused(home, tmp_path, capsys):
    whole = write_sav(tmp_path / "whole.sav", sample()).read_bytes()
    labels_at = whole.find(b"Orthodox")  # inside the value-label records
    cut = tmp_path / "cut.sav"
    cut.write_bytes(whole[:labels_at + 3])
    assert main(["ingest", "survey", "--study", "S01", str(cut)]) == 1
    out = capsys.readouterr().out
    assert "cut.sav" in out and "(rule: file readable)" in out
    assert (home / "quarantine" / "survey").is_dir()
