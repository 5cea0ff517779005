"""Quarterly snapshots: every mart as Parquet plus a manifest, immutable once taken.

`snapshots/<YYYYQn>/` holds one Parquet file per mart, holding the rows dated up to the end of
the quarter (each mart's `<mart>.yml` names its date column; suppressed survey cells are never
written), `manifest.json`, and the Frictionless data package (`datapackage.json`, a CSV copy of
each mart and the reference tables; flows/datapackage.py). Files are written from the published
warehouse (so a snapshot never waits for or blocks a load) into a temporary folder that is
renamed into place. Taking a quarter again recomputes the files: identical bytes -> nothing to
do; different -> refused, with what changed, mart by mart and key by key.
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

from ahual.flows import datapackage, resources, settings
from ahual.flows.console import say
from ahual.flows.kinds import kinds
from ahual.flows.periods import Period, containing, last_closed
from ahual.flows.problems import UsageError
from ahual.flows.reading.vocabulary import overlay_file, overlay_sha256, read_overlay
from ahual.warehouse import store

PARQUET_OPTIONS = {"compression": "zstd", "use_dictionary": True, "write_statistics": True}


class SnapshotRefused(RuntimeError):
    """A closed quarter's snapshot exists and the warehouse no longer reproduces it."""

    def __init__(self, message: str, changes: list[str] | None = None):
        super().__init__(message)
        self.changes = changes or []


@dataclass
class SnapshotResult:
    quarter: str
    folder: Path
    status: str  # written | identical
    rows: dict[str, int]
    files: dict | None = None


@cache
def mart_spec(mart: str) -> dict:
    """A mart's description beside its SQL (`warehouse/marts/<mart>.yml`)."""
    path = resources.warehouse() / "marts" / f"{mart}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def quarter_of(text: str | None, today: date) -> Period:
    period = Period.parse(text) if text else default_quarter(today)
    if period.kind != "Q":
        raise UsageError(f"snapshots are quarterly: write a quarter like 2008Q4, not {period}")
    return period


def default_quarter(today: date) -> Period:
    """The quarter that holds the last date the published figures refer to, once it has
    closed (else the last closed one): what the data holds, not the calendar."""
    home = settings.home()
    if home.published_warehouse.exists():
        wh = store.Warehouse.of(home)
        with wh.read_published() as con:
            latest = store.one(con, store.query("latest_data_date"))[0]
        if latest is not None:
            quarter = containing(latest, "Q")
            if quarter.is_closed(today):
                return quarter
    return last_closed("Q", today)


def _mart_rows(con: duckdb.DuckDBPyConnection, mart: str, quarter: Period) -> pa.Table:
    if not mart.isidentifier():
        raise ValueError(f"not a mart name: {mart!r}")
    columns = {c[0] for c in con.execute(f"DESCRIBE marts.{mart}").fetchall()}
    conditions = []
    period_column = mart_spec(mart).get("period_column")
    if period_column:
        conditions.append(f'"{period_column}" <= $period_end')
    if "suppressed" in columns:  # unreliable survey cells are never published
        conditions.append("NOT coalesce(suppressed, false)")
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = store.query("snapshot_mart").format(mart=mart, where=where)
    params = {"period_end": quarter.end} if period_column else {}
    return con.sql(sql, params=params).to_arrow_table()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_files(quarter: Period, folder: Path) -> dict:
    """Write each mart's Parquet file into `folder`; return the manifest's content."""
    folder.mkdir(parents=True)
    files = {}
    with _warehouse().read_published() as con:
        marts = [r[0] for r in con.sql(store.query("published_marts")).fetchall()]
        for mart in marts:
            table = _mart_rows(con, mart, quarter)
            path = folder / f"{mart}.parquet"
            pq.write_table(table, path, **PARQUET_OPTIONS)
            files[path.name] = {"mart": f"marts.{mart}", "rows": table.num_rows,
                                "sha256": sha256_of(path),
                                "key": mart_spec(mart).get("key", []),
                                "schema": {f.name: str(f.type) for f in table.schema}}
        loads = [dict(zip(("batch_id", "kind", "file_name", "file_sha256", "loaded_as",
                           "loaded_at"), r, strict=True))
                 for r in con.sql(store.query("snapshot_loads")).fetchall()]
        row = store.one(con, store.query("last_build"))
    build = None
    if row:
        build = {"build_id": row[0], "built_at": row[1], "code_version": row[2],
                 "validation": json.loads(row[3])}
    manifest = {"quarter": str(quarter), "period_end": quarter.end.isoformat(),
                "taken_at": datetime.now().isoformat(timespec="seconds"),
                "code_version": resources.code_version(), "files": files, "build": build,
                "loads": loads, "aliases_overlay": aliases_overlay(),
                "home_registries": home_registries(), **made_up()}
    datapackage.write(folder, manifest)  # CSV copies, codebooks, datapackage.json
    return manifest


def made_up() -> dict:
    """A demo home's snapshot says, first thing a reader of the manifest sees, that its figures
    are invented."""
    if not settings.home().is_demo:
        return {"made_up": False}
    return {"made_up": True, "note": "DEMO DATA: every figure in this snapshot is made up by "
            "`ahual demo` (only the national sums follow the programme's real figures)"}


def aliases_overlay() -> dict | None:
    """The local alias overlay the loads were read with (AHUAL_HOME/aliases.csv; None when
    there is none): every alias with who added it, when and why, so a figure can be traced
    from its load to the alias that resolved its label (marts.local_aliases)."""
    path = overlay_file()
    sha256 = overlay_sha256(path)
    if sha256 is None:
        return None
    rows = read_overlay(path).to_dict("records")
    return {"file": str(path), "sha256": sha256, "aliases": len(rows), "rows": rows}


def home_registries() -> dict[str, list[dict]]:
    """The centre's own reference files the marts were built with (the study registry of
    AHUAL_HOME/studies/, its column maps and its log of who changed what): kind -> each file
    with its SHA-256."""
    root, found = settings.home().root, {}
    for name, kind in kinds().items():
        files = kind.home_registry.files() if kind.home_registry is not None else []
        if files:
            found[name] = [{"file": str(p.relative_to(root)), "sha256": sha256_of(p),
                            "bytes": p.stat().st_size} for p in files]
    return found


def _warehouse() -> store.Warehouse:
    home = settings.home()
    return store.Warehouse.of(home)


def compare(old: dict, new: dict) -> list[str]:
    """Which files differ between two manifests, in words."""
    changes = []
    for name in sorted(set(old["files"]) | set(new["files"])):
        before, after = old["files"].get(name), new["files"].get(name)
        if before is None or after is None:
            changes.append(f"{name}: {'added' if before is None else 'removed'}")
        elif before["sha256"] != after["sha256"]:
            changes.append(f"{name}: {before['rows']} rows then, {after['rows']} now; "
                           "content differs")
    return changes


def take(quarter: str | None = None, today: date | None = None) -> SnapshotResult:
    """Take the snapshot of a closed quarter (default: the last closed one)."""
    today = today or date.today()
    period = quarter_of(quarter, today)
    if not period.is_closed(today):
        raise SnapshotRefused(f"{period} has not closed yet (it ends on {period.end}); "
                              "a quarter is snapshotted after it closes")
    root = settings.home().snapshots
    target = root / str(period)
    staging = root / f".{period}.{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    say(f"snapshot {period}: writing marts up to {period.end} ...")
    try:
        manifest = write_files(period, staging)
        if target.exists():
            old = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
            changes = compare(old, manifest)
            if changes:
                detail = diff_folders(target, staging)
                raise SnapshotRefused(
                    f"{period} was snapshotted on {old['taken_at']} and is closed; the "
                    "warehouse no longer reproduces it:\n  " + "\n  ".join(changes)
                    + "\n" + "\n".join(detail[1:])
                    + f"\nIts snapshot stays as it was: {target}", changes)
            say(f"snapshot {period} exists and is reproduced byte for byte: {target}")
            return SnapshotResult(str(period), target, "identical", _rows(old), old["files"])
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.rename(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    rows = _rows(manifest)
    say(f"snapshot {period} written: {target} ({len(rows)} marts, "
        f"{sum(rows.values()):,} rows)")
    return SnapshotResult(str(period), target, "written", rows, manifest["files"])


def artifacts(result: SnapshotResult) -> None:
    from prefect.artifacts import create_link_artifact, create_table_artifact

    create_table_artifact(key="snapshot-files", table=[
        {"file": n, "rows": f["rows"], "sha256": f["sha256"]}
        for n, f in (result.files or {}).items()],
        description=f"Snapshot {result.quarter}: {result.status}")
    create_link_artifact(key="snapshot-folder", link=result.folder.as_uri(),
                         link_text=f"Snapshot {result.quarter}",
                         description=f"Folder of snapshot {result.quarter}")


def _rows(manifest: dict) -> dict[str, int]:
    return {f["mart"]: f["rows"] for f in manifest["files"].values()}


def diff(first: str, second: str) -> list[str]:
    """What changed between two snapshots, mart by mart: keys added, removed and changed."""
    folders = [settings.home().snapshots / str(Period.parse(q)) for q in (first, second)]
    for folder in folders:
        if not (folder / "manifest.json").exists():
            raise UsageError(f"no snapshot at {folder}; take it with `ahual snapshot "
                             f"--quarter {folder.name}`")
    return diff_folders(*folders)


def diff_folders(a_folder: Path, b_folder: Path) -> list[str]:
    names = sorted({p.name for f in (a_folder, b_folder) for p in f.glob("*.parquet")})
    lines = [f"{a_folder.name} -> {b_folder.name}"]
    with duckdb.connect() as con:
        for name in names:
            a, b = a_folder / name, b_folder / name
            mart = name.removesuffix(".parquet")
            if not (a.exists() and b.exists()):
                lines.append(f"  {mart}: only in {(a if a.exists() else b).parent.name}")
                continue
            columns = [_columns(con, str(p)) for p in (a, b)]
            common = [c for c in columns[0] if c in columns[1]]
            key = [k for k in mart_spec(mart).get("key", []) if k.isidentifier()]
            if not set(key) <= set(common):
                key = []  # a key column came or went: compare whole rows of what both have
            counts = _key_diff(con, str(a), str(b), key, common)
            lines.append(f"  {mart}: {counts['rows_a']} -> {counts['rows_b']} rows: "
                         f"+{counts['added']} added, -{counts['removed']} removed, "
                         f"~{counts['changed']} changed")
            for label, found in (("columns added", [c for c in columns[1] if c not in common]),
                                 ("columns removed", [c for c in columns[0] if c not in common])):
                if found:
                    lines.append(f"      {label} (rows compared without them): "
                                 f"{', '.join(found)}")
            for label in ("added", "removed", "changed"):
                for example in counts[f"{label}_keys"]:
                    lines.append(f"      {label}: {example}")
    return lines


def _columns(con: duckdb.DuckDBPyConnection, path: str) -> list[str]:
    return [c[0] for c in con.execute("SELECT * FROM read_parquet(?) LIMIT 0", [path]).description]


def _key_diff(con: duckdb.DuckDBPyConnection, a: str, b: str, key: list[str],
              columns: list[str]) -> dict:
    """Rows added, removed and changed between two Parquet files of one mart, by its key, over
    the `columns` both have (a mart without a key compares whole rows: a changed row is one
    removed and one added)."""
    rows = [store.one(con, "SELECT count(*) FROM read_parquet(?)", [p])[0]
            for p in (a, b)]
    column_list = ", ".join(f'"{c}"' for c in columns)
    if not key:
        sql = store.query("snapshot_diff_rows").format(columns=column_list)
        added, removed = store.one(con, sql, [a, b])
        return {"rows_a": rows[0], "rows_b": rows[1], "added": added, "removed": removed,
                "changed": 0, "added_keys": [], "removed_keys": [], "changed_keys": []}
    key_list = ", ".join(f'"{k}"' for k in key)
    key_text = ", ".join(f'"{k}"::varchar' for k in key)
    sql = store.query("snapshot_diff_keys").format(key=key_list, key_text=key_text,
                                                   columns=column_list)
    found = con.execute(sql, [a, b]).fetchall()
    out = {"rows_a": rows[0], "rows_b": rows[1], "added": 0, "removed": 0, "changed": 0,
           "added_keys": [], "removed_keys": [], "changed_keys": []}
    for change, count, examples in found:
        out[change] = count
        out[f"{change}_keys"] = [", ".join(f"{k}={v}" for k, v in zip(key, e, strict=True))
                                 for e in examples]
    return out
