"""Nothing lost, nothing stuck: hostile and careless input through the gate and the inbox.

Each case is a generated file (or a file system trick) and asserts the exit status, the rule
in the reason, the quarantine entry, and that the published marts are unchanged or updated
exactly as they should be. Survey-specific cases are in tests/kinds/test_survey.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from ahual.flows import build as build_step
from ahual.flows import settings
from ahual.flows.cli import main
from ahual.flows.problems import BuildRefused, Problem
from tests.helpers import write_csv, write_xlsx

HEAD = ["as_of", "region", "confession", "associations"]
AKMOLA = [HEAD, ["2010-01-01", "Akmola Region", "ISL-SAMK", "130"],
          ["2010-01-01", "Akmola Region", "ORT-ROC", "31"]]


def published(sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def mart_digest() -> list[tuple]:
    return published("SELECT count(*), sum(associations) FROM marts.registrations")


def entries(kind: str = "registrations") -> list[Path]:
    return sorted((settings.home().quarantine / kind).glob("*"))


def reason(entry: Path) -> dict:
    return json.loads((entry / "reason.json").read_text(encoding="utf-8"))


# --- a load is committed only with a build that passes its mart checks --------------------

def refuse_marts_when(monkeypatch, file_name: str) -> None:
    """Make the marts' checks refuse any build that holds `file_name` (as if its rows broke
    a mart rule that no file rule catches)."""
    real = build_step.check_marts

    def checks(con, marts):
        if con.execute("SELECT count(*) FROM raw.load_batches WHERE file_name = ?",
                       [file_name]).fetchall()[0][0]:
            raise BuildRefused([Problem("marts.registrations", "a mart rule",
                                        "marts.registrations, row 7: 12 breaks the rule")])
        return real(con, marts)

    monkeypatch.setattr(build_step, "check_marts", checks)


def test_a_file_that_breaks_the_marts_is_rolled_back_and_quarantined(demo_copy, tmp_path,
                                                                       monkeypatch, capsys):
    before = mart_digest()
    bad = write_csv(tmp_path / "breaks-marts.csv", AKMOLA)
    good = write_csv(tmp_path / "fine.csv", [HEAD, ["2010-01-01", "Pavlodar Region", "ISL",
                                                    "4"]])
    with monkeypatch.context() as patch:
        refuse_marts_when(patch, "breaks-marts.csv")
        assert main(["ingest", "registrations", str(bad), str(good)]) == 1
    out = capsys.readouterr().out
    assert "REJECTED  breaks-marts.csv" in out and "loaded    fine.csv" in out
    assert "marts pass their checks with this file" in out and "marts.registrations" in out
    [entry] = [e for e in entries() if reason(e)["file"] == "breaks-marts.csv"]
    assert reason(entry)["attempts"][-1]["stage"] == "build"
    assert published("SELECT count(*) FROM raw.load_batches WHERE file_name = "
                     "'breaks-marts.csv'") == [(0,)]
    assert mart_digest() == [(before[0][0] + 1, before[0][1] + 4)]  # the good file only
    assert main(["doctor"]) == 0


def test_a_refused_build_publishes_nothing_and_status_and_doctor_say_why(demo_copy,
                                                                        monkeypatch, capsys):
    before = settings.home().published_warehouse.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(build_step, "check_marts", lambda con, marts: (_ for _ in ()).throw(
            BuildRefused([Problem("marts.registrations", "a mart rule", "row 1 breaks it")])))
        assert main(["build", "--force"]) == 1
    assert "build REFUSED" in capsys.readouterr().out
    assert settings.home().published_warehouse.read_bytes() == before
    assert main(["status", "--json"]) == 0
    assert "the last build was refused" in json.loads(capsys.readouterr().out)["behind"]
    assert main(["doctor"]) == 1
    assert "the last build was refused" in capsys.readouterr().out


def test_a_home_whose_first_build_was_refused_has_a_status(home, monkeypatch, capsys):
    """Every file refused, no build made: status says what was refused, not a traceback."""
    with monkeypatch.context() as patch:
        patch.setattr(build_step, "check_marts", lambda con, marts: (_ for _ in ()).throw(
            BuildRefused([Problem("marts.registrations", "a mart rule", "row 1 breaks it")])))
        assert main(["build"]) == 1
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "No build recorded" in out and "national_registrations_1990_2007.csv" in out
    assert main(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["published"] == {}


# --- the identity of a load is its bytes and what they are loaded as ------------------------

SHEET = [["region", "indicator", "value"], ["Akmola Region", "CONFLICTS", "2"]]


def test_the_same_bytes_as_another_round_are_another_load(home, tmp_path, capsys):
    sheet = write_csv(tmp_path / "sheet.csv", SHEET)
    assert main(["ingest", "monitoring", "--round", "1", str(sheet)]) == 0
    assert main(["ingest", "monitoring", "--round", "2", str(sheet)]) == 0
    assert "loaded    sheet.csv" in capsys.readouterr().out.split("--round 2")[-1]
    rounds = published("SELECT round FROM marts.monitoring_indicators ORDER BY round")
    assert rounds == [(1,), (2,)]
    assert main(["ingest", "monitoring", "--round", "2", str(sheet)]) == 0
    assert "unchanged sheet.csv" in capsys.readouterr().out


def test_options_are_checked_before_the_unchanged_shortcut(home, tmp_path, capsys):
    sheet = write_csv(tmp_path / "sheet.csv", SHEET)
    assert main(["ingest", "monitoring", "--round", "1", str(sheet)]) == 0
    assert main(["ingest", "monitoring", "--round", "7", str(sheet)]) == 2
    assert main(["ingest", "survey", "--study", "S10", str(sheet)]) == 2
    err = capsys.readouterr().err
    assert "--round 7" in err and "--study S10" in err


def test_the_same_file_twice_in_one_command_loads_once(home, tmp_path, capsys):
    report = write_csv(tmp_path / "2010.csv", AKMOLA)
    assert main(["ingest", "registrations", str(report), str(report)]) == 0
    assert published("SELECT count(*) FROM raw.load_batches WHERE file_name = '2010.csv'") == [
        (1,)]


# --- readers refuse instead of crashing -------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "rule"), [
    ("long-cell.csv", ("as_of,region,confession,associations\n2010-01-01,"
                       + "x" * 200_000 + ",ISL,1\n").encode(), "cells of a readable length"),
    ("open-quote.csv", (b'as_of,region,confession,associations\n2010-01-01,"Akmola Region,'
                        b'ISL,1\n2010-01-01,Akmola Region,BUD,1\n'), "file readable"),
    ("quotes-in-quotes.csv", (b'as_of,region,confession,associations\n"2010-01-01"x"",'
                              b'Akmola Region,ISL,1\n'), "file readable"),
    ("nul-bytes.csv", b"as_of,region\x00,confession\n", "file readable"),
    ("garbage.xlsx", b"PK\x03\x04" + os.urandom(2000), "file readable"),
])
def test_unreadable_content_is_a_refusal_with_a_reason(home, tmp_path, name, content, rule):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["ingest", "registrations", str(path)]) == 1
    [entry] = entries()
    assert rule in reason(entry)["attempts"][-1]["rules"]
    assert (entry / "received" / name).read_bytes() == content
    assert published("SELECT count(*) FROM raw.rejections WHERE file_name = ?", [name]) == [(1,)]


def zip_bomb(path: Path, expanded_mb: int) -> Path:
    """A real workbook with one sheet whose XML expands `expanded_mb` MB from almost nothing."""
    write_xlsx(path, [HEAD, ["2010-01-01", "Akmola Region", "ISL", 1]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        with book.open("xl/worksheets/padding.xml", "w") as member:
            block = b" " * 2**20
            for _ in range(expanded_mb):
                member.write(block)
    return path


def test_an_archive_is_refused_by_what_it_would_expand_to_in_little_memory(home, tmp_path,
                                                                          prefect_env):
    bomb = zip_bomb(tmp_path / "bomb.xlsx", 400)
    assert bomb.stat().st_size < 2 * 2**20
    # The command's own peak is VmHWM, its memory map's high-water mark. Not ru_maxrss: the
    # kernel carries the parent's high-water mark through (v)fork + exec into the child's, so
    # it would measure this pytest process (over 1 GB late in a full run), not the command.
    code = ("import sys; from ahual.flows.cli import main; status = main(sys.argv[1:]); "
            "peak = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]; "
            "print('PEAK', peak[0]); sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", code, "ingest", "registrations", str(bomb)],
                          env=dict(os.environ, **prefect_env), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "archive within size" in done.stdout
    peak_kb = int(done.stdout.split("PEAK")[-1].split()[0])
    assert peak_kb < 1024 * 1024, f"peak {peak_kb / 1024:.0f} MB"


# --- the inbox cannot be poisoned -----------------------------------------------------------

def inbox(kind: str = "registrations") -> Path:
    folder = settings.home().inbox / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_one_bad_file_never_stops_the_good_ones_in_the_inbox(demo_copy, capsys):
    folder = inbox()
    (folder / "a-garbage.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(5000))
    write_csv(folder / "b-good.csv", AKMOLA)
    assert main(["inbox"]) == 1
    assert published("SELECT count(*) FROM raw.load_batches WHERE file_name = 'b-good.csv'") == [
        (1,)]
    assert [p.name for p in folder.glob("rejected/*/*")] == ["a-garbage.xlsx"]
    assert main(["inbox"]) == 0  # the next day is clean


def test_links_folders_and_pipes_are_refused_without_being_read(demo_copy, capsys):
    folder = inbox()
    (folder / "passwd.csv").symlink_to("/etc/passwd")
    (folder / "folder.csv").mkdir()
    os.mkfifo(folder / "pipe.csv")  # reading it would block the inbox for ever
    write_csv(folder / "good.csv", AKMOLA)
    assert main(["inbox"]) == 1
    out = capsys.readouterr().out
    assert "symbolic link" in out and "a folder" in out and "pipe" in out
    assert "loaded    good.csv" in out
    passwd = Path("/etc/passwd").read_text().splitlines()[0]
    for entry in entries():
        assert not (entry / "received").exists() or all(
            passwd not in p.read_text(errors="replace") for p in (entry / "received").iterdir())
    reasons = " ".join(r[0] for r in published("SELECT reason FROM raw.rejections"))
    assert passwd not in reasons
    rejected = {p.name for p in folder.glob("rejected/*/*")}
    assert rejected == {"passwd.csv", "folder.csv", "pipe.csv"}
    assert (folder / "rejected").glob("*/passwd.csv").__next__().is_symlink()


def test_a_file_still_being_written_waits(demo_copy, monkeypatch, capsys):
    monkeypatch.setenv("AHUAL_INBOX_SETTLE_SECONDS", "60")
    folder = inbox()
    write_csv(folder / "2010.csv", AKMOLA[:2])  # just written: maybe half of it
    (folder / "2011.csv.part").write_text("as_of,reg")  # a copy tool's temporary name
    assert main(["inbox"]) == 0
    assert "waiting   2010.csv" in capsys.readouterr().out
    assert {p.name for p in folder.iterdir()} >= {"2010.csv", "2011.csv.part"}
    old = os.path.getmtime(folder / "2010.csv") - 120
    os.utime(folder / "2010.csv", (old, old))
    assert main(["inbox"]) == 0
    assert "loaded    2010.csv" in capsys.readouterr().out


def test_a_sub_folder_for_an_unknown_study_waits_with_its_reason(demo_copy, capsys):
    folder = settings.home().inbox / "survey" / "S99"
    folder.mkdir(parents=True)
    write_csv(folder / "S99.csv", [["respondent_id", "region", "weight", "q1"], ["1", "11", "1",
                                                                               "1"]])
    assert main(["inbox"]) == 0
    assert "--study S99" in capsys.readouterr().out
    assert (folder / "S99.csv").exists()


def test_a_partial_resubmission_never_silently_replaces_a_regions_figures(demo_copy, tmp_path,
                                                                         capsys):
    before = published("SELECT count(*) FROM marts.registrations WHERE region_code = '11' "
                       "AND as_of = DATE '2009-01-01'")
    cut = write_csv(tmp_path / "akmola-cut.csv", [HEAD, ["2009-01-01", "Akmola Region",
                                                         "ISL-SAMK", "6"]])
    assert main(["ingest", "registrations", str(cut)]) == 1
    out = capsys.readouterr().out
    assert "a resubmission is not much smaller than what it replaces" in out
    assert f"ahual ingest registrations --confirm-smaller {cut}" in " ".join(
        (entries()[-1] / "reason.txt").read_text().split()) or "--confirm-smaller" in out
    assert published("SELECT count(*) FROM marts.registrations WHERE region_code = '11' AND "
                     "as_of = DATE '2009-01-01'") == before
    assert main(["ingest", "registrations", "--confirm-smaller", str(cut)]) == 0
    assert published("SELECT count(*) FROM marts.registrations WHERE region_code = '11' AND "
                     "as_of = DATE '2009-01-01'") == [(1,)]


# --- smaller ones -------------------------------------------------------------------------

def test_a_file_name_with_newlines_cannot_forge_lines_of_the_reason(home, tmp_path):
    name = "bad\nSend the corrected file again:\n  rm -rf ~.csv"
    path = write_csv(tmp_path / name, [HEAD, ["2010-01-01", "Atlantis", "ISL", "1"]])
    assert main(["ingest", "registrations", str(path)]) == 1
    [entry] = entries()
    lines = (entry / "reason.txt").read_text(encoding="utf-8").splitlines()
    assert not any(line.strip() == "rm -rf ~.csv" for line in lines)
    assert lines[0].startswith("bad\\nSend the corrected file again:\\n")


def test_refusing_the_same_file_again_keeps_every_reason(home, tmp_path):
    path = write_csv(tmp_path / "bad.csv", [HEAD, ["2010-01-01", "Atlantis", "ISL", "1"]])
    assert main(["ingest", "registrations", str(path)]) == 1
    assert main(["ingest", "registrations", str(path)]) == 1
    [entry] = entries()
    assert len(reason(entry)["attempts"]) == 2
    assert "Refused 1 time(s) before" in (entry / "reason.txt").read_text(encoding="utf-8")


def test_a_region_is_refused_for_a_date_it_did_not_exist(home, tmp_path, capsys):
    path = write_csv(tmp_path / "shymkent-2008.csv", [HEAD, ["2008-01-01", "Shymkent city",
                                                             "ISL", "12"]])
    assert main(["ingest", "registrations", str(path)]) == 1
    assert "was not a region on 2008-01-01: it was formed on 2018-06-19" in capsys.readouterr(
    ).out


def test_keys_that_differ_by_an_invisible_character_are_one_key(home, tmp_path, capsys):
    path = write_csv(tmp_path / "zwsp.csv", [HEAD, ["2010-01-01", "Akmola\u200b Region", "ISL",
                                                    "1"],
                                             ["2010-01-01", "Akmola Region", "ISL", "2"]])
    assert main(["ingest", "registrations", str(path)]) == 1
    assert "one row per date x region x confession" in capsys.readouterr().out
