"""The working DuckDB file, the one loader with lineage, and atomic publishing.

DuckDB admits one writing process per file and even a read-only reader blocks it, so Ahual
never writes the file analysts read. Loads and builds go to `AHUAL_HOME/work/warehouse.duckdb`
under an exclusive lock file; a successful build is copied beside the published file and
renamed over it (atomic on POSIX). Readers holding the old published file keep their inode and
never see a half-load; they never block a writer.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from flows import config

RAW_SCHEMA = Path(__file__).with_name("raw.sql")
LOCK_WAIT_SECONDS = 600


class WarehouseBusy(RuntimeError):
    """Another Ahual process kept the working warehouse longer than we are willing to wait."""


_held = 0  # re-entry depth in this process: an ingest that builds takes the lock once


@contextmanager
def exclusive(wait_seconds: float = LOCK_WAIT_SECONDS, on_wait=None) -> Iterator[None]:
    """Hold the writer's lock for the whole of a load or build (waits, then gives up clearly)."""
    global _held
    if _held:
        _held += 1
        try:
            yield
        finally:
            _held -= 1
        return
    lock_path = config.working_warehouse().with_suffix(".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(
                        f"another Ahual load or build has held {lock_path} for over "
                        f"{wait_seconds:.0f} s; try again when it has finished") from None
                if on_wait and not told:
                    on_wait("waiting for another Ahual load or build to finish ...")
                    told = True
                time.sleep(0.2)
        _held = 1
        try:
            yield
        finally:
            _held = 0
            fcntl.flock(handle, fcntl.LOCK_UN)


_schema_applied: set[tuple] = set()  # (path, inode, raw.sql) this process has brought up to date


def connect() -> duckdb.DuckDBPyConnection:
    """Open the working warehouse (create it and the raw tables on first use).

    raw.sql runs once per process per file and version of raw.sql, not on every open (it cost
    ~50 ms an open); a new, deleted or replaced (other inode) file gets it again.
    """
    path = config.working_warehouse()
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = RAW_SCHEMA.read_text(encoding="utf-8")
    existed = path.exists()  # a new file may reuse a deleted one's inode
    con = duckdb.connect(str(path))
    try:
        stat = path.stat()
        key = (str(path), stat.st_dev, stat.st_ino, schema)
        if not existed or key not in _schema_applied:
            con.execute(schema)
            _schema_applied.add(key)
    except BaseException:
        con.close()
        raise
    return con


def loaded_batch(con: duckdb.DuckDBPyConnection, kind: str, sha256: str) -> int | None:
    row = con.execute("SELECT batch_id FROM raw.load_batches WHERE kind = ? AND file_sha256 = ?",
                      [kind, sha256]).fetchone()
    return None if row is None else int(row[0])


def load_batch(con: duckdb.DuckDBPyConnection, *, kind: str, file_name: str, sha256: str,
               size: int, tables: dict[str, pd.DataFrame], flow_run_id: str | None) -> int:
    """Insert one accepted file and its rows in a single transaction: all of it or none of it.

    `tables` maps raw table names to frames (pandas DataFrames or pyarrow Tables); columns are
    matched by name and every row gets the new batch_id. DuckDB reads each frame in place
    (Arrow columns without a copy), so a load of millions of rows is one bulk insert.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        batch_id = con.execute(
            "SELECT coalesce(max(batch_id), 0) + 1 FROM raw.load_batches").fetchone()[0]
        con.execute("INSERT INTO raw.load_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [batch_id, kind, file_name, sha256, size,
                     sum(len(rows) for rows in tables.values()), datetime.now(), flow_run_id])
        for table, rows in tables.items():
            columns = [c[0] for c in con.execute(f"DESCRIBE raw.{table}").fetchall()]
            select = ", ".join("$batch_id" if c == "batch_id" else f'"{c}"' for c in columns)
            con.register("incoming_rows", rows)
            con.execute(f"INSERT INTO raw.{table} SELECT {select} FROM incoming_rows",
                        {"batch_id": int(batch_id)})
            con.unregister("incoming_rows")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(batch_id)


def record_rejection(con: duckdb.DuckDBPyConnection, *, kind: str, file_name: str, sha256: str,
                     rules: str, reason: str, quarantine_path: str,
                     flow_run_id: str | None) -> None:
    con.execute("INSERT OR REPLACE INTO raw.rejections VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [kind, file_name, sha256, datetime.now(), rules, reason, quarantine_path,
                 flow_run_id])


def publish() -> Path:
    """Copy the working warehouse over the published one atomically (call with no connection
    open on the working file, inside `exclusive()`)."""
    source, target = config.working_warehouse(), config.published_warehouse()
    staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, staging)
    with open(staging, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staging, target)
    return target


@contextmanager
def read_published() -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection to the published warehouse, for notebooks, status and snapshots."""
    path = config.published_warehouse()
    if not path.exists():
        raise FileNotFoundError(f"no published warehouse at {path}; run `ahual demo` or "
                                "`ahual build` first")
    with duckdb.connect(str(path), read_only=True) as con:
        yield con
