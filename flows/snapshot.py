"""Quarterly snapshots: every mart as Parquet plus a manifest, immutable once taken.

`snapshots/<YYYYQn>/` holds one Parquet file per mart, holding the rows dated up to the end of
the quarter (warehouse/marts/marts.yml names the date column; suppressed survey cells are
never written), and `manifest.json`. Files are written from the published warehouse (so a
snapshot never waits for or blocks a load) into a temporary folder that is renamed into place.
Taking a quarter again recomputes the files: identical bytes -> nothing to do; different ->
refused, with what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from prefect import flow, task
from prefect.artifacts import create_link_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import config
from flows.periods import Period, last_closed
from flows.progress import say
from warehouse import store

MARTS_YAML = config.WAREHOUSE_MODELS / "marts" / "marts.yml"
PARQUET_OPTIONS = {"compression": "zstd", "use_dictionary": True, "write_statistics": True}


class SnapshotRefused(RuntimeError):
    """A closed quarter's snapshot exists and the warehouse no longer reproduces it."""


@dataclass
class SnapshotResult:
    quarter: str
    folder: Path
    status: str  # written | identical
    rows: dict[str, int]


@cache
def mart_specs() -> dict[str, dict]:
    return yaml.safe_load(MARTS_YAML.read_text(encoding="utf-8"))


def _mart_query(con: duckdb.DuckDBPyConnection, mart: str, quarter: Period) -> pa.Table:
    columns = [c[0] for c in con.execute(f"DESCRIBE marts.{mart}").fetchall()]
    conditions = []
    period_column = mart_specs().get(mart, {}).get("period_column")
    if period_column:
        conditions.append(f"{period_column} <= DATE '{quarter.end.isoformat()}'")
    if "suppressed" in columns:  # unreliable survey cells are never published
        conditions.append("NOT coalesce(suppressed, false)")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    order = ", ".join(f'"{c}"' for c in columns)
    return con.sql(f"SELECT * FROM marts.{mart} {where} ORDER BY {order}").to_arrow_table()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@task(name="write snapshot files", cache_policy=NO_CACHE)
def write_files(quarter: Period, folder: Path) -> dict:
    """Write each mart's Parquet file into `folder`; return the manifest's content."""
    folder.mkdir(parents=True)
    files, loads, build = {}, [], None
    with store.read_published() as con:
        marts = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' "
            "ORDER BY table_name").fetchall()]
        for mart in marts:
            table = _mart_query(con, mart, quarter)
            path = folder / f"{mart}.parquet"
            pq.write_table(table, path, **PARQUET_OPTIONS)
            files[path.name] = {"mart": f"marts.{mart}", "rows": table.num_rows,
                                "sha256": sha256_of(path),
                                "schema": {f.name: str(f.type) for f in table.schema}}
        fields = ("batch_id", "kind", "file_name", "file_sha256", "loaded_at")
        loads = [dict(zip(fields, r, strict=True))
                 for r in con.execute("SELECT batch_id, kind, file_name, file_sha256, "
                                      "strftime(loaded_at, '%Y-%m-%dT%H:%M:%S') "
                                      "FROM raw.load_batches ORDER BY batch_id").fetchall()]
        row = con.execute("SELECT build_id, strftime(built_at, '%Y-%m-%dT%H:%M:%S'), "
                          "code_version, validation FROM raw.builds "
                          "ORDER BY build_id DESC LIMIT 1").fetchone()
        if row:
            build = {"build_id": row[0], "built_at": row[1], "code_version": row[2],
                     "validation": json.loads(row[3])}
    return {"quarter": str(quarter), "period_end": quarter.end.isoformat(),
            "taken_at": datetime.now().isoformat(timespec="seconds"),
            "code_version": config.code_version(), "files": files, "build": build,
            "loads": loads}


def compare(old: dict, new: dict) -> list[str]:
    """What differs between two manifests' files, in words."""
    changes = []
    for name in sorted(set(old["files"]) | set(new["files"])):
        before, after = old["files"].get(name), new["files"].get(name)
        if before is None or after is None:
            changes.append(f"{name}: {'added' if before is None else 'removed'}")
        elif before["sha256"] != after["sha256"]:
            changes.append(f"{name}: {before['rows']} rows then, {after['rows']} now; "
                           "content differs")
    return changes


@flow(name="quarterly-snapshot")
def snapshot(quarter: str | None = None, today: date | None = None) -> SnapshotResult:
    """Take the snapshot of a closed quarter (default: the last closed one)."""
    today = today or date.today()
    period = Period.parse(quarter) if quarter else last_closed("Q", today)
    if period.kind != "Q":
        raise ValueError(f"snapshots are quarterly: write a quarter like 2008Q4, not {period}")
    if not period.is_closed(today):
        raise SnapshotRefused(f"{period} has not closed yet (it ends on {period.end}); "
                              "a quarter is snapshotted after it closes")
    target = config.snapshots_dir() / str(period)
    staging = config.snapshots_dir() / f".{period}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    say(f"snapshot {period}: writing marts up to {period.end} ...")
    try:
        manifest = write_files(period, staging)
        if target.exists():
            old = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
            changes = compare(old, manifest)
            if changes:
                raise SnapshotRefused(
                    f"{period} was snapshotted on {old['taken_at']} and is closed; the "
                    "warehouse no longer reproduces it:\n  " + "\n  ".join(changes)
                    + f"\nIts snapshot stays as it was: {target}")
            say(f"snapshot {period} exists and is reproduced byte for byte: {target}")
            return SnapshotResult(str(period), target, "identical", _rows(old))
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    rows = _rows(manifest)
    for name, count in rows.items():
        say(f"  {name}: {count} rows")
    say(f"snapshot {period} written: {target}")
    create_table_artifact(key="snapshot-files", table=[
        {"file": n, "rows": f["rows"], "sha256": f["sha256"]}
        for n, f in manifest["files"].items()], description=f"Snapshot {period}")
    create_link_artifact(key="snapshot-folder", link=target.as_uri(),
                         link_text=f"Snapshot {period}")
    return SnapshotResult(str(period), target, "written", rows)


def _rows(manifest: dict) -> dict[str, int]:
    return {f["mart"]: f["rows"] for f in manifest["files"].values()}


def diff(first: str, second: str) -> list[str]:
    """Row-level differences between two snapshots, mart by mart."""
    folders = [config.snapshots_dir() / str(Period.parse(q)) for q in (first, second)]
    for folder in folders:
        if not (folder / "manifest.json").exists():
            raise FileNotFoundError(f"no snapshot at {folder}; take it with `ahual snapshot "
                                    f"--quarter {folder.name}`")
    names = sorted({p.name for f in folders for p in f.glob("*.parquet")})
    lines = [f"{first} -> {second}"]
    with duckdb.connect() as con:
        for name in names:
            a, b = (str(f / name) for f in folders)
            if not all(Path(p).exists() for p in (a, b)):
                lines.append(f"  {name}: only in {first if Path(a).exists() else second}")
                continue
            removed = con.execute("SELECT count(*) FROM (SELECT * FROM read_parquet(?) EXCEPT ALL "
                                  "SELECT * FROM read_parquet(?))", [a, b]).fetchone()[0]
            added = con.execute("SELECT count(*) FROM (SELECT * FROM read_parquet(?) EXCEPT ALL "
                                "SELECT * FROM read_parquet(?))", [b, a]).fetchone()[0]
            rows = [con.execute("SELECT count(*) FROM read_parquet(?)", [p]).fetchone()[0]
                    for p in (a, b)]
            lines.append(f"  {name.removesuffix('.parquet')}: {rows[0]} -> {rows[1]} rows "
                         f"(+{added} added or changed, -{removed} removed or changed)")
    return lines
