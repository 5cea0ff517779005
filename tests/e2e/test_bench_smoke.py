"""The benchmark runs end to end at a tiny size and writes its table (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _table(markdown: str, heading: str) -> list[dict[str, str]]:
    """The rows of the Markdown table under `heading`, as dicts by column name."""
    lines = markdown.split(heading, 1)[1].splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[first:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    header, body = rows[0], rows[2:]
    return [dict(zip(header, cells, strict=True)) for cells in body]


def test_the_benchmark_writes_its_table(tmp_path, prefect_env):
    from bench.run import REGISTRATION_COLUMNS, SURVEY_COLUMNS

    out = tmp_path / "results.md"
    # Every run uses the session's Prefect server: starting one costs ~20 s and is not what
    # this test is about (`ahual serve` and test_faults cover servers starting).
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--sizes", "10k", "--registration-years", "1",
         "--work", str(tmp_path / "work"), "--out", str(out), "--prefect-api-url",
         prefect_env["PREFECT_API_URL"], "--skip-cold"], cwd=REPO, capture_output=True,
        text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    markdown = out.read_text(encoding="utf-8")
    surveys = _table(markdown, "## Survey microdata")
    assert [list(r) for r in surveys] == [SURVEY_COLUMNS]
    assert surveys[0]["rows"] == "10k"
    for column in ("floor s", "hand s", "Ahual s", "no-op s", "Ahual MB"):
        assert float(surveys[0][column]) > 0, column
    assert surveys[0]["Ahual/floor wall"].endswith("x")

    registrations = _table(markdown, "## Registration reports")
    assert [list(r) for r in registrations] == [REGISTRATION_COLUMNS]
    assert registrations[0]["reports"] == "4"  # one year of quarterly reports
    assert registrations[0]["rows"] == str(4 * 16 * 20)

    fixed = _table(markdown, "## Fixed costs")
    assert any("ahual --help" in r["what"] for r in fixed)
    assert any("subtracted" in r["what"] for r in fixed)
    assert "## Problems" not in markdown  # every run succeeded and the re-runs were no-ops

    raw = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert raw["surveys"][0]["noop_is_noop"] and raw["registrations"]["noop_is_noop"]
    assert not any((tmp_path / "work").glob("home-*"))  # state of the runs is cleaned up
