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
from importlib import metadata
from pathlib import Path

import duckdb

MODELS = Path(__file__).parent
# The layout of the raw tables. 3: raw.load_events (reverts and reinstatements) and
# raw.releases. A warehouse of an older layout is migrated when a writer opens it (MIGRATIONS:
# version -> the SQL that brings it to the next; raw.sql's CREATE ... IF NOT EXISTS has already
# added new tables by then).
SCHEMA_VERSION = 3
MIGRATIONS: dict[int, str] = {2: ""}
# What a build makes from the raw tables and reference files. A migration drops it, so that the
# new release's first build makes every model again: an older release's view may be a table now
# (CREATE OR REPLACE cannot change one into the other), and its marts are not this release's.
DERIVED = ("reference", "staging", "core", "marts")


class WarehouseBusy(RuntimeError):
    """Another Ahual process kept the working warehouse longer than we are willing to wait."""


class WarehouseOutdated(RuntimeError):
    """The working warehouse was made by an Ahual with a layout of the raw tables this one
    cannot migrate (a newer release's, or one too old)."""


def release() -> str:
    """This release of Ahual (the package's version)."""
    try:
        return metadata.version("ahual")
    except metadata.PackageNotFoundError:  # run from a source tree without installing
        return "unknown"


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

    @classmethod
    def of(cls, home) -> Warehouse:
        """An AHUAL_HOME's warehouse: the working copy loads write, the published one readers
        read, and the writer's lock (`home`: flows/settings.py Home)."""
        return cls(home.working_warehouse, home.published_warehouse, home.writer_lock)

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
            migrate(con, self.working)
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
        snapshots. One published by a release of another raw layout is refused, saying what
        will read it (its marts and tables are not the ones this release's queries read)."""
        if not self.published.exists():
            raise FileNotFoundError(f"no published warehouse at {self.published}; run "
                                    "`ahual demo` or `ahual build` first")
        with duckdb.connect(str(self.published), read_only=True) as con:
            published_layout(con, self.published)
            yield con


def migrate(con: duckdb.DuckDBPyConnection, where: Path) -> None:
    """Bring the raw layout up to SCHEMA_VERSION (one transaction) and record this release;
    refuse a layout it cannot migrate, saying what will open it."""
    versions = [r[0] for r in con.execute("SELECT version FROM raw.schema_version").fetchall()]
    found = versions[0] if len(versions) == 1 else None
    if versions and found != SCHEMA_VERSION:
        if found is None or found > SCHEMA_VERSION:
            raise WarehouseOutdated(
                f"{where} has raw layout {versions}, newer than this Ahual {release()} "
                f"(layout {SCHEMA_VERSION}) can read: open it with the release that built it "
                "(raw.releases), or `ahual restore` a backup made by this one")
        if any(v not in MIGRATIONS for v in range(found, SCHEMA_VERSION)):
            raise WarehouseOutdated(
                f"{where} has raw layout {found}, which Ahual {release()} cannot migrate to "
                f"{SCHEMA_VERSION}: `ahual backup DEST` keeps it; then load the files again "
                "into a new AHUAL_HOME")
    with transaction(con):
        if not versions:
            con.execute("INSERT INTO raw.schema_version VALUES (?)", [SCHEMA_VERSION])
        elif found != SCHEMA_VERSION:
            for version in range(found, SCHEMA_VERSION):
                if MIGRATIONS[version]:
                    con.execute(MIGRATIONS[version])
            for schema in DERIVED:
                con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            con.execute("UPDATE raw.schema_version SET version = ?", [SCHEMA_VERSION])
        con.execute("INSERT INTO raw.releases VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    [release(), SCHEMA_VERSION, datetime.now()])


def published_layout(con: duckdb.DuckDBPyConnection, where: Path) -> None:
    """Refuse a published warehouse of another raw layout: an older one is upgraded by the
    next load or build (`migrate`), a newer one is read by the release that built it."""
    try:
        found = max(r[0] for r in con.execute("SELECT version FROM raw.schema_version"
                                              ).fetchall())
        built = one(con, "SELECT code_version FROM raw.builds ORDER BY build_id DESC LIMIT 1")
    except (duckdb.CatalogException, ValueError):  # no layout recorded: older than them all
        found, built = 0, None
    if found == SCHEMA_VERSION:
        return
    by = f"Ahual {built[0]}" if built else "an older Ahual"
    if found > SCHEMA_VERSION:
        raise WarehouseOutdated(
            f"{where} was published by {by} (raw layout {found}), newer than this Ahual "
            f"{release()} (layout {SCHEMA_VERSION}) can read: use that release")
    raise WarehouseOutdated(
        f"{where} was published by {by} (raw layout {found}); this Ahual {release()} reads "
        f"layout {SCHEMA_VERSION}: `ahual build` upgrades the home (`ahual backup DEST` "
        "first keeps a copy of it as it is)")


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


def load_standing(con: duckdb.DuckDBPyConnection, batch_id: int | None = None) -> list[dict]:
    """Each load (or one): what it is, how many of its reports are current, which loads stand
    in place of the rest and which it replaced, and the last revert or reinstatement. Needs the
    core models: on a warehouse never built, every load stands as loaded."""
    sql = query("loads_standing")
    if batch_id is not None:
        sql = f"SELECT * FROM ({sql}) WHERE batch_id = $batch_id"
    try:
        result = con.execute(sql, {"batch_id": batch_id} if batch_id is not None else {})
    except duckdb.CatalogException:  # nothing built yet
        return []
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def is_current(standing: dict) -> bool:
    """Whether a load counts in full: not reverted and current for every report it holds."""
    return (standing["last_action"] != "revert"
            and standing["current_reports"] == standing["reports"])


def record_load_event(con: duckdb.DuckDBPyConnection, *, batch_id: int, action: str, who: str,
                      why: str, flow_run_id: str | None) -> int:
    """Revert a load or reinstate it (call inside `transaction`, with the build it changes)."""
    if action not in {"revert", "reinstate"}:
        raise ValueError(f"unknown load event {action!r}")
    event_id, after = one(con, "SELECT (SELECT coalesce(max(event_id), 0) + 1 FROM "
                          "raw.load_events), (SELECT max(batch_id) FROM raw.load_batches)")
    con.execute("INSERT INTO raw.load_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [event_id, batch_id, action, after, datetime.now(), who, why, flow_run_id])
    return int(event_id)


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
