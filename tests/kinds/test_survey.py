"""`ahual ingest survey`: real .sav and CSV files in (as statisticians hold them: column maps,
labelled codes, extra columns, zero weights, undeclared missing codes), design-based estimates
out, bad and hostile files refused whole with the rule and kept in quarantine."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from ahual.flows import resources
from ahual.flows.cli import main
from ahual.flows.kinds.survey import registry
from tests.helpers import write_csv
from tests.r import oracle

QUESTIONS = ["q_believer", "q_confession", "q_attendance", "q_freedom"]
LABELS = {"q_believer": {1.0: "Yes", 2.0: "No", 8.0: "Hard to say"},
          "q_confession": {1.0: "Islam", 2.0: "Orthodox", 99.0: "Refused"},
          "q_attendance": {1.0: "Weekly", 2.0: "Never"},
          "q_freedom": {1.0: "Fully", 2.0: "Partly"},
          "sex": {1.0: "male", 2.0: "female"}}
MISSING = {"q_believer": [{"lo": 8.0, "hi": 8.0}], "q_confession": [{"lo": 99.0, "hi": 99.0}]}
NHANES_MAP = """# NHANES-style file loaded as study S08: which column is what
respondent_id: SEQN
weight: WTMEC2YR
stratum: SDMVSTRA
psu: SDMVPSU
region: REGION
sex: RIAGENDR
age_group: AGEGRP
questions:
  RLQ010: q_believer
  RLQ020: q_confession
  RLQ030: q_attendance
  RLQ040: q_freedom
"""


def sample(n: int = 200, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "respondent_id": np.arange(1, n + 1, dtype="float64"),
        "region": rng.choice([11.0, 35.0, 75.0], size=n),
        "stratum": rng.choice([1.0, 2.0, 3.0, 4.0], size=n),
        "psu": rng.choice([1.0, 2.0, 3.0], size=n),
        "sex": rng.choice([1.0, 2.0], size=n), "age": rng.integers(18, 80, size=n) * 1.0,
        "weight": rng.uniform(0.5, 2.0, size=n).round(3),
        "q_believer": rng.choice([1.0, 2.0, 8.0], size=n),
        "q_confession": rng.choice([1.0, 2.0, 99.0], size=n),
        "q_attendance": rng.choice([1.0, 2.0], size=n),
        "q_freedom": rng.choice([1.0, 2.0], size=n)})


def write_sav(path: Path, frame: pd.DataFrame, labels=LABELS, missing=MISSING) -> Path:
    pyreadstat.write_sav(frame, str(path), variable_value_labels=labels, missing_ranges=missing,
                         column_labels={"q_believer": "Do you consider yourself a believer?"})
    return path


def write_study_csv(folder: Path, frame: pd.DataFrame, name: str = "study.csv",
                    extra_codebook: list[list] | None = None) -> Path:
    """The frame as CSV, with a codebook CSV beside it from LABELS (8 and 99 missing)."""
    path = folder / name
    frame.to_csv(path, index=False)
    rows = [["variable", "code", "label_en", "label_ru", "missing"]]
    for variable, codes in LABELS.items():
        for code, label in codes.items():
            rows.append([variable, int(code), label, f"ru:{label}",
                         "yes" if code in (8.0, 99.0) else ""])
    write_csv(folder / f"{path.stem}.codebook.csv", rows + (extra_codebook or []))
    return path


def published(home: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def estimate_of(home: Path, study: str, variable: str, code: int, domain: str = "national"):
    return published(home, "SELECT estimate, std_error, ci_low, ci_high, n_unweighted, "
                     "ci_method FROM marts.study_estimates WHERE study_id = ? AND variable = ? "
                     "AND category_code = ? AND domain = ?", [study, variable, code, domain])[0]


def flat(text: str) -> str:
    return " ".join(text.split())


def said(capsys) -> str:
    """What Ahual printed, on one line (its lines go to stderr once a run in this process used
    --json: flows/console.py STDOUT_IS_DATA is not reset)."""
    captured = capsys.readouterr()
    return flat(captured.out + " " + captured.err)


def json_outcome(out: str, name: str) -> dict:
    """The outcome of file `name` in what `ahual --json ingest ...` printed (the JSON after
    Ahual's lines)."""
    files = json.loads(out[out.index("\n{") + 1:] if not out.startswith("{") else out)["files"]
    return next(f for f in files if f["file"] == name)


def refused(home: Path, capsys, argv: list[str], rule: str) -> tuple[str, dict]:
    """Ingest, expect exit 1 with `rule`; the output and the quarantine entry's reason.json."""
    assert main(["ingest", "survey", *argv]) == 1
    out = said(capsys)
    assert f"(rule: {rule})" in out, out
    entries = [json.loads(p.read_text(encoding="utf-8"))
               for p in (home / "quarantine" / "survey").glob("*/reason.json")]
    entry = next(e for e in entries if rule in e["attempts"][-1]["rules"])
    folder = home / "quarantine" / "survey" / entry["load_key"][:12]
    assert (folder / "received" / entry["file"]).is_file()
    assert (folder / "reason.txt").read_text(encoding="utf-8")
    with duckdb.connect(str(home / "work" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.survey_respondents").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM raw.survey_answers").fetchone() == (0,)
    return out, entry


def registry_with(home: Path, study: str, **changes) -> None:
    """The home's study registry (AHUAL_HOME/studies/) with `changes` to one shipped study."""
    row = {**registry.studies()[study], **changes}
    columns = list(row)
    (home / "studies").mkdir(parents=True, exist_ok=True)
    write_csv(home / "studies" / "studies.csv", [columns, [row[c] for c in columns]])


# --- a study loaded once -------------------------------------------------------------------

@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """S01 loaded once into its own AHUAL_HOME for the tests that only read it."""
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
    row = con.execute("SELECT estimate, n_unweighted, ci_low, ci_high, weights_used, label_en, "
                      "ci_method, lonely_psu FROM marts.study_estimates WHERE study_id = 'S01' "
                      "AND variable = 'q_believer' AND category_code = 1 AND domain = 'national'"
                      ).fetchone()
    assert row[0] == pytest.approx(expected, abs=1e-12)
    assert row[1] == len(valid)
    assert row[2] < row[0] < row[3]
    assert row[4:] == ("design", "Yes", "logit", "adjust")  # the registry's defaults


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


def test_design_columns_are_not_questions_and_the_codebook_is_kept_whole(loaded):
    _, con = loaded
    estimated = con.execute("SELECT DISTINCT variable FROM marts.study_estimates").fetchall()
    assert sorted(v for (v,) in estimated) == sorted(QUESTIONS)
    kept = con.execute("SELECT DISTINCT variable FROM raw.survey_categories").fetchall()
    assert {v for (v,) in kept} == set(QUESTIONS) | {"sex"}  # sex's labels too: lossless


# --- good files of every shape ---------------------------------------------------------------

def test_csv_with_codebook_and_no_weights(home, tmp_path):
    frame = sample(120).drop(columns=["weight", "stratum", "psu"]).assign(
        age=lambda f: 18 + f["age"] % 12)  # S03's population is 18-29
    path = write_study_csv(tmp_path, frame.astype("int64"), "youth.csv")
    assert main(["ingest", "survey", "--study", "S03", str(path)]) == 0
    row = published(home, "SELECT estimate, weights_used, label_ru, variance_method FROM "
                    "marts.study_estimates WHERE study_id = 'S03' AND variable = 'q_attendance' "
                    "AND category_code = 1 AND domain = 'national'")[0]
    assert row[0] == pytest.approx((frame["q_attendance"] == 1).mean(), abs=1e-12)
    assert row[1:] == ("none (equal weights)", "ru:Weekly", "taylor: weights only")


def test_raked_weights_meet_the_population_margins(home, tmp_path):
    frame = sample(600, seed=11)
    path = write_sav(tmp_path / "s04.sav", frame)
    assert main(["ingest", "survey", "--study", "S04", str(path)]) == 0
    used = published(home, "SELECT DISTINCT weights_used FROM marts.study_estimates")
    ages = published(home, "SELECT age_group, sum(weight) / (SELECT sum(weight) FROM "
                     "core.survey_respondents) FROM core.survey_respondents GROUP BY 1")
    assert used == [("raked to population_2009",)]
    population = pd.read_csv(resources.reference() / "studies" / "population_2009.csv")
    ages_pop = population.query("margin == 'age_group'").set_index("age_group")["population"]
    for group, share in ages:
        assert share == pytest.approx(ages_pop[group] / ages_pop.sum(), abs=1e-8)


def test_a_corrected_file_supersedes_the_study(tmp_path, home):
    first = write_sav(tmp_path / "s01.sav", sample())
    corrected = write_sav(tmp_path / "s01-corrected.sav", sample(seed=8))
    assert main(["ingest", "survey", "--study", "S01", str(first)]) == 0
    assert main(["ingest", "survey", "--study", "S01", str(corrected)]) == 0
    files = published(home, "SELECT source_file, is_current FROM core.survey_batches "
                      "ORDER BY batch_id")
    assert files == [("s01.sav", False), ("s01-corrected.sav", True)]


def test_extra_columns_are_kept_and_zero_weights_accepted_and_counted(home, tmp_path, capsys):
    frame = sample(300).assign(interviewer=lambda f: "int-" + (f.index % 7).astype(str),
                               score=np.linspace(0, 1, 300).round(3),
                               weight=lambda f: f["weight"].where(f.index % 50 != 0, 0.0))
    frame.loc[5, "score"] = np.nan
    path = write_study_csv(tmp_path, frame, "s02.csv",
                           extra_codebook=[["stratum", 1, "north", "", ""]])
    assert main(["--json", "ingest", "survey", "--study", "S02", str(path)]) == 0
    out = capsys.readouterr().out
    outcome = json_outcome(out, "s02.csv")
    summary = outcome["summary"]
    assert summary["zero_weights"] == 6
    assert set(summary["not_estimated"]) == {"interviewer", "score", "psu"}
    assert "not used" in summary["not_estimated"]["psu"]  # S02 is stratified, without PSUs
    warned = {w["rule"]: w["message"] for w in outcome["warnings"]}
    assert "interviewer, score" in warned["extra columns kept, not estimated"]
    assert "psu column, not used" in warned["design as registered"]
    variables = published(home, "SELECT variable, estimated, note FROM raw.survey_variables "
                          "ORDER BY variable")
    assert [(v, e) for v, e, _ in variables] == [
        ("interviewer", False), ("psu", False), ("q_attendance", True), ("q_believer", True),
        ("q_confession", True), ("q_freedom", True), ("score", False)]
    kept = dict(published(home, "SELECT variable, count(*) FROM raw.survey_extra_values "
                          "GROUP BY 1"))
    assert kept == {"interviewer": 300, "score": 299, "psu": 300}  # the empty cell is no row
    assert published(home, "SELECT value FROM raw.survey_extra_values WHERE variable = 'score' "
                     "AND source_row = 4")[0][0] == "0.007"  # CSV line 4: the third respondent
    # zero weights: excluded from estimation (not in n), the estimate as if they were absent
    carrying = frame[(frame["weight"] > 0) & frame["q_attendance"].isin([1, 2])]
    got = estimate_of(home, "S02", "q_attendance", 1)
    assert got[4] == len(carrying)
    assert got[0] == pytest.approx(carrying.loc[carrying["q_attendance"] == 1, "weight"].sum()
                                   / carrying["weight"].sum(), abs=1e-12)


def test_age_groups_as_labelled_codes_and_region_and_sex_from_a_codebook(home, tmp_path):
    frame = sample(240).drop(columns="age").assign(
        agegroup=lambda f: 1 + f.index % 3, region=lambda f: 1 + f.index % 2,
        sex=lambda f: 1 + f.index % 2)
    path = write_study_csv(tmp_path, frame.astype({"agegroup": int, "region": int}), "s05.csv",
                           extra_codebook=[["agegroup", 1, "18-34", "", ""],
                                           ["agegroup", 2, "35–54", "", ""],
                                           ["agegroup", 3, "55 and over", "", ""],
                                           ["region", 1, "Astana", "", ""],
                                           ["region", 2, "г. Алматы", "", ""]])
    (tmp_path / "s05.map.yaml").write_text("age_group: agegroup\n", encoding="utf-8")
    assert main(["ingest", "survey", "--study", "S05", str(path)]) == 0
    domains = {d for (d,) in published(home, "SELECT DISTINCT domain FROM marts.study_estimates")}
    assert {"age_group=18-34", "age_group=35-54", "age_group=55+", "sex=male",
            "sex=female"} <= domains
    assert {d for d in domains if d.startswith("region=")} == {"region=71", "region=75"}


# --- the NHANES-style .sav: a map, labelled codes, extra columns, undeclared missing codes --

@pytest.fixture(scope="module")
def nhanes_style(tmp_path_factory, request):
    """nhanes_style.sav (written by tests/r/make_studies.R with haven) loaded as S08 with its
    map beside it, in its own AHUAL_HOME; the ingest's JSON outcome."""
    oracle.skip_without_r()
    cache = oracle.cache_dir(request)
    studies = oracle.make_studies(cache)
    folder = tmp_path_factory.mktemp("nhanes")
    sav = folder / "nhanes_style.sav"
    sav.write_bytes((studies / "nhanes_style.sav").read_bytes())
    (folder / "nhanes_style.map.yaml").write_text(NHANES_MAP, encoding="utf-8")
    home = folder / "ahual-home"
    import contextlib
    import io

    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        patch.setenv("AHUAL_HOME", str(home))
        status = main(["--json", "ingest", "survey", "--study", "S08", str(sav)])
    return status, json_outcome(printed.getvalue(), sav.name), home, studies, sav


def test_a_nhanes_style_sav_loads_with_a_map_and_no_edits(nhanes_style):
    status, outcome, home, studies, sav = nhanes_style
    assert status == 0, outcome["problems"]
    assert sav.read_bytes() == (studies / "nhanes_style.sav").read_bytes()  # untouched
    summary = outcome["summary"]
    assert summary["column_map"] == "nhanes_style.map.yaml"
    assert summary["questions"] == {"RLQ010": "q_believer", "RLQ020": "q_confession",
                                    "RLQ030": "q_attendance", "RLQ040": "q_freedom"}
    assert set(summary["not_estimated"]) == {"SDDSRVYR", "RIDRETH1", "INDFMPIR"}
    assert "has value labels but is not a question" in summary["not_estimated"]["RIDRETH1"]
    loaded_as = json.loads(published(home, "SELECT loaded_as FROM raw.load_batches WHERE "
                                     "file_name = 'nhanes_style.sav'")[0][0])
    assert set(loaded_as["side_files"]) == {"map"}  # the map's bytes are part of the load


def test_a_nhanes_style_sav_warns_of_its_undeclared_missing_codes(nhanes_style):
    _, outcome, _, _, _ = nhanes_style
    warned = [w for w in outcome["warnings"] if w["rule"] == "missing codes declared"]
    assert {w["column"] for w in warned} == {"RLQ010", "RLQ020", "RLQ040"}
    believer = next(w["message"] for w in warned if w["column"] == "RLQ010")
    assert "7 «Refused»" in believer and "9 «Don't know»" in believer
    assert "missing: {q_believer: [7, 9]}" in believer
    assert outcome["summary"]["missing_like_codes"] == {
        "q_believer": [7, 9], "q_confession": [99], "q_freedom": [9]}


def test_a_nhanes_style_sav_estimates_equal_r_for_every_cell(nhanes_style, request):
    _, _, home, studies, _ = nhanes_style
    cache = oracle.cache_dir(request)
    theirs = oracle.oracle(cache, studies / "nhanes_style.oracle.csv", ("adjust",))
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        # the standard domains (the domains S08 declares are compared with R in
        # tests/marts/test_study_domains.py)
        ours = con.sql("SELECT * FROM marts.study_estimates WHERE study_id = 'S08' AND "
                       "domain_kind IN ('national', 'region', 'sex', 'age_group')").df()
    assert set(ours["ci_method"]) <= {"logit", "beta"} and set(ours["lonely_psu"]) == {"adjust"}
    result = oracle.compare(ours, theirs, "logit")
    assert not result.failures, "\n".join(result.failures[:20])
    # (4 + 5 + 3 + 3 categories) x (national + 4 regions + 2 sexes + 3 age groups)
    assert result.cells == len(ours) == 15 * 10
    assert {"region=11", "sex=female", "age_group=60+"} <= set(ours["domain"])
    believers = ours[(ours["variable"] == "q_believer") & (ours["domain"] == "national")]
    assert set(believers["category_code"]) == {1, 2, 7, 9}  # counted, as the file says


def test_declaring_the_missing_codes_in_the_map_is_a_new_load_without_them(nhanes_style,
                                                                          tmp_path, capsys,
                                                                          monkeypatch):
    _, _, home, studies, sav = nhanes_style
    monkeypatch.setenv("AHUAL_HOME", str(home))
    other = tmp_path / "declared.map.yaml"
    other.write_text(NHANES_MAP + "missing:\n  q_believer: [7, 9]\n  q_confession: [99]\n"
                     "  q_freedom: [9]\n", encoding="utf-8")
    assert main(["ingest", "survey", "--study", "S08", "--map", str(other), str(sav)]) == 0
    out = said(capsys)
    assert "loaded nhanes_style.sav" in out and "missing codes declared" not in out
    codes = published(home, "SELECT DISTINCT category_code FROM marts.study_estimates WHERE "
                      "study_id = 'S08' AND variable = 'q_believer'")
    assert sorted(c for (c,) in codes) == [1, 2]


# --- refused whole ---------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "rule", "words"), [
    (lambda f: f.assign(respondent_id=[1.0] + list(f["respondent_id"][1:] - 1)),
     "respondent ids present and unique", "respondent 1 appears more than once"),
    (lambda f: f.assign(weight=f["weight"].where(f.index != 6, -1.0)),
     "weight finite and not negative", "respondent 7: weight -1.0 is negative"),
    (lambda f: f.assign(weight=f["weight"].where(f.index != 9, np.nan)),
     "weight finite and not negative", "respondent 10: the weight is empty"),
    (lambda f: f.assign(weight=0.0), "some respondent carries weight",
     "every respondent has weight 0: nothing to estimate"),
    (lambda f: f.assign(weight=f["weight"].where(f.index != 3, 1e308)),
     "weight within reason", "respondent 4: weight 1e+308 is absurd"),
    (lambda f: f.assign(q_attendance=f["q_attendance"].where(f.index != 2, 7.0)),
     "answers within the codebook", "respondent 3: q_attendance=7"),
    (lambda f: f.assign(region=f["region"].where(f.index != 0, 98.0)),
     "known region", "respondent 1: unknown region «98»"),
    (lambda f: f.assign(age=f["age"].where(f.index != 1, 15.0)),
     "sex and age recognised", ("respondent 2: age «15» is not a whole number of years within "
     "the study's ages 18-110")),
    (lambda f: f.drop(columns="q_freedom"),
     "required variables present", "variable q_freedom of study S01 is not in the file"),
    (lambda f: f.drop(columns="weight"), "required columns present", "no weight column"),
    (lambda f: f.drop(columns="psu"), "design columns present",
     ("the registry's design of S01 is stratified-clustered, which needs a stratum column and "
     "a psu column; the file has no psu column")),
    (lambda f: f.assign(psu=f["psu"].where(f.index != 4, np.nan)), "design columns present",
     "respondent 5: no psu (the registry's design of S01 is stratified-clustered)"),
])
def test_bad_microdata_is_refused_whole(home, tmp_path, capsys, change, rule, words):
    path = write_sav(tmp_path / "bad.sav", change(sample()))
    out, _ = refused(home, capsys, ["--study", "S01", str(path)], rule)
    assert words in out


def test_unreadable_and_unknown_study_files_are_refused(home, tmp_path, capsys):
    broken = tmp_path / "broken.sav"
    broken.write_bytes(b"$FL2@(#) IBM SPSS STATISTICS" + bytes(range(256)) * 4)
    out, _ = refused(home, capsys, ["--study", "S01", str(broken)], "file readable")
    assert "the SPSS file cannot be read" in out
    path = write_sav(tmp_path / "s.sav", sample())
    assert main(["ingest", "survey", "--study", "S99", str(path)]) == 2
    assert "--study S99: the study registry has S01" in said(capsys)


def test_a_sav_cut_short_in_its_labels_is_refused(home, tmp_path, capsys):
    whole = write_sav(tmp_path / "whole.sav", sample()).read_bytes()
    labels_at = whole.find(b"Orthodox")  # inside the value-label records
    cut = tmp_path / "cut.sav"
    cut.write_bytes(whole[:labels_at + 3])
    out, entry = refused(home, capsys, ["--study", "S01", str(cut)], "file readable")
    assert "cut.sav" in out and entry["file"] == "cut.sav"


def test_a_column_map_naming_a_column_the_file_lacks_is_refused(home, tmp_path, capsys):
    path = write_sav(tmp_path / "s01.sav", sample())
    (tmp_path / "s01.map.yaml").write_text("weight: WTMEC2YR\n", encoding="utf-8")
    out, entry = refused(home, capsys, ["--study", "S01", str(path)],
                         "column map matches the file")
    assert "weight: the file has no column «WTMEC2YR»" in out
    assert entry["side_files"] == {"map": "s01.map.yaml"}


def test_undeclared_missing_codes_refused_where_the_registry_says_so(home, tmp_path, capsys):
    registry_with(home, "S01", missing_labels="refuse")
    path = write_sav(tmp_path / "s01.sav", sample(), missing={
        "q_believer": [{"lo": 8.0, "hi": 8.0}]})  # 99 «Refused» of q_confession undeclared
    out, _ = refused(home, capsys, ["--study", "S01", str(path)], "missing codes declared")
    assert "q_confession: 99 «Refused» read as no answer but are not declared missing" in out
    assert "the registry's missing_labels for S01 is refuse" in out


def test_single_psu_strata_refused_where_the_registry_says_fail(home, tmp_path, capsys):
    registry_with(home, "S01", lonely_psu="fail")
    frame = sample().assign(psu=lambda f: f["psu"].where(f["stratum"] != 4, 1.0))
    path = write_sav(tmp_path / "s01.sav", frame)
    out, _ = refused(home, capsys, ["--study", "S01", str(path)],
                     "no single-PSU strata (lonely_psu = fail)")
    assert "stratum «4» has a single PSU, and the registry's lonely_psu for S01 is fail" in out


def test_single_psu_strata_are_counted_under_another_rule(home, tmp_path, capsys):
    frame = sample().assign(psu=lambda f: f["psu"].where(f["stratum"] < 3, 1.0))
    path = write_sav(tmp_path / "s01.sav", frame)
    assert main(["--json", "ingest", "survey", "--study", "S01", str(path)]) == 0
    outcome = json_outcome(capsys.readouterr().out, "s01.sav")
    assert outcome["summary"]["lonely_strata"] == 2
    assert any("2 strata («3», «4») have a single PSU: their variance follows lonely_psu = "
               "adjust" in w["message"] for w in outcome["warnings"])
    assert published(home, "SELECT DISTINCT lonely_strata FROM marts.study_estimates") == [(2,)]


# --- hostile input: nothing lost, nothing stuck ----------------------------------------------

def test_a_codebook_code_beyond_integer_is_refused_with_a_reason(home, tmp_path, capsys):
    path = write_study_csv(tmp_path, sample(), "s02.csv",
                           extra_codebook=[["q_attendance", 3_000_000_000, "Huge", "", ""]])
    out, entry = refused(home, capsys, ["--study", "S02", str(path)], "codebook readable")
    assert ("code 3000000000 of q_attendance is too large: answer codes are whole numbers "
            "from -2,147,483,648 to 2,147,483,647") in out
    assert entry["side_files"] == {"codebook": "s02.codebook.csv"}
    kept = home / "quarantine" / "survey" / entry["load_key"][:12] / "received"
    assert (kept / "s02.codebook.csv").is_file()


def test_sav_labels_contradicting_the_codebook_csv_are_refused(home, tmp_path, capsys):
    path = write_sav(tmp_path / "s01.sav", sample())
    write_csv(tmp_path / "s01.codebook.csv", [
        ["variable", "code", "label_en", "label_ru", "missing"],
        ["q_believer", 1, "Yes", "Да", ""], ["q_believer", 2, "Hard to say", "Затрудняюсь", ""],
        ["q_believer", 8, "Hard to say", "Затрудняюсь ответить", "yes"]])
    out, _ = refused(home, capsys, ["--study", "S01", str(path)],
                     "codebook agrees with the file")
    assert ("s01.codebook.csv, row 3, column «q_believer»: code 2 of q_believer is «No» in "
            "s01.sav but «Hard to say» in s01.codebook.csv") in out


def test_blank_answers_are_empty_answers_not_outside_the_codebook(home, tmp_path):
    frame = sample().astype({c: "int64" for c in ("respondent_id", "region", "sex", "age",
                                                  "stratum", "psu")})
    frame["q_freedom"] = frame["q_freedom"].astype(int).astype(str)
    frame.loc[[3, 10, 11], "q_freedom"] = ["  ", " ", "\u200b"]
    path = write_study_csv(tmp_path, frame, "s02.csv")
    assert main(["ingest", "survey", "--study", "S02", str(path)]) == 0
    assert estimate_of(home, "S02", "q_freedom", 1)[4] == len(frame) - 3


def test_ids_that_differ_by_an_invisible_character_are_one_id(home, tmp_path, capsys):
    frame = sample().astype({"respondent_id": int}).astype({"respondent_id": str})
    frame.loc[1, "respondent_id"] = "1\u200b"  # "1" with a zero-width space: respondent 1 again
    frame.loc[2, "respondent_id"] = "\ufeff 7 "  # a BOM and spaces: respondent 7 again
    path = write_study_csv(tmp_path, frame, "s02.csv")
    out, entry = refused(home, capsys, ["--study", "S02", str(path)],
                         "respondent ids present and unique")
    assert "respondent 1 appears more than once" in out
    assert "respondent 7 appears more than once" in out
    assert len(entry["attempts"][-1]["problems"]) == 4


def test_a_file_where_everyone_gave_one_answer_loads_and_publishes(home, tmp_path):
    frame = sample().assign(q_attendance=1.0)
    path = write_sav(tmp_path / "s01.sav", frame)
    assert main(["ingest", "survey", "--study", "S01", str(path)]) == 0
    p, se, low, high, n, method = estimate_of(home, "S01", "q_attendance", 1)
    assert (p, se, high, n, method) == (1.0, 0.0, 1.0, len(frame), "beta")
    assert 0.9 < low < 1
    assert estimate_of(home, "S01", "q_attendance", 2)[:3] == (0.0, 0.0, 0.0)


# --- the demo ----------------------------------------------------------------------------------

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


# --- what a file is loaded as ----------------------------------------------------------------

def test_the_column_map_and_codebook_are_part_of_what_a_file_is_loaded_as(tmp_path,
                                                                         monkeypatch):
    from ahual.flows.kinds.survey import SurveyOptions

    data = write_study_csv(tmp_path, sample(), "s02.csv")
    plain = SurveyOptions(study="S02")
    assert set(plain.side_files(data)) == {"codebook"}
    (tmp_path / "s02.map.yaml").write_text("weight: weight\n", encoding="utf-8")
    beside = plain.loaded_as(data)
    assert set(beside["side_files"]) == {"codebook", "map"}
    other = tmp_path / "other.map.yaml"
    other.write_text("weight: weight\nregion: region\n", encoding="utf-8")
    given = SurveyOptions(study="S02", map=str(other))  # a flow parameter comes back as text
    assert given.map == other and given.side_files(data)["map"] == other
    assert given.loaded_as(data)["side_files"]["map"] != beside["side_files"]["map"]
    assert given.cli_arguments() == ["--study", "S02", "--map", str(other)]
    # without a map of its own, the study's registry map
    (tmp_path / "s02.map.yaml").unlink()
    registered = tmp_path / "S02.map.yaml"
    registered.write_text("respondent_id: respondent_id\n", encoding="utf-8")
    monkeypatch.setattr(registry, "default_map", lambda study: registered)
    assert plain.side_files(data)["map"] == registered


def test_a_column_map_that_is_not_one_is_refused_with_its_reason(tmp_path):
    from ahual.flows.kinds.survey.columns import read_map
    from ahual.flows.problems import InputRejected

    for text, words in (("- weight\n", "a column map is a list of `role: COLUMN` lines"),
                        ("wieght: WT\n", "unknown key(s) wieght"),
                        ("age: A\nage_group: B\n", "give age (in years) or age_group, not both"),
                        ("missing:\n  q1: [x]\n", "the codes of q1 must be whole numbers"),
                        ("questions:\n  A: q1\n  B: q1\n", "several columns are named q1"),
                        ("weight: [", "the column map cannot be read")):
        path = tmp_path / "bad.map.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(InputRejected) as refusal:
            read_map(path)
        assert [p.rule for p in refusal.value.problems] == ["column map readable"]
        assert words in refusal.value.problems[0].message


def test_labels_that_read_as_no_answer_and_age_ranges():
    from ahual.flows.kinds.survey.labels import age_range, reads_as_missing, year_groups

    for label in ("Don't know", "DK", "Hard to say", "Refused", "No answer",
                  "Затрудняюсь ответить", "Отказ от ответа", "Нет ответа", "Білмеймін",
                  "Жауап беру қиын", "Жауап беруден бас тартты"):
        assert reads_as_missing(label), label
    for label in ("No", "None", "Never", "Нет", "Жоқ", "Other", "Refugee camp"):
        assert not reads_as_missing(label), label
    assert age_range("18-29") == (18, 29) and age_range("18 – 29 лет") == (18, 29)
    assert age_range("60+") == (60, None) and age_range("60 и старше") == (60, None)
    assert age_range("(19,39]") == (20, 39) and age_range("(59,Inf]") == (60, None)
    assert age_range("young") is None and age_range("29-18") is None
    groups = {"18-29": [18, 29], "30-44": [30, 44], "45-59": [45, 59], "60+": [60, 110]}
    assert [g[0] for g in year_groups(groups, 18, 110)] == list(groups)
    assert year_groups(groups, 18, 29) == [("18-29", 18, 29)]
    assert [g[0] for g in year_groups(groups, 15, 64)] == ["15-29", "30-44", "45-59", "60-64"]
