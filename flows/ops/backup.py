"""`ahual backup DEST` and `ahual restore SRC`: a home's state as a folder, and back.

A backup holds what cannot be made again from the inputs alone: the working warehouse (every
load, revert and refusal), the published one, the quarantine, the snapshots, the reports and
every file of the analyst's own (local aliases, registries, review decisions, receipts): the
whole home but the state of the processes that ran in it (prefect/, run/), spill files and
locks. It is taken under the writer's lock, so no load or build is half in it; other commands
wait a few seconds, readers not at all. `ahual-backup.json` lists every file with its SHA-256;
`restore` checks them all before it writes anything, and restores only into an empty home.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from ahual.flows import settings
from ahual.flows.console import say
from ahual.flows.kinds.base import sha256_of
from ahual.flows.problems import UsageError
from ahual.warehouse import store

MANIFEST = "ahual-backup.json"
# A process's own state (the Prefect server's database, the warm worker's socket): a restored
# home starts its own. work/ is taken as its warehouse file alone (not its lock or spill).
NOT_STATE = {"prefect", "run", "work"}
TRANSIENT = (".tmp", ".partial", ".lock", ".pid", ".wal")


@dataclass(frozen=True)
class Copied:
    folder: Path
    files: int
    bytes: int
    release: str
    schema_version: int


def backup(dest: Path) -> Copied:
    """Copy the home to `dest` (a new or empty folder), consistently."""
    config = settings.settings()
    home = config.home
    wh = store.Warehouse.of(home)
    if not home.working_warehouse.exists():
        raise UsageError(f"nothing to back up: {home.root} has no warehouse yet")
    dest = dest.absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UsageError(f"{dest} is not an empty folder; a backup goes to a new one")
    if dest == home.root or home.root in dest.parents:
        raise UsageError(f"{dest} is inside the home it would back up ({home.root})")
    partial = dest.with_name(f".{dest.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        with wh.exclusive(config.writer_wait_seconds, on_wait=say):
            (partial / "work").mkdir(parents=True)
            _checkpoint(home.working_warehouse)
            shutil.copy2(home.working_warehouse, partial / "work" / home.working_warehouse.name)
            for item in sorted(home.root.iterdir()):
                if item.name in NOT_STATE or _transient(item):
                    continue
                if item.is_dir() and not item.is_symlink():
                    shutil.copytree(item, partial / item.name, symlinks=True,
                                    ignore=lambda _, names: [n for n in names
                                                             if n.endswith(TRANSIENT)])
                elif item.is_file():
                    shutil.copy2(item, partial / item.name)
        version = _schema_version(partial / "work" / home.working_warehouse.name)
        files = _inventory(partial)
        manifest = {"release": store.release(), "schema_version": version,
                    "home": str(home.root), "taken_at": datetime.now().isoformat(
                        timespec="seconds"), "files": files}
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                        encoding="utf-8")
        if dest.exists():
            dest.rmdir()  # empty, checked above
        os.replace(partial, dest)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Copied(dest, len(files), sum(f["bytes"] for f in files.values()), store.release(),
                  version)


def restore(src: Path) -> Copied:
    """Copy a backup into the (empty) home, after checking every file against its SHA-256."""
    home = settings.home()
    src = src.absolute()
    try:
        manifest = json.loads((src / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"{src} is not an Ahual backup (no readable {MANIFEST})") from error
    if manifest["schema_version"] > store.SCHEMA_VERSION:
        raise UsageError(f"{src} was taken by Ahual {manifest['release']} (raw layout "
                         f"{manifest['schema_version']}); this Ahual {store.release()} reads "
                         f"layouts up to {store.SCHEMA_VERSION}: restore it with that release")
    present = [p.name for p in home.root.iterdir()] if home.root.exists() else []
    if [name for name in present if name not in {"prefect", "run"}]:
        raise UsageError(f"{home.root} is not empty ({', '.join(sorted(present)[:5])}); "
                         "restore into a new AHUAL_HOME (--home PATH)")
    damaged = [name for name, facts in manifest["files"].items()
               if not (src / name).is_file() or sha256_of(src / name) != facts["sha256"]]
    if damaged:
        raise UsageError(f"{src} is damaged: {len(damaged)} file(s) differ from what the backup "
                         f"recorded, e.g. {damaged[0]}; nothing was restored")
    home.root.mkdir(parents=True, exist_ok=True)
    partial = home.root / f".restore-{os.getpid()}"
    try:
        for name in manifest["files"]:
            target = partial / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / name, target)
        for item in sorted(partial.iterdir()):
            os.replace(item, home.root / item.name)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return Copied(home.root, len(manifest["files"]),
                  sum(f["bytes"] for f in manifest["files"].values()), manifest["release"],
                  manifest["schema_version"])


def _checkpoint(path: Path) -> None:
    """Fold a write-ahead log a killed writer left into the file, so the file alone is whole
    (called under the writer's lock: nobody else has it open for writing)."""
    with duckdb.connect(str(path)) as con:
        con.execute("CHECKPOINT")


def _schema_version(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return int(store.one(con, "SELECT max(version) FROM raw.schema_version")[0])


def _transient(path: Path) -> bool:
    return path.name.endswith(TRANSIENT) or path.name.startswith(".")


def _inventory(folder: Path) -> dict[str, dict]:
    return {str(p.relative_to(folder)): {"bytes": p.stat().st_size, "sha256": sha256_of(p)}
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


