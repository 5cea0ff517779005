"""Smaller honesty faults a new user met: what a refused file is told to do, what reason.txt
says it was sent as, "1 row", `doctor`'s ok lines, `status --json`, and the ambiguous «Алматы»
(both meanings offered, neither proposed)."""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from ahual.flows.cli import main
from tests.helpers import write_csv


def said(capsys) -> str:
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_a_refused_pdf_is_told_to_convert_and_the_screens_say_it_plainly(home, tmp_path,
                                                                          capsys):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 not a table")
    assert main(["ingest", "registrations", str(pdf)]) == 1
    out = said(capsys)
    assert (f"save it as CSV or XLSX, then send it with: ahual ingest registrations "
            f"{tmp_path / 'report.csv'}") in out
    assert "send it again with" not in out
    # the programme's 2016 figure is one row
    assert "national_registrations_2016.csv: 1 row as batch" in out and " 1 rows" not in out
    [reason] = (home / "quarantine" / "registrations").glob("*/reason.txt")
    text = reason.read_text(encoding="utf-8")
    assert "loaded as" not in text and "\nKind: registrations\n" in text
    assert "Save it as CSV or XLSX, then send that file:" in text
    assert "Send the corrected file again" not in text

    assert main(["doctor"]) == 0
    lines = said(capsys).splitlines()
    assert "ok   marts agree with core" in lines
    assert not [line for line in lines if line.startswith("ok") and (
        "disagree" in line or "without" in line)]

    assert main(["--json", "status"]) == 0
    loads = json.loads(capsys.readouterr().out)["loads"]
    assert loads and all(isinstance(load["loaded_as"], dict) for load in loads)


def test_a_survey_reason_says_what_it_was_sent_as_in_words(home, tmp_path, capsys):
    path = tmp_path / "s01.csv"
    path.write_text("respondent_id\n1\n", encoding="utf-8")  # no codebook beside it
    assert main(["ingest", "survey", "--study", "S01", str(path)]) == 1
    [reason] = (home / "quarantine" / "survey").glob("*/reason.txt")
    assert "\nKind: survey; loaded as study S01\n" in reason.read_text(encoding="utf-8")


def test_the_ambiguous_almaty_offers_both_meanings_and_proposes_neither(home, tmp_path,
                                                                         capsys):
    path = write_csv(tmp_path / "almaty.csv", [["as_of", "region", "confession", "associations"],
                                               ["2008-01-01", "Алматы", "ISL-SAMK", "12"]])
    assert main(["ingest", "registrations", str(path)]) == 1
    out = said(capsys)
    assert ("unknown region «Алматы»; it is ambiguous: did you mean «город Алматы» (75) or "
            "«Алматинская область» (19)?") in out
    assert main(["--json", "aliases", "unknown"]) == 0
    [label] = json.loads(capsys.readouterr().out)["labels"]
    assert label["could_mean"] == {"75": "город Алматы", "19": "Алматинская область"}
    assert label["suggested_code"] is None and label["suggested_label"] is None
    assert main(["aliases", "unknown"]) == 0
    out = said(capsys)
    # piped, the table is whole: no cell cut to fit rich's 80 columns
    assert "ambiguous: 75 («город Алматы») or 19 («Алматинская область»)" in out
    assert "ahual aliases add region" not in out
    assert "write the full name in the file" in out


def test_folder_names_use_the_same_words(tmp_path: Path):
    """reason.txt's words for what a load was sent as, side files by their SHA-256."""
    from ahual.flows.gate.quarantine import as_words

    assert as_words({}) == ""
    assert as_words({"study": "S01", "side_files": {"codebook": "ab" * 32}}) == (
        "study S01, codebook " + "ab" * 6)


# --- faults of the machine: one line, what happened and what was kept -------------------------

def ahual_child(home: Path, argv: list[str], env: dict[str, str], limit: int | None = None
                ) -> subprocess.CompletedProcess:
    """`ahual ARGV` in a process of its own (a file size limit stands for a full disk)."""
    code = "import sys; from ahual.flows.cli import main; sys.exit(main(sys.argv[1:]))"
    # as an analyst runs it: without the test session's Prefect log levels (tests/conftest.py)
    mine = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING_")}
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=600,
        env={**mine, "AHUAL_HOME": str(home), "AHUAL_DAEMON": "0", **env},
        preexec_fn=None if limit is None else lambda: resource.setrlimit(
            resource.RLIMIT_FSIZE, (limit, limit)))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_full_disk_is_one_line_saying_what_was_kept(home, tmp_path, prefect_env):
    first = write_csv(tmp_path / "akmola.csv", [["as_of", "region", "confession", "associations"],
                                                ["2008-01-01", "Akmola Region", "ISL-SAMK", "12"]])
    assert main(["ingest", "registrations", str(first)]) == 0
    before = digest(home / "warehouse.duckdb")
    report = write_csv(tmp_path / "kostanay.csv", [
        ["as_of", "region", "confession", "associations"],
        *[["2009-01-01", "Kostanay Region", c, str(i)] for i, c in enumerate(
            ("ISL-SAMK", "ORT-ROC", "PRO-BAP", "CAT-RCC"), 3)]])
    done = ahual_child(home, ["ingest", "registrations", str(report)], prefect_env,
                       limit=(home / "work" / "warehouse.duckdb").stat().st_size)
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout, done.stderr[:3000]
    [line] = [x for x in done.stderr.splitlines() if x.startswith("ahual:")]
    assert line.startswith("ahual: the disk is full")
    assert "nothing of this run was committed" in line
    assert digest(home / "warehouse.duckdb") == before


def test_a_lost_server_is_one_line(home, tmp_path):
    from ahual.flows.ops.server import free_port

    report = write_csv(tmp_path / "akmola.csv", [["as_of", "region", "confession", "associations"],
                                                 ["2008-01-01", "Akmola Region", "ISL-SAMK", "12"]])
    url = f"http://127.0.0.1:{free_port()}/api"
    done = ahual_child(home, ["ingest", "registrations", str(report)],
                       {"PREFECT_API_URL": url, "PREFECT_CLIENT_MAX_RETRIES": "0"})
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    [line] = [x for x in done.stderr.splitlines() if x.startswith("ahual:")]
    assert line.startswith(f"ahual: the Prefect server ({url}) stopped answering")
    verbose = ahual_child(home, ["-v", "ingest", "registrations", str(report)],
                          {"PREFECT_API_URL": url, "PREFECT_CLIENT_MAX_RETRIES": "0"})
    assert "Traceback" in verbose.stderr


def test_a_permission_the_home_lacks_is_one_line(home):
    """(As root no file mode refuses a write, so the error is made here as the OS makes it.)"""
    import errno

    import duckdb

    from ahual.flows.cli.faults import one_line

    denied = PermissionError(errno.EACCES, "Permission denied", str(home / "work"))
    line = one_line(denied)
    assert line.startswith(f"permission denied on {home / 'work'}: nothing of this run was "
                           "committed") and f"ls -ld {home}" in line
    wrapped = RuntimeError("could not open the warehouse")
    wrapped.__cause__ = duckdb.IOException('Cannot open file "w.duckdb": Permission denied')
    assert one_line(wrapped).startswith("permission denied on ")
    assert one_line(ValueError("a bug")) is None


def test_help_shows_a_flag_as_a_flag(capsys):
    for argv in (["--help"], ["ingest", "registrations", "--help"], ["loads", "-h"]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "--help" in out and "<bool>" not in out, argv
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--version" in out and "<path>" in out  # an option taking a value keeps its type
