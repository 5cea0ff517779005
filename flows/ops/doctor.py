"""`ahual doctor`: is the published warehouse whole, and is it the latest build? Exit status 0
only if every check passes.

The SQL checks live in warehouse/checks/ (each returns the offending rows, over every input
kind's raw tables); the quarantine check looks at the files on disk; the last run's record
says whether a build was refused or a run stopped before publishing.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path

from ahual.flows import resources, settings
from ahual.flows.console import say
from ahual.flows.gate.quarantine import REASONS
from ahual.flows.kinds import home_registry_problems, raw_tables
from ahual.flows.ops.status import last_run
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


def readable_by_others(root: Path, group_may_read: bool) -> list[str]:
    """The home itself and what in it someone other than its owner (or, unless
    AHUAL_HOME_MODE=group, its group) can open: a folder they cannot enter hides what is below."""
    classes = [("others", stat.S_IRWXO)] + ([] if group_may_read else [("its group",
                                                                         stat.S_IRWXG)])
    found = []
    for who, bits in classes:
        enter = bits & (stat.S_IXOTH | stat.S_IXGRP)
        for folder, folders, files in os.walk(root):
            with contextlib.suppress(FileNotFoundError):  # removed while walked: a load ending
                mode = os.stat(folder).st_mode
                if mode & bits:
                    found.append(f"{folder}/ ({stat.filemode(mode)}) is open to {who}")
                if not mode & enter:
                    folders.clear()  # nothing below it can be reached
                    continue
                for name in files:
                    mode = os.lstat(Path(folder) / name).st_mode
                    if mode & bits and not stat.S_ISLNK(mode):
                        found.append(f"{folder}/{name} ({stat.filemode(mode)}) is open to {who}")
    return found


def run_checks() -> dict[str, list[str]]:
    home = settings.home()
    wh = store.Warehouse.of(home)
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
    results["home registries breaking their rules"] = [
        p.plain() for p in home_registry_problems()]
    run = last_run(home) or {}
    results["published warehouse is the latest build"] = (
        [f"the last build was refused: {p}" for p in run.get("refused_build") or []]
        + ([f"build {run['working_build_id']} is not published"]
           if run.get("working_build_id", 0) > (run.get("published_build_id") or 0) else []))
    return results


# How a check that passed reads: each check is named for what it finds ("marts disagree with
# core"), which after "ok" would read as the problem.
PASSED = {"batches without their rows": "every batch has all its rows",
          "rows without lineage": "every row has its lineage",
          "marts disagree with core": "marts agree with core",
          "quarantine entries without a reason": "every quarantine entry has its reason and file",
          "home registries breaking their rules": "the home's registries keep their rules"}


def print_doctor() -> int:
    results = run_checks()
    for name, problems in results.items():
        say(f"ok   {PASSED.get(name, name)}" if not problems else f"FAIL {name}",
            style=None if not problems else "refused")
        for problem in problems[:20]:
            say(f"       {problem}")
        if len(problems) > 20:
            say(f"       ... and {len(problems) - 20} more")
    _warn_if_readable(settings.settings())
    bad = sum(bool(p) for p in results.values())
    say(f"\n{'all checks passed' if not bad else f'{bad} check(s) failed'} "
        f"({settings.home().published_warehouse})")
    return 1 if bad else 0


def _warn_if_readable(config: settings.Settings) -> None:
    """A warning, not a failed check: the warehouse is whole, but not private."""
    root = config.home.root
    exposed = readable_by_others(root, group_may_read=config.home_mode == "group")
    if not exposed:
        return
    fix = "go-rwx" if config.home_mode == "private" else "o-rwx"
    say(f"warn the home can be read by other users of this machine (it holds respondent-level "
        f"data): run  chmod -R {fix} {root}", style="warning")
    for problem in exposed[:5]:
        say(f"       {problem}")
    if len(exposed) > 5:
        say(f"       ... and {len(exposed) - 5} more")
