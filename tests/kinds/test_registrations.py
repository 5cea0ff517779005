"""`ahual ingest registrations`: the real flow, GX suite and DuckDB file, good and bad input."""

from __future__ import annotations

import json

import duckdb

from ahual.flows import build as build_step
from ahual.flows import settings
from ahual.flows.cli import main
from tests.helpers import write_csv, write_xlsx

GOOD = [["as_of", "region", "confession", "associations"],
        ["2008-01-01", "Akmola Region", "ISL-SAMK", "120"],
        ["2008-01-01", "Akmola Region", "ORT-ROC", "-"],
        ["2008-01-01", "Akmola Region", "PRO-BAP", ""],
        ["2008-01-01", "Akmola Region", "Total", "140"]]


def published(sql: str, params=None):
    with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def rows_from(file_name: str) -> int:
    return published("SELECT count(*) FROM raw.registration_rows JOIN raw.load_batches "
                     "USING (batch_id) WHERE file_name = ?", [file_name])[0][0]


def test_a_good_report_loads_with_lineage_and_dash_is_zero_empty_is_missing(home, tmp_path):
    path = write_csv(tmp_path / "akmola.csv", GOOD)
    assert main(["ingest", "registrations", str(path)]) == 0
    rows = dict(published("SELECT confession_code, associations FROM marts.registrations "
                          "WHERE region_code = '11'"))
    assert rows == {"ISL-SAMK": 120, "ORT-ROC": 0, "PRO-BAP": None}
    lineage = published("SELECT DISTINCT source_file, file_sha256, batch_id "
                        "FROM marts.registrations WHERE region_code = '11'")
    assert lineage[0][0] == "akmola.csv" and len(lineage[0][1]) == 64


def test_loading_the_same_file_twice_changes_nothing(home, tmp_path, capsys):
    path = write_csv(tmp_path / "akmola.csv", GOOD)
    assert main(["ingest", "registrations", str(path)]) == 0
    before = published("SELECT * FROM raw.load_batches")
    assert main(["ingest", "registrations", str(path)]) == 0
    assert published("SELECT * FROM raw.load_batches") == before
    assert "unchanged" in capsys.readouterr().out


def test_a_bad_report_is_refused_whole_named_by_file_row_and_rule(home, tmp_path, capsys):
    rows = GOOD + [["2008-01-01", "Akmolla Region", "ISL-OTH", "3"],
                   ["2008-01-01", "Akmola Region", "Martians", "1"],
                   ["2008-01-01", "Akmola Region", "PRO-PEN", "-4"],
                   ["2008-01-01", "Akmola Region", "PRO-ADV", "2.5"],
                   ["31.02.2008", "Akmola Region", "PRO-LUT", "1"],
                   ["2008-01-01", "Akmola Region", "ISL-SAMK", "121"]]
    path = write_csv(tmp_path / "bad.csv", rows)
    assert main(["ingest", "registrations", str(path)]) == 1
    out = capsys.readouterr().out
    for expected in ("bad.csv, row 6: unknown region «Akmolla Region»",
                     "did you mean «Akmola Region»",
                     "row 7: unknown confession «Martians»",
                     "row 8: count «-4» is not a whole number",
                     "row 9: count «2.5» is not a whole number",
                     "row 10: date «31.02.2008» is not a date",
                     "rule: one row per date x region x confession"):
        assert expected in out
    assert rows_from("bad.csv") == 0  # nothing half-loaded
    [entry] = list((settings.home().quarantine / "registrations").iterdir())
    assert (entry / "received" / "bad.csv").read_bytes() == path.read_bytes()
    reason = json.loads((entry / "reason.json").read_text(encoding="utf-8"))
    assert {p["rule"] for p in reason["attempts"][-1]["problems"]} >= {
        "known region", "known confession", "date parseable"}
    assert f"ahual ingest registrations {path}" in (entry / "reason.txt").read_text()
    assert published("SELECT count(*) FROM raw.rejections")[0][0] == 1
    assert settings.home().data_docs_index.exists()


def test_one_bad_file_does_not_stop_the_good_ones(home, tmp_path):
    good = write_csv(tmp_path / "good.csv", GOOD)
    bad = write_csv(tmp_path / "bad.csv", [GOOD[0], ["2008-01-01", "Nowhere", "ISL", "1"]])
    assert main(["ingest", "registrations", str(good), str(bad)]) == 1
    assert (rows_from("good.csv"), rows_from("bad.csv")) == (4, 0)


def test_a_resubmission_supersedes_and_history_stays(home, tmp_path):
    first = write_csv(tmp_path / "v1.csv", GOOD)
    second = write_csv(tmp_path / "v2.csv", [r if r[2] != "ISL-SAMK" else r[:3] + ["125"]
                                             for r in GOOD])
    assert main(["ingest", "registrations", str(first), str(second)]) == 0
    assert published("SELECT associations FROM marts.registrations "
                     "WHERE region_code = '11' AND confession_code = 'ISL-SAMK'") == [(125,)]
    history = published("SELECT associations, is_current, superseded_by FROM "
                        "core.registration_counts WHERE region_code = '11' AND "
                        "confession_code = 'ISL-SAMK' ORDER BY batch_id")
    assert [(h[0], h[1]) for h in history] == [(120, False), (125, True)]


def test_wide_xlsx_with_kazakh_headers_and_a_cp1251_long_csv(home, tmp_path):
    wide = write_xlsx(tmp_path / "wide.xlsx", [
        ["Күні", "Өңір", "Ислам", "Рим-католик шіркеуі", "Барлығы"],
        ["2008-01-01", "Алматы қаласы", 40, "-", 45],
        ["2008-01-01", "Алматы облысы", 80, 3, 83]])
    long = write_csv(tmp_path / "long.csv", [
        ["Дата", "Регион", "Конфессия", "Количество объединений"],
        ["01.01.2008", "г. Астана", "Ислам", "30"]], encoding="cp1251", delimiter=";")
    assert main(["ingest", "registrations", str(wide), str(long)]) == 0
    got = published("SELECT region_code, confession_code, associations FROM marts.registrations"
                    " WHERE level <> 'national' ORDER BY 1, 2")
    assert got == [("19", "CAT-RCC", 3), ("19", "ISL", 80), ("71", "ISL", 30),
                   ("75", "CAT-RCC", 0), ("75", "ISL", 40)]
    recon = published("SELECT region_code, unattributed, status FROM "
                      "marts.registration_reconciliation WHERE region_code = '75'")
    assert recon == [("75", 5, "unattributed remainder")]


def test_an_unknown_wide_header_is_refused(home, tmp_path, capsys):
    wide = write_xlsx(tmp_path / "wide.xlsx", [["Күні", "Өңір", "Ислам", "Marsians"],
                                               ["2008-01-01", "Астана", 4, 1]])
    assert main(["ingest", "registrations", str(wide)]) == 1
    assert "column «Marsians»: unknown confession «Marsians»" in capsys.readouterr().out


def test_missing_columns_and_missing_files(home, tmp_path, capsys):
    path = write_csv(tmp_path / "nocols.csv", [["foo", "bar"], ["1", "2"]])
    assert main(["ingest", "registrations", str(path)]) == 1
    assert "no column for as_of and region" in capsys.readouterr().out
    assert main(["ingest", "registrations", str(tmp_path / "absent.csv")]) == 2


def test_usage_errors_exit_2():
    assert main(["ingest", "sermons", "x.csv"]) == 2


def test_a_build_with_nothing_new_is_skipped_unless_forced(home, tmp_path, capsys):
    path = write_csv(tmp_path / "akmola.csv", GOOD)
    assert main(["ingest", "registrations", str(path)]) == 0
    builds = published("SELECT count(*) FROM raw.builds")[0][0]
    assert main(["build"]) == 0
    assert "marts up to date" in capsys.readouterr().out
    assert published("SELECT count(*) FROM raw.builds")[0][0] == builds
    assert main(["build", "--force"]) == 0
    assert published("SELECT count(*) FROM raw.builds")[0][0] == builds + 1


def test_a_build_rebuilds_what_new_code_changed_without_a_new_file(home, tmp_path, monkeypatch,
                                                                   capsys):
    # After an upgrade nothing new arrives, yet a model's code (here its suite) changed.
    assert main(["ingest", "registrations", str(write_csv(tmp_path / "akmola.csv", GOOD))]) == 0
    builds = published("SELECT count(*) FROM raw.builds")[0][0]
    real = build_step.mart_suites
    monkeypatch.setattr(build_step, "mart_suites", lambda: {
        **real(), "marts.registration_rates": real()["marts.registration_rates"] + " "})
    assert main(["ingest", "registrations", str(tmp_path / "akmola.csv")]) == 0  # a no-op
    assert published("SELECT count(*) FROM raw.builds")[0][0] == builds
    assert main(["build"]) == 0
    [(rebuilt,)] = published("SELECT rebuilt FROM raw.builds ORDER BY build_id DESC LIMIT 1")
    rebuilt = json.loads(rebuilt)  # it and what reads it, nothing upstream
    assert "marts.registration_rates" in rebuilt and "marts.registrations" not in rebuilt
    assert "marts up to date" not in capsys.readouterr().out


def test_refusing_the_same_file_again_keeps_one_quarantine_entry(home, tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [GOOD[0], ["2008-01-01", "Nowhere", "ISL", "1"]])
    assert main(["ingest", "registrations", str(bad)]) == 1
    assert main(["ingest", "registrations", str(bad)]) == 1
    assert published("SELECT count(*) FROM raw.rejections")[0][0] == 1
    assert len(list((settings.home().quarantine / "registrations").iterdir())) == 1
