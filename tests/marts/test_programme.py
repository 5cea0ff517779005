"""The programme's marts from the demo: budget against the printed totals, measures, scorecard,
who has not reported."""

from __future__ import annotations

import pytest


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
    assert len(card) == 12
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
    assert overdue == [(17,)]  # still "in progress" after 20 July 2008
    m23 = demo_con.execute("SELECT due_date, overdue FROM marts.programme_measures "
                      "WHERE measure_no = 23 AND period = '2009H2'").fetchone()
    assert m23 == (None, False)


def test_who_has_not_reported(demo_con):
    missing = demo_con.execute("SELECT period, agency_code FROM marts.progress_completeness "
                          "WHERE status = 'not reported' ORDER BY 1, 2").fetchall()
    assert ("2009H1", "MFA") in missing
    assert all(period != "2008H2" for period, _ in missing)  # MCI's late file arrived
