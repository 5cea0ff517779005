"""Run one command in a child process and measure its wall time and peak memory.

Wall time is taken around the child with `time.perf_counter`. Peak RSS is the child's maximum
resident set size as the kernel reports it at exit (`ru_maxrss`): with `/usr/bin/time -v` when
it is installed, else with `resource.getrusage(RUSAGE_CHILDREN)` in a fresh helper process
(`python -m bench.measure`), so earlier runs never count. Either way it is the largest single
process of the tree (for Ahual: the CLI or its Prefect server, whichever is larger), not a sum.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


@dataclass
class Run:
    wall_s: float
    rss_mb: float
    returncode: int
    output: str  # the tail of stdout + stderr, for when something fails

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def measure(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
            timeout: float = 7200) -> Run:
    with tempfile.TemporaryDirectory(prefix="ahual-measure-") as scratch:
        report = Path(scratch) / "rusage"
        if GNU_TIME:
            wrapped = [GNU_TIME, "-v", "-o", str(report), *command]
        else:
            wrapped = [sys.executable, "-m", "bench.measure", str(report), "--", *command]
        started = time.perf_counter()
        try:
            done = subprocess.run(wrapped, env=env, cwd=cwd, capture_output=True, text=True,
                                  timeout=timeout)
            returncode, output = done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired as expired:
            returncode, output = -9, f"timed out after {timeout:.0f} s: {expired}"
        wall = time.perf_counter() - started
        text = report.read_text() if report.exists() else ""
    if GNU_TIME:
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        rss_kb = int(found.group(1)) if found else 0
    else:
        rss_kb = json.loads(text)["maxrss_kb"] if text else 0
    return Run(wall, rss_kb / 1024, returncode, output[-3000:])


def _helper(argv: list[str]) -> int:
    """`python -m bench.measure REPORT -- COMMAND...`: run COMMAND, write its peak RSS."""
    import resource

    report, command = Path(argv[0]), argv[argv.index("--") + 1:]
    returncode = subprocess.run(command, env=os.environ.copy()).returncode
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report.write_text(json.dumps({"maxrss_kb": usage.ru_maxrss}))
    return returncode


if __name__ == "__main__":
    raise SystemExit(_helper(sys.argv[1:]))
