"""The programme's marts from the demo: budget against the printed totals, measures, scorecard,
who has not reported; overdue and late measures, the occurrences of recurring measures and the
outcome target, on the demo and on a copy of it given files that break each rule."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ahual.flows.cli import main


def test_budget_lines_add_to_the_printed_totals_within_the_tolerance(demo_con):
    rows = demo_con.execute("SELECT year, lines_sum_mln_tenge, printed_mln_tenge, within_tolerance "
                       "FROM marts.programme_budget_totals ORDER BY year").fetchall()
    assert [(y, float(s), float(p), ok) for y, s, p, ok in rows] == [
        ("2007", 68.1, 68.1, True), ("2008", 31.604, 31.6, True), ("2009", 78.0, 78.0, True),
        ("total", 177.704, 177.7, True)]


def test_not_required_state_order_and_dash_are_never_zero(demo_con):
    rows = demo_con.execute("SELECT funding_kind, count(*), count(planned_mln_tenge) "
                       "FROM marts.programme_budget GROUP BY 1 ORDER BY 1").fetchall()
    kinds = {kind: (n, with_amount) for kind, n, with_amount in rows}
    assert set(kinds) == {"amount", "not_required", "state_order", "none"}
    assert all(with_amount == 0 for kind, (_, with_amount) in kinds.items() if kind != "amount")
    assert sum(n for n, _ in kinds.values()) == 23 * 3


def test_spent_is_what_the_current_reports_say(demo_con):
    # demo: the lead agency reports 45% of the year's plan each half-year
    rows = demo_con.execute("SELECT year, planned_mln_tenge, spent_mln_tenge FROM "
                       "marts.programme_budget WHERE measure_no = 19 ORDER BY year").fetchall()
    assert [(y, float(p), float(s)) for y, p, s in rows if p is not None] == [
        (2008, 12.268, pytest.approx(12.268 * 0.9, abs=5e-4)),
        (2009, 24.577, pytest.approx(24.577 * 0.9, abs=5e-4))]


def test_scorecard_counts_studies_rounds_and_reported_outputs(demo_con):
    card = {row[0]: row[1:] for row in demo_con.execute(
        "SELECT target_code, planned, achieved, status FROM marts.programme_scorecard"
    ).fetchall()}
    assert len(card) == 12 + 2  # the 12 counted targets and the 2 outcome targets
    assert card["sociological_studies"] == (9, 9, "achieved")  # all 9 demo studies loaded
    assert card["monitoring_rounds"] == (3, 3, "achieved")
    # the demo reports 4 republican conferences (1+1+1+1) and 3 of 4 international ones
    assert card["conferences_republican"] == (4, 4, "achieved")
    assert card["conferences_international"] == (4, 3, "behind")
    assert card["bulletin_copies"] == (18000, 12000, "behind")


def test_scorecard_history_is_cumulative(demo_con):
    rows = demo_con.execute("SELECT period, achieved, status "
                            "FROM marts.programme_scorecard_history "
                       "WHERE target_code = 'outreach_groups' ORDER BY period").fetchall()
    assert [r[1] for r in rows] == [0, 5, 9, 12, 15]
    assert rows[0][2] == "not started" and rows[-1][2] == "achieved"


def test_overdue_measures_and_measure_23_unknown_quarter(demo_con):
    overdue = demo_con.execute("SELECT measure_no FROM marts.programme_measures "
                          "WHERE period = '2009H2' AND overdue").fetchall()
    # 17: still "in progress" after 20 July 2008; 23: «2008, quarter ?» and not done, so
    # overdue once every quarter of 2008 has ended
    assert overdue == [(17,), (23,)]
    m23 = demo_con.execute("SELECT due_date, overdue FROM marts.programme_measures "
                      "WHERE measure_no = 23 AND period = '2009H2'").fetchone()
    assert m23 == (None, True)


def test_who_has_not_reported(demo_con):
    missing = demo_con.execute("SELECT period, agency_code FROM marts.progress_completeness "
                          "WHERE status = 'not reported' ORDER BY 1, 2").fetchall()
    assert ("2009H1", "MFA") in missing
    assert all(period != "2008H2" for period, _ in missing)  # MCI's late file arrived


# --- deadlines: unknown quarter, done late ----------------------------------------------------

def test_measure_23_is_overdue_from_the_end_of_2008(demo_con):
    rows = dict(demo_con.execute("SELECT period, overdue FROM marts.programme_measures "
                                 "WHERE measure_no = 23 ORDER BY period").fetchall())
    # the demo reports it «in progress» in 2008 and never done
    assert rows == {"2007H2": False, "2008H1": False, "2008H2": True, "2009H1": True,
                    "2009H2": True}


def test_nothing_in_the_demo_is_done_late(demo_con):
    # the demo reports every one-off measure done in the half-year of its due date, or earlier
    late = demo_con.execute("SELECT count(*) FROM marts.programme_measures WHERE done_late"
                            ).fetchone()[0]
    done = demo_con.execute("SELECT count(*) FROM marts.programme_measures "
                            "WHERE done_late = false AND period = '2009H2'").fetchone()[0]
    assert (late, done) == (0, 10)  # 3, 4, 5, 12, 13, 14, 16, 18, 20 and 2 (due 2009-12-31)


# --- occurrences of recurring measures --------------------------------------------------------

def test_every_occurrence_is_judged_as_of_every_half_year(demo_con):
    counts = dict(demo_con.execute(
        "SELECT period, count(*) FILTER (WHERE judgement <> 'not yet due') "
        "FROM marts.programme_occurrences GROUP BY 1").fetchall())
    # 8 half-yearly measures, 3 yearly (19, 21, 22), measure 2 every quarter of 2008-2009
    assert counts == {"2007H2": 8 + 3 + 0, "2008H1": 16 + 3 + 2, "2008H2": 24 + 6 + 4,
                      "2009H1": 32 + 6 + 6, "2009H2": 40 + 9 + 8}
    total = demo_con.execute("SELECT count(DISTINCT (measure_no, occurrence_no)) "
                             "FROM marts.programme_occurrences").fetchone()[0]
    assert total == 57


def test_demo_occurrences_were_all_carried_out_in_their_half_year(demo_con):
    # the demo's agencies report every recurring measure in progress, then done in 2009H2
    judged = demo_con.execute("SELECT DISTINCT judgement FROM marts.programme_occurrences "
                              "WHERE period = '2009H2'").fetchall()
    assert judged == [("done in time",)]
    quarter = demo_con.execute(
        "SELECT due_date, occurrence_period, judgement FROM marts.programme_occurrences "
        "WHERE period = '2008H1' AND measure_no = 2 ORDER BY occurrence_no").fetchall()
    assert quarter[:3] == [(date(2008, 3, 31), "2008H1", "done in time"),
                           (date(2008, 6, 30), "2008H1", "done in time"),
                           (date(2008, 9, 30), "2008H2", "not yet due")]


# --- the outcome: violations and conflicts against the previous round -------------------------

def _outcome_by_hand(con, indicator: str, round_no: int) -> tuple[float, float, set[str]]:
    """The indicator summed over the regions with a value in both rounds, from
    marts.monitoring_indicators; and the regions in one round only."""
    values = {}
    for rnd, region, value in con.execute(
            "SELECT round, region_code, value FROM marts.monitoring_indicators "
            "WHERE indicator_code = ? AND round IN (?, ?) AND value IS NOT NULL",
            [indicator, round_no - 1, round_no]).fetchall():
        values.setdefault(region, {})[rnd] = value
    both = [v for v in values.values() if len(v) == 2]
    return (sum(v[round_no - 1] for v in both), sum(v[round_no] for v in both),
            {r for r, v in values.items() if len(v) == 1})


def test_outcome_rows_compare_the_latest_round_with_the_previous_on_the_same_regions(demo_con):
    rows = {r[0]: r[1:] for r in demo_con.execute(
        "SELECT target_code, round, previous_round, previous_value, achieved, pct_change, "
        "regions_compared, regions_left_out, status, planned FROM marts.programme_scorecard "
        "WHERE target_code LIKE 'outcome%'").fetchall()}
    assert set(rows) == {"outcome_violations", "outcome_conflicts"}
    for code, indicator in (("outcome_violations", "ADMIN_CASES"),
                            ("outcome_conflicts", "CONFLICTS")):
        rnd, prev_rnd, previous, current, pct, compared, left_out, status, planned = rows[code]
        before, after, one_round = _outcome_by_hand(demo_con, indicator, 3)
        assert (rnd, prev_rnd, planned) == (3, 2, None)
        assert (previous, current) == (before, after)
        assert pct == pytest.approx(100 * (after - before) / before, abs=0.05)
        assert status == ("achieved" if after < before else "behind")
        # the demo's round 3 has no Atyrau sheet: 15 regions compared, Atyrau named
        assert compared == 15 and left_out == "Atyrau Region (not in the latest round)"
        assert one_round == {"23"}


def test_outcome_is_not_judged_before_two_rounds(demo_con):
    rows = demo_con.execute(
        "SELECT period, status, regions_compared, pct_change "
        "FROM marts.programme_scorecard_history WHERE target_code = 'outcome_conflicts' "
        "ORDER BY period").fetchall()
    assert [r[:3] for r in rows[:2]] == [("2007H2", "not started", 0), ("2008H1", "not started", 0)]
    assert rows[2][2] == 16 and rows[2][3] is not None  # 2008H2: round 2 against round 1


# --- rules broken on purpose, through the real ingest into a copy of the demo -------------------

BROKEN = """agency,measure,period,status
MCI,3,2008H1,in progress
MES,23,2009H1,done
MJ,23,2009H1,done
MJ,1,2008H1,not started
MCI,1,2008H1,not started
MES,1,2008H1,not started
MFA,1,2008H1,not started
MIA,1,2008H1,not started
MJ,8,2009H2,not started
"""


@pytest.fixture(scope="module")
def broken_home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo given one progress file that breaks the rules: measure 3 (due by the
    end of 2008 Q1) reported in progress for 2008H1, so first done in 2008H2; measure 23 done in
    2009H1; measure 1 not started by any of its agencies in 2008H1; measure 8 not started in
    2009H2. Its reports for 2008H2 and 2009H2 are written too."""
    home = tmp_path_factory.mktemp("broken") / "ahual-home"
    shutil.copytree(demo_home, home, ignore=shutil.ignore_patterns("prefect", "gx", "reports"))
    path = home.parent / "progress-broken_en.csv"
    path.write_text(BROKEN, encoding="utf-8")
    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(home))
    try:
        assert main(["ingest", "progress", str(path)]) == 0
        for period in ("2008H2", "2009H2"):
            assert main(["report", "--period", period, "--lang", "en,ru"]) == 0
    finally:
        patch.undo()
    return home


@pytest.fixture(scope="module")
def broken_con(broken_home: Path):
    with duckdb.connect(str(broken_home / "warehouse.duckdb"), read_only=True) as con:
        yield con


def test_a_measure_done_after_its_due_date_is_late(broken_con):
    rows = broken_con.execute(
        "SELECT period, overdue, done_period, done_late, half_years_late, days_late "
        "FROM marts.programme_measures WHERE measure_no = 3 ORDER BY period").fetchall()
    assert rows[1] == ("2008H1", True, None, None, None, None)  # due 2008-03-31, not done
    # first done in 2008H2: one half-year late, at most 31 Dec - 31 Mar = 275 days
    assert rows[2] == ("2008H2", False, "2008H2", True, 1, 275)
    assert rows[4][1:] == (False, "2008H2", True, 1, 275)


def test_measure_23_done_in_2009_is_late_and_no_longer_overdue(broken_con):
    rows = broken_con.execute(
        "SELECT period, overdue, status, done_late, half_years_late, days_late "
        "FROM marts.programme_measures WHERE measure_no = 23 AND period >= '2008H2' "
        "ORDER BY period").fetchall()
    assert rows[0] == ("2008H2", True, "in progress", None, None, None)
    # due by the end of 2008 (no quarter given); done in 2009H1: 181 days at most
    assert rows[1] == ("2009H1", False, "done", True, 1, 181)
    assert rows[2][1] is False


def test_an_occurrence_missed_in_its_half_year_is_missing_then_late(broken_con):
    rows = broken_con.execute(
        "SELECT period, judgement, half_years_late, carried_out_period "
        "FROM marts.programme_occurrences WHERE measure_no = 1 AND occurrence_period = '2008H1' "
        "ORDER BY period").fetchall()
    assert rows == [("2007H2", "not yet due", None, None), ("2008H1", "missing", None, None),
                    ("2008H2", "late", 1, "2008H2"), ("2009H1", "late", 1, "2008H2"),
                    ("2009H2", "late", 1, "2008H2")]
    counts = broken_con.execute(
        "SELECT occurrences_due, occurrences_late, occurrences_missing "
        "FROM marts.programme_measures WHERE measure_no = 1 AND period = '2008H2'").fetchone()
    assert counts == (3, 1, 0)


def test_an_occurrence_never_carried_out_stays_missing(broken_con):
    missing = broken_con.execute(
        "SELECT measure_no, occurrence_period, due_date FROM marts.programme_occurrences "
        "WHERE period = '2009H2' AND judgement = 'missing'").fetchall()
    # measure 8's last occurrence: its only agency did not start it; nothing after it
    assert missing == [(8, "2009H2", date(2010, 1, 20))]


# --- the report shows them ---------------------------------------------------------------------

def _section(home: Path, period: str, lang: str, section: str) -> str:
    page = (home / "reports" / period / f"report-{period}-{lang}.html").read_text("utf-8")
    match = re.search(rf'<section id="{section}">(.*?)</section>', page, flags=re.S)
    assert match, section
    return match[1]


def test_the_report_lists_measures_done_late_and_occurrences_missing_or_late(broken_home):
    overdue = _section(broken_home, "2008H2", "en", "overdue")
    assert re.findall(r'data-measure="(\d+)" data-late="done"', overdue) == ["3"]
    assert "Done after the due date" in overdue
    assert re.findall(r'data-measure="(\d+)" data-occurrence="([\d-]+)" data-judgement="(\w+)"',
                      overdue) == [("1", "2008-01-01", "late")]
    later = _section(broken_home, "2009H2", "ru", "overdue")
    # 23 done late in 2009H1; 8's last occurrence missing; 1's 2008H1 occurrence still late
    assert re.findall(r'data-measure="(\d+)" data-late="done"', later) == ["3", "23"]
    assert re.findall(r'data-measure="(\d+)" data-occurrence="[\d-]+" data-judgement="(\w+)"',
                      later) == [("1", "late"), ("8", "missing")]
    assert "не проведено" in later and "с опозданием" in later


def test_the_report_shows_the_outcome_against_the_previous_round(broken_home):
    latest = _section(broken_home, "2009H2", "ru", "scorecard")
    outcome = latest[latest.index('<table class="outcome">'):]
    assert re.findall(r'<tr data-code="(outcome_\w+)"', outcome) == ["outcome_conflicts",
                                                                    "outcome_violations"]
    assert "Атырауская область: нет в последнем этапе" in outcome  # a name, not the code 23
    # the counted targets' table does not show them as shares of a plan
    assert "outcome_" not in latest[:latest.index('<table class="outcome">')]
    first = _section(broken_home, "2008H2", "en", "scorecard")
    assert "round 1" in first and "round 2" in first and "not in the" not in first
