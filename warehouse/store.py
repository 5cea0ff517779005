"""The working DuckDB file, the one loader with lineage, and atomic publishing.

DuckDB admits one writing process per file and even a read-only reader blocks it, so Ahual
never writes the file analysts read. Loads and builds go to a working file under an exclusive
lock file; a successful build is copied beside the published file and renamed over it (atomic
on POSIX). Readers holding the old published file keep their inode and never see a half-load;
they never block a writer. Every path is passed in: this package knows nothing of AHUAL_HOME.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

MODELS = Path(__file__).parent
SCHEMA_VERSION = 2


class WarehouseBusy(RuntimeError):
    """Another Ahual process kept the working warehouse longer than we are willing to wait."""


class WarehouseOutdated(RuntimeError):
    """The working warehouse was made by an Ahual with another layout of the raw tables."""


def one(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> tuple | None:
    """The first row of a query, with its result fully consumed (DuckDB 2.0 keeps a
    half-read result open on the connection and refuses other work on it until it is done)."""
    rows = con.execute(sql, params if params is not None else []).fetchall()
    return rows[0] if rows else None


def query(name: str) -> str:
    """A read-only query of `warehouse/queries/<name>.sql` (its $parameters are bound)."""
    return (MODELS / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def raw_schema_files() -> list[Path]:
    """raw.sql (the shared bookkeeping tables), then each input kind's `_raw.sql`."""
    return [MODELS / "raw.sql", *sorted((MODELS / "staging").glob("*/_raw.sql"))]


@dataclass(frozen=True)
class Warehouse:
    working: Path
    published: Path
    lock_file: Path

    @contextmanager
    def exclusive(self, wait_seconds: float = 600,
                  on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the writer's lock for the whole of a load or build (waits, then gives up
        clearly). The lock is a `flock` on a file: it dies with the process that holds it."""
        self.lock_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_file, "w") as handle:
            deadline = time.monotonic() + wait_seconds
            told = False
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise WarehouseBusy(
                            f"another Ahual load or build has held {self.lock_file} for over "
                            f"{wait_seconds:.0f} s; try again when it has finished") from None
                    if on_wait and not told:
                        on_wait("waiting for another Ahual load or build to finish ...")
                        told = True
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """Open the working warehouse, creating it and the raw tables on first use. Call inside
        `exclusive()`. A file made by another raw layout is refused, never altered."""
        self.working.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.working))
        try:
            # a big build spills to disk beside the working file rather than to /tmp
            con.execute("SET temp_directory = ?", [str(self.working.parent / "spill")])
            for path in raw_schema_files():
                con.execute(path.read_text(encoding="utf-8"))
            versions = [r[0] for r in con.execute(
                "SELECT version FROM raw.schema_version").fetchall()]
            if not versions:
                con.execute("INSERT INTO raw.schema_version VALUES (?)", [SCHEMA_VERSION])
            elif versions != [SCHEMA_VERSION]:
                raise WarehouseOutdated(
                    f"{self.working} was made by an Ahual with raw layout {versions}, this one "
                    f"has {SCHEMA_VERSION}; use a new AHUAL_HOME and load the files again")
        except BaseException:
            con.close()
            raise
        return con

    def publish(self) -> Path:
        """Copy the working warehouse over the published one atomically (call with no
        connection open on the working file, inside `exclusive()`)."""
        staging = self.published.with_name(f".{self.published.name}.{os.getpid()}.tmp")
        self.published.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.working, staging)
        with open(staging, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(staging, self.published)
        return self.published

    @contextmanager
    def read_published(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Read-only connection to the published warehouse, for notebooks, status and
        snapshots."""
        if not self.published.exists():
            raise FileNotFoundError(f"no published warehouse at {self.published}; run "
                                    "`ahual demo` or `ahual build` first")
        with duckdb.connect(str(self.published), read_only=True) as con:
            yield con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All of it or none of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def loaded_batch(con: duckdb.DuckDBPyConnection, load_key: str) -> int | None:
    row = one(con, "SELECT batch_id FROM raw.load_batches WHERE load_key = ?", [load_key])
    return None if row is None else int(row[0])


def insert_batch(con: duckdb.DuckDBPyConnection, *, kind: str, file_name: str, sha256: str,
                 load_key: str, loaded_as: str, size: int, tables: dict,
                 flow_run_id: str | None) -> int:
    """Insert one accepted file and its rows (call inside `transaction`).

    `tables` maps raw table names to frames (pandas DataFrames or pyarrow Tables); columns are
    matched by name and every row gets the new batch_id. DuckDB reads each frame in place
    (Arrow columns without a copy), so a load of millions of rows is one bulk insert.
    """
    batch_id = one(con, "SELECT coalesce(max(batch_id), 0) + 1 FROM raw.load_batches")[0]
    con.execute("INSERT INTO raw.load_batches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [batch_id, kind, file_name, sha256, load_key, loaded_as, size,
                 sum(_rows(frame) for frame in tables.values()), datetime.now(), flow_run_id])
    for table, rows in tables.items():
        columns = [c[0] for c in con.execute(f"DESCRIBE raw.{table}").fetchall()]
        select = ", ".join("$batch_id" if c == "batch_id" else f'"{c}"' for c in columns)
        con.register("incoming_rows", rows)
        try:
            con.execute(f"INSERT INTO raw.{table} SELECT {select} FROM incoming_rows",
                        {"batch_id": int(batch_id)})
        finally:
            con.unregister("incoming_rows")
    return int(batch_id)


def _rows(frame) -> int:
    return frame.num_rows if hasattr(frame, "num_rows") else len(frame)


def record_rejection(con: duckdb.DuckDBPyConnection, *, load_key: str, kind: str,
                     file_name: str, sha256: str, loaded_as: str, stage: str, rules: str,
                     reason: str, quarantine_path: str, flow_run_id: str | None) -> None:
    """Remember a refused load; the same load refused again counts one more attempt and keeps
    when it was first refused."""
    now = datetime.now()
    con.execute(
        "INSERT INTO raw.rejections VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) "
        "ON CONFLICT (load_key) DO UPDATE SET rejected_at = excluded.rejected_at, "
        "attempts = raw.rejections.attempts + 1, stage = excluded.stage, "
        "rules = excluded.rules, reason = excluded.reason, "
        "quarantine_path = excluded.quarantine_path, flow_run_id = excluded.flow_run_id",
        [load_key, kind, file_name, sha256, loaded_as, now, now, stage, rules, reason,
         quarantine_path, flow_run_id])


def raw_row_counts(con: duckdb.DuckDBPyConnection, tables: Iterable[str]):
    """batch_id, raw_table, rows for every named raw table (names come from the code)."""
    parts = [f"SELECT batch_id, '{t}' AS raw_table, count(*) AS rows FROM raw.{t} GROUP BY 1"
             for t in tables]
    return con.sql(" UNION ALL ".join(parts))
