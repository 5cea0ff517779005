"""`ahual doctor`: is the published warehouse whole? Exit status 0 only if every check passes.

The SQL checks live in warehouse/checks/ (each returns the offending rows); the quarantine
check looks at the files on disk.
"""

from __future__ import annotations

from pathlib import Path

from flows import config
from warehouse import store

CHECKS = config.WAREHOUSE_MODELS / "checks"


REASONS = ("reason.txt", "reason.json")


def quarantine_problems(rejections: list[tuple[str, str]]) -> list[str]:
    """Quarantine folders without their reason or file, and rejections without their folder."""
    found = []
    for folder in sorted(config.quarantine_dir().glob("*/*")):
        found += [f"{folder}: {name} is missing" for name in REASONS
                  if not (folder / name).is_file()]
        if not [p for p in folder.iterdir() if p.name not in REASONS]:
            found.append(f"{folder}: the refused file itself is missing")
    for file_name, path in rejections:
        if not Path(path).is_dir():
            found.append(f"rejection of {file_name} points to {path}, which does not exist")
    return found


def run_checks() -> dict[str, list[str]]:
    results = {}
    with store.read_published() as con:
        for path in sorted(CHECKS.glob("*.sql")):
            relation = con.sql(path.read_text(encoding="utf-8"))
            columns = relation.columns
            results[path.stem.replace("_", " ")] = [
                ", ".join(f"{c}={v}" for c, v in zip(columns, row, strict=True))
                for row in relation.fetchall()]
        rejections = con.execute("SELECT file_name, quarantine_path FROM raw.rejections").fetchall()
    results["quarantine entries without a reason"] = quarantine_problems(rejections)
    return results


def print_doctor() -> int:
    results = run_checks()
    for name, problems in results.items():
        print(f"{'ok  ' if not problems else 'FAIL'} {name}")
        for problem in problems[:20]:
            print(f"       {problem}")
        if len(problems) > 20:
            print(f"       ... and {len(problems) - 20} more")
    bad = sum(bool(p) for p in results.values())
    print(f"\n{'all checks passed' if not bad else f'{bad} check(s) failed'} "
          f"({config.published_warehouse()})")
    return 1 if bad else 0
