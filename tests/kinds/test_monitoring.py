"""Monitoring rounds: the common scheme, completeness, change and early warnings."""

from __future__ import annotations

import duckdb
import pytest

from ahual.flows import settings
from ahual.flows.cli import main
from tests.helpers import write_csv


def test_three_rounds_for_sixteen_regions_on_one_scheme(demo_con):
    rows = demo_con.execute("SELECT round, count(DISTINCT region_code), "
                            "count(DISTINCT indicator_code)"
                       " FROM marts.monitoring_indicators GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [(1, 16, 10), (2, 16, 10), (3, 15, 10)]


def test_completeness_names_the_late_and_the_incomplete(demo_con):
    rows = demo_con.execute("SELECT round, region_code, status, missing_indicators FROM "
                       "marts.monitoring_completeness WHERE status <> 'complete'").fetchall()
    assert sorted(rows, key=str) == sorted([
        (2, "59", "incomplete", "EXPERT_REVIEWS"),
        (3, "23", "not reported", ("ADMIN_CASES, CONFLICTS, EXPERT_REVIEWS, HATRED_CASES, "
                                   "LIQUIDATED, MEDIA, MISSIONARIES, NEW_REG, OUTREACH, "
                                   "REG_ASSOC")),
    ], key=str)


def test_the_one_early_warning_is_the_planted_one(demo_con):
    """Early warnings are marts.monitoring_warnings' (level warning): monitoring_indicators keeps
    the values, their change and the mean of earlier rounds, and no flag of its own."""
    rows = demo_con.execute(
        "SELECT w.round, w.region_code, w.indicator_code, m.value, m.earlier_rounds_mean "
        "FROM marts.monitoring_warnings AS w JOIN marts.monitoring_indicators AS m "
        "USING (round, region_code, indicator_code) WHERE w.level = 'warning'").fetchall()
    assert rows == [(3, "43", "CONFLICTS", 9, 0.5)]
    columns = {row[0] for row in demo_con.execute(
        "DESCRIBE marts.monitoring_indicators").fetchall()}
    assert {"value", "change_vs_previous", "earlier_rounds_mean"} <= columns
    assert "early_warning" not in columns


def test_change_vs_previous_is_the_difference_with_the_previous_round(demo_con):
    rows = demo_con.execute("SELECT round, value, change_vs_previous "
                            "FROM marts.monitoring_indicators"
                       " WHERE region_code = '43' AND indicator_code = 'CONFLICTS' ORDER BY 1"
                       ).fetchall()
    assert rows[0][2] is None
    assert [r[2] for r in rows[1:]] == [rows[1][1] - rows[0][1], rows[2][1] - rows[1][1]]


def test_registered_associations_agree_with_the_registration_reports(demo_con):
    disagree = demo_con.execute(
        "SELECT m.region_code, m.value, r.reported_total FROM marts.monitoring_indicators m "
        "JOIN marts.registration_reconciliation r ON r.region_code = m.region_code "
        "AND r.as_of = DATE '2008-01-01' WHERE m.round = 1 AND m.indicator_code = 'REG_ASSOC' "
        "AND m.value <> r.reported_total").fetchall()
    assert disagree == []


SHEET = [["region", "indicator", "value"], ["Akmola Region", "CONFLICTS", "2"],
         ["Akmola Region", "Outreach events held", "40"]]


def test_a_sheet_loads_for_its_round(home, tmp_path):
    path = write_csv(tmp_path / "akmola.csv", SHEET)
    assert main(["ingest", "monitoring", "--round", "2", str(path)]) == 0
    with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as con:
        assert con.execute("SELECT indicator_code, value FROM marts.monitoring_indicators "
                           "WHERE round = 2 ORDER BY 1").fetchall() == [("CONFLICTS", 2),
                                                                         ("OUTREACH", 40)]


@pytest.mark.parametrize(("rows", "round_no", "says"), [
    ([["region", "round", "indicator", "value"], ["Akmola Region", "1", "CONFLICTS", "2"]], 2,
     "the row says round «1», the command said round 2"),
    ([SHEET[0], ["Akmola Region", "Conflikts", "2"]], 1, "unknown indicator «Conflikts»"),
    ([SHEET[0], ["Akmola Region", "CONFLICTS", "2"], ["Акмолинская область", "CONFLICTS", "3"]],
     1, "is given more than once"),
    ([SHEET[0], ["Akmola Region", "CONFLICTS", "-2"]], 1, "value «-2» is not a whole number"),
])
def test_bad_sheets_are_refused_whole(home, tmp_path, capsys, rows, round_no, says):
    path = write_csv(tmp_path / "sheet.csv", rows)
    assert main(["ingest", "monitoring", "--round", str(round_no), str(path)]) == 1
    assert says in capsys.readouterr().out


def test_the_round_is_required_and_checked_before_anything_runs(tmp_path, capsys):
    path = write_csv(tmp_path / "sheet.csv", SHEET)
    assert main(["ingest", "monitoring", str(path)]) == 2
    assert main(["ingest", "monitoring", "--round", "4", str(path)]) == 2
    assert "the programme's monitoring rounds are 1, 2, 3" in capsys.readouterr().err
