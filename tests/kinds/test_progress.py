"""`ahual ingest progress`: agencies' half-year reports in, superseding by agency x measure x
half-year."""

from __future__ import annotations

import duckdb
import pytest

from ahual.flows.cli import main
from tests.helpers import write_csv

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
