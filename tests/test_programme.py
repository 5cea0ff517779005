"""The programme: progress reports in; budget, measures, scorecard and the report out."""

from __future__ import annotations

import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import openpyxl
import pytest

from flows.cli import main
from tests.conftest import write_csv
from tests.test_report_screenshot import CHROMIUM, PNG_SIGNATURE, screenshot


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


REPORT = [["agency", "measure", "period", "status", "spent_mln_tenge", "video_films"],
          ["MJ", "9", "2008H2", "done", "1.5", "2"]]


def test_a_corrected_report_supersedes_and_both_stay(demo_copy):
    first = write_csv(demo_copy.parent / "mj-2008H2.csv", REPORT)
    corrected = write_csv(demo_copy.parent / "mj-2008H2-corrected.csv",
                          [REPORT[0], ["MJ", "9", "2008H2", "done", "2.0", "3"]])
    assert main(["ingest", "progress", str(first), str(corrected)]) == 0
    with duckdb.connect(str(demo_copy / "warehouse.duckdb"), read_only=True) as db:
        rows = db.execute("SELECT spent_mln_tenge, is_current FROM core.progress_reports "
                          "WHERE agency_code = 'MJ' AND measure_no = 9 AND period = '2008H2' "
                          "ORDER BY batch_id").fetchall()
        films = db.execute("SELECT sum(quantity) FROM core.progress_outputs WHERE measure_no = 9"
                           " AND period = '2008H2' AND output_kind = 'video_films'").fetchone()
    assert [current for _, current in rows] == [False, False, True]
    assert rows[-1][0] == 2.0 and films == (3,)


@pytest.mark.parametrize(("row", "rule", "words"), [
    (["Ministry of Justise of the Republic of Kazakhstan", "9", "2008H2", "done", "1", "2"],
     "known agency", "did you mean"),
    (["MJ", "24", "2008H2", "done", "1", "2"], "known measure", "«24»"),
    (["MJ", "9", "2011H1", "done", "1", "2"], "a half-year of the programme", "«2011H1»"),
    (["MJ", "9", "2008H2", "finished?", "1", "2"], "known status", "«finished?»"),
    (["MJ", "9", "2008H2", "done", "-3", "2"], "spent is a non-negative amount", "«-3»"),
    (["MJ", "9", "2008H2", "done", "1", "two"], "outputs are non-negative whole numbers",
     "video_films=«two»"),
])
def test_bad_progress_rows_are_refused_with_the_rule(home, tmp_path, capsys, row, rule, words):
    path = write_csv(tmp_path / "bad.csv", [REPORT[0], REPORT[1], row])
    assert main(["ingest", "progress", str(path)]) == 1
    err = capsys.readouterr().out
    assert rule in err and words in err and "bad.csv, row 3" in err
    assert (home / "quarantine" / "progress").is_dir()


def test_duplicate_rows_in_one_file_are_refused(home, tmp_path, capsys):
    path = write_csv(tmp_path / "twice.csv", [REPORT[0], REPORT[1], REPORT[1]])
    assert main(["ingest", "progress", str(path)]) == 1
    assert "one row per agency, measure and half-year" in capsys.readouterr().out


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.external = [], []
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        self._in_heading = tag in {"h1", "h2"}
        self.external += [v for k, v in attrs if k in {"src", "href"} and v and "://" in v]

    def handle_data(self, data):
        if self._in_heading and data.strip():
            self.headings.append(data.strip())
            self._in_heading = False


def test_report_writes_html_and_xlsx_from_the_published_warehouse(demo_copy, capsys):
    assert main(["report", "--period", "2008H2"]) == 0
    folder = demo_copy / "reports" / "2008H2"
    html = (folder / "report-2008H2.html").read_text(encoding="utf-8")
    tags = _Tags()
    tags.feed(html)
    assert tags.external == []  # opens with no network
    assert any("Progress by measure" in h for h in tags.headings)
    assert any("Scorecard" in h for h in tags.headings)
    assert "Ministry" in html or "MJ" in html
    book = openpyxl.load_workbook(folder / "report-2008H2.xlsx")
    assert {"Summary", "Progress", "Scorecard", "Budget"} <= set(book.sheetnames)
    formulas = [c.coordinate for s in book for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    scorecard = book["Scorecard"]
    header = [c.value for c in scorecard[1]]
    assert len(header) >= 4 and scorecard.max_row == 13  # 12 targets


def test_report_refuses_a_period_outside_the_programme(in_demo_home, capsys):
    assert main(["report", "--period", "2012H1"]) == 1
    assert "2012H1 is not a reporting half-year" in capsys.readouterr().err
    assert main(["report", "--period", "2008Q3"]) == 1


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install "
                    "chromium)")
def test_demo_report_renders_in_a_browser(demo_copy, tmp_path):
    assert main(["report", "--period", "2009H2"]) == 0
    page = demo_copy / "reports" / "2009H2" / "report-2009H2.html"
    png = tmp_path / "demo-report-2009H2.png"
    screenshot(page, png, height=3000)
    assert png.read_bytes()[:8] == PNG_SIGNATURE and png.stat().st_size > 50_000
    if os.environ.get("AHUAL_SCREENSHOT_DIR"):
        target = Path(os.environ["AHUAL_SCREENSHOT_DIR"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, target / png.name)


def test_status_says_who_has_not_reported(in_demo_home, capsys):
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "Progress reports 2009H1: missing from MFA" in out
    assert "Monitoring round 3: no sheet from 23" in out
    assert "Studies with microdata loaded: 9 of 9" in out
