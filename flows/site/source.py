"""What a site is built from: one quarterly snapshot (its Parquet files, manifest and data
package) or the live published warehouse. Either way the marts are `marts.<mart>` on a DuckDB
connection, so the site's queries (warehouse/queries/site_*.sql) read both alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ahual.flows import settings
from ahual.flows.gate.validation import run_name
from ahual.warehouse import store


@dataclass
class Load:
    batch_id: int
    kind: str
    file_name: str
    file_sha256: str
    flow_run_id: str | None = None
    validation_page: Path | None = None


@dataclass
class Source:
    name: str  # the quarter (2009Q1) or "live"
    con: duckdb.DuckDBPyConnection
    marts: list[str]
    period_end: str | None
    loads: list[Load]
    validation: dict  # mart -> {"success": bool, ...} of the build behind the data
    made_up: bool
    folder: Path | None = None  # a snapshot's folder
    previous: Path | None = None  # the snapshot before it
    extra: dict = field(default_factory=dict)

    @property
    def is_snapshot(self) -> bool:
        return self.folder is not None


def snapshots(home: settings.Home) -> list[Path]:
    return sorted(p for p in home.snapshots.glob("*") if (p / "manifest.json").is_file())


def _validation_page(home: settings.Home, kind: str, file_name: str, sha256: str) -> Path | None:
    """The Data Docs page of a file's validation (the latest, if it was validated again)."""
    site = home.data_docs_index.parent / "validations"
    pages = sorted(site.glob(f"*/{run_name(kind, file_name, sha256)}/*/*.html"))
    return pages[-1] if pages else None


def _published_loads(home: settings.Home) -> dict[int, tuple]:
    if not home.published_warehouse.exists():
        return {}
    with duckdb.connect(str(home.published_warehouse), read_only=True) as con:
        return {row[0]: row for row in con.execute(store.query("site_loads")).fetchall()}


def _loads(home: settings.Home, listed: list[dict] | None) -> list[Load]:
    published = _published_loads(home)
    rows = ([(r["batch_id"], r["kind"], r["file_name"], r["file_sha256"]) for r in listed]
            if listed is not None else [row[:4] for row in published.values()])
    loads = []
    for batch_id, kind, file_name, sha256 in rows:
        known = published.get(batch_id)
        run = known[5] if known and known[3] == sha256 else None
        loads.append(Load(batch_id, kind, file_name, sha256, run,
                          _validation_page(home, kind, file_name, sha256)))
    return loads


@contextmanager
def open_snapshot(folder: Path) -> Iterator[Source]:
    home = settings.home()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    marts = sorted(f["mart"].removeprefix("marts.") for f in manifest["files"].values())
    earlier = [p for p in snapshots(home) if p.name < folder.name]
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA marts")
        for mart in marts:
            path = str(folder / f"{mart}.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW marts.{mart} AS SELECT * FROM read_parquet('{path}')")
        yield Source(folder.name, con, marts, manifest["period_end"],
                     _loads(home, manifest.get("loads") or []),
                     (manifest.get("build") or {}).get("validation") or {},
                     bool(manifest.get("made_up")), folder, earlier[-1] if earlier else None)


@contextmanager
def open_live() -> Iterator[Source]:
    home = settings.home()
    warehouse = store.Warehouse.of(home)
    with warehouse.read_published() as con:
        marts = [r[0] for r in con.execute(store.query("published_marts")).fetchall()]
        build = store.one(con, store.query("last_build"))
        validation = json.loads(build[3]) if build else {}
        # a demo home says so (settings.Home.is_demo: the marker `ahual demo` leaves)
        yield Source("live", con, marts, None, _loads(home, None), validation,
                     bool(getattr(home, "is_demo", False)))
