"""Figures an analyst can sign: reporting obligations as data (on time, late, partial, not
received; each akimat by name), coverage of every multi-region figure, the demo kept apart, and
defaults taken from the data rather than the calendar."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from ahual.flows import resources, settings
from ahual.flows.cli import main
from tests.helpers import write_csv


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


# --- obligations on the demo ------------------------------------------------------------------

def test_each_akimat_owes_its_own_progress_report(demo_con):
    akimats = rows(demo_con, "SELECT period, count(*) FROM marts.reporting_obligations "
                   "WHERE report_kind = 'progress' AND reporter_code LIKE 'AKIMAT_%' "
                   "GROUP BY ALL ORDER BY 1")
    assert akimats and all(n == 16 for _, n in akimats)
    groups = rows(demo_con, "SELECT count(*) FROM marts.reporting_obligations "
                  "WHERE reporter_code IN ('AKIMATS_OBLASTS', 'AKIMATS_CITIES')")
    assert groups == [(0,)]  # a group owes through its members, never as one


def test_a_late_and_a_partial_submission_are_shown_as_such(demo_con):
    late = rows(demo_con, "SELECT reporter_code, days_late FROM marts.reporting_obligations "
                "WHERE status = 'late' AND report_kind = 'progress'")
    assert late == [("MCI", 15)]  # its 2008H2 file arrived on 25 January 2009
    partial = rows(demo_con, "SELECT period, reporter_code, partial_reason "
                   "FROM marts.reporting_obligations WHERE report_kind = 'progress' "
                   "AND status = 'partial'")
    assert len(partial) == 1 and partial[0][:2] == ("2009H1", "AKIMAT_MAN")
    assert partial[0][2].startswith("1 of ")
    monitoring = dict(rows(demo_con, "SELECT reporter_code, status FROM "
                           "marts.reporting_obligations WHERE report_kind = 'monitoring' "
                           "AND round = 2 AND status <> 'on time'"))
    assert monitoring == {"47": "late", "59": "partial"}  # Mangystau's own file; an empty cell


def test_registration_reports_are_due_on_10_january_and_10_july(demo_con):
    due = rows(demo_con, "SELECT DISTINCT as_of, due_date FROM marts.reporting_obligations "
               "WHERE report_kind = 'registrations' ORDER BY 1")
    assert [(str(a), str(d)) for a, d in due][:2] == [("2008-01-01", "2008-01-10"),
                                                      ("2008-07-01", "2008-07-10")]


def test_status_and_completeness_give_the_same_missing_list(in_demo_home, capsys):
    assert main(["status", "--json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert main(["completeness", "--json"]) == 1  # the latest due half-year the data holds
    found = json.loads(capsys.readouterr().out)
    assert found["period"] == facts["obligations_period"] == "2009H2"
    assert found["regions_missing"] == facts["regions_without_report"]
    assert len(found["regions_missing"]) == 16  # nobody has sent the 1 January 2010 counts
    assert found["monitoring_missing"] == [{"code": "23", "name": "Atyrau Region"}]


def test_a_half_year_not_yet_due_or_not_owed_says_so(in_demo_home, capsys):
    assert main(["completeness", "--period", "2026H2"]) == 0
    assert "no report is owed" in capsys.readouterr().out


def test_report_outside_the_programme_is_a_usage_error(in_demo_home, capsys):
    assert main(["report", "--period", "2026H1"]) == 2
    assert "not a reporting half-year" in capsys.readouterr().err


# --- coverage: a partial date is never a national figure --------------------------------------

@pytest.fixture(scope="module")
def partial_date(demo_home: Path, tmp_path_factory) -> Path:
    """A copy of the demo home after one region's partial report for a new date (Zhambyl, 1 July
    2009, three confessions) was ingested the normal way."""
    import shutil

    path = tmp_path_factory.mktemp("partial") / "ahual-home"
    shutil.copytree(demo_home, path, ignore=shutil.ignore_patterns("prefect", "gx"))
    report = write_csv(tmp_path_factory.mktemp("files") / "zhambyl-2009-07-01.csv", [
        ["as_of", "region", "confession", "associations"],
        ["2009-07-01", "Zhambyl Region", "ISL-SAMK", "201"],
        ["2009-07-01", "Zhambyl Region", "ORT-ROC", "12"],
        ["2009-07-01", "Zhambyl Region", "PRO-BAP", "3"]])
    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(path))
    try:
        assert main(["ingest", "registrations", str(report)]) == 0
    finally:
        patch.undo()
    return path


def test_a_partial_date_names_its_missing_regions(partial_date):
    with duckdb.connect(str(partial_date / "warehouse.duckdb"), read_only=True) as con:
        coverage = rows(con, "SELECT units_expected, units_reported, complete, national_source, "
                        "len(missing_units) FROM marts.registration_coverage "
                        "WHERE as_of = DATE '2009-07-01'")
        assert coverage == [(16, 1, False, None, 15)]
        judged = rows(con, "SELECT status, partial_reason FROM marts.reporting_obligations "
                      "WHERE report_kind = 'registrations' AND as_of = DATE '2009-07-01' "
                      "AND reporter_code = '31'")
        assert judged[0][0] == "partial" and "previous report" in judged[0][1]


def test_no_national_figure_is_computed_from_a_partial_date(partial_date):
    with duckdb.connect(str(partial_date / "warehouse.duckdb"), read_only=True) as con:
        growth = rows(con, "SELECT count(*) FROM marts.association_growth "
                      "WHERE to_date = DATE '2009-07-01' OR from_date = DATE '2009-07-01'")
        assert growth == [(0,)]
        national = rows(con, "SELECT count(*), min(origin_value) FROM "
                        "marts.association_forecasts WHERE level = 'national' "
                        "AND origin_date = DATE '2009-07-01'")
        assert national[0][0] == 0
        partial = rows(con, "SELECT DISTINCT origin_date FROM marts.association_forecasts "
                       "WHERE level = 'national' AND origin_date NOT IN "
                       "(SELECT as_of FROM marts.registration_coverage WHERE complete)")
        assert partial == []  # every national origin is a date with a national figure


# --- the demo is kept apart -------------------------------------------------------------------

def test_the_demo_never_works_in_an_analysts_home(home: Path, tmp_path, monkeypatch, capsys):
    home.mkdir(parents=True)
    (home / "warehouse.duckdb").write_bytes(b"")  # an analyst's own data
    assert main(["demo"]) == 2
    assert "holds an analyst's own data" in capsys.readouterr().err
    assert not settings.Home(home).is_demo


def test_without_a_home_the_demo_chooses_its_own(tmp_path, monkeypatch):
    from ahual.flows.ops.demo import prepare_home

    monkeypatch.delenv("AHUAL_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    chosen = prepare_home()
    monkeypatch.delenv("AHUAL_HOME")
    assert chosen == settings.default_demo_home() and chosen != settings.default_home()
    assert settings.Home(chosen).is_demo and (chosen / "receipts.csv").exists()
    assert not settings.default_home().exists()


def test_a_demo_file_dropped_into_a_real_home_is_refused(home: Path, capsys):
    demo_file = resources.demo() / "registrations" / "2009-01-01_all-regions_en.csv"
    assert main(["ingest", "registrations", str(demo_file)]) == 1
    assert "made-up demo files" in capsys.readouterr().out + capsys.readouterr().err
    reasons = list((home / "quarantine").rglob("reason.txt"))
    assert reasons and "no demo data in a real home" in reasons[0].read_text(encoding="utf-8")


def test_the_demo_snapshot_says_it_is_made_up(demo_home):
    manifests = sorted(demo_home.glob("snapshots/*/manifest.json"))
    assert manifests
    manifest = json.loads(manifests[-1].read_text(encoding="utf-8"))
    assert manifest["made_up"] is True and "DEMO DATA" in manifest["note"]


def test_the_demos_snapshot_is_of_the_quarter_its_data_reaches(demo_home):
    taken = [p.parent.name for p in demo_home.glob("snapshots/*/manifest.json")]
    assert taken == ["2017Q2"]  # the national report of 20 April 2017, not the calendar


def test_made_up_rows_are_distinguishable_in_the_marts(demo_con):
    origin = dict(rows(demo_con, "SELECT level = 'national', bool_and(made_up) "
                       "FROM marts.registrations GROUP BY 1"))
    # the regions' demo reports are made up; the programme's national figures are real
    assert origin == {False: True, True: False}
    loads = rows(demo_con, "SELECT kind, bool_and(made_up) FROM marts.load_origins "
                 "WHERE source_file NOT LIKE 'national_%' GROUP BY 1 ORDER BY 1")
    # every demo load of every kind is marked made up
    assert {"monitoring", "progress", "registrations", "survey"} <= {k for k, _ in loads}
    assert all(made_up for _, made_up in loads), loads


def test_report_without_a_period_writes_the_latest_due_half_year_of_the_data(demo_copy):
    import shutil

    shutil.rmtree(demo_copy / "reports", ignore_errors=True)
    assert main(["report", "--lang", "en"]) == 0
    assert [p.name for p in (demo_copy / "reports").iterdir()] == ["2009H2"]
