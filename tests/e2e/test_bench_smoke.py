"""The benchmark runs end to end at a tiny size and writes its table (no timing is asserted:
figures on a shared machine are noise; `make bench` is where they are measured)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import REPO


def test_the_benchmark_writes_its_table(tmp_path, prefect_env, demo_home):
    out = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--work", str(tmp_path / "work"),
         "--out", str(out), "--prefect-api-url", prefect_env["PREFECT_API_URL"],
         "--baseline", str(demo_home)], cwd=REPO, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    markdown = out.read_text(encoding="utf-8")
    for what in ("no-op ingest", "one new registration report", "a half-year batch"):
        assert what in markdown, what
    raw = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert all(c["a_s"] > 0 and c["b_s"] > 0 for c in raw["comparisons"])
    [survey] = raw["surveys"]
    assert survey["rows"] == "10k"
    assert survey["ahual"]["cells"] == survey["floor"]["cells"] > 0
    if not raw["r_missing"]:
        assert survey["r"]["cells"] == survey["ahual"]["cells"]
    assert "## Problems" not in markdown
