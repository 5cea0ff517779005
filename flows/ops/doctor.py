"""`ahual doctor`: is the published warehouse whole, and is it the latest build? Exit status 0
only if every check passes.

The SQL checks live in warehouse/checks/ (each returns the offending rows, over every input
kind's raw tables); the quarantine check looks at the files on disk; the last run's record
says whether a build was refused or a run stopped before publishing.
"""

from __future__ import annotations

import json
from pathlib import Path

from ahual import resources, settings
from ahual.console import say
from ahual.gate.quarantine import REASONS
from ahual.kinds import raw_tables
from ahual.ops.status import last_run
from ahual.warehouse import store


def quarantine_problems(root: Path, rejections: list[tuple[str, str]]) -> list[str]:
    """Quarantine folders without their reason or file, and rejections without their folder."""
    found = []
    for folder in sorted(root.glob("*/*")):
        found += [f"{folder}: {name} is missing" for name in REASONS
                  if not (folder / name).is_file()]
        try:
            kept = json.loads((folder / "reason.json").read_text(encoding="utf-8")).get(
                "kept", True)
        except (OSError, ValueError):
            kept = True
        if kept and not any((folder / "received").glob("*")):
            found.append(f"{folder}: the refused file itself is missing")
    for file_name, path in rejections:
        if not Path(path).is_dir():
            found.append(f"rejection of {file_name} points to {path}, which does not exist")
    return found


def run_checks() -> dict[str, list[str]]:
    home = settings.home()
    wh = store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)
    results = {}
    with wh.read_published() as con:
        counts = store.raw_row_counts(con, raw_tables()).to_arrow_table()
        con.register("raw_rows", counts)
        for path in sorted((resources.warehouse() / "checks").glob("*.sql")):
            relation = con.sql(path.read_text(encoding="utf-8"))
            columns = relation.columns
            results[path.stem.replace("_", " ")] = [
                ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True))
                for row in relation.fetchall()]
        rejections = con.execute("SELECT file_name, quarantine_path FROM raw.rejections"
                                 ).fetchall()
    results["quarantine entries without a reason"] = quarantine_problems(home.quarantine,
                                                                         rejections)
    run = last_run(home) or {}
    results["published warehouse is the latest build"] = (
        [f"the last build was refused: {p}" for p in run.get("refused_build") or []]
        + ([f"build {run['working_build_id']} is not published"]
           if run.get("working_build_id", 0) > (run.get("published_build_id") or 0) else []))
    return results


def print_doctor() -> int:
    results = run_checks()
    for name, problems in results.items():
        say(f"{'ok  ' if not problems else 'FAIL'} {name}",
            style=None if not problems else "refused")
        for problem in problems[:20]:
            say(f"       {problem}")
        if len(problems) > 20:
            say(f"       ... and {len(problems) - 20} more")
    bad = sum(bool(p) for p in results.values())
    say(f"\n{'all checks passed' if not bad else f'{bad} check(s) failed'} "
        f"({settings.home().published_warehouse})")
    return 1 if bad else 0
