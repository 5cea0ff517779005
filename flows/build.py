"""The build step: bring the models up to date with what is loaded, check the marts that changed
against their suites, and record the build. Runs inside the caller's transaction on the
working warehouse, so a build that fails its checks leaves nothing behind (and neither do the
loads it was made with): the pipeline decides what is committed.

What the marts are made from is fingerprinted: each kind's loads, each reference file, the
analyst's local alias overlay (AHUAL_HOME/aliases.csv, as `reference.local_aliases`), the
registries a kind lets the centre keep in its home (the study registry), each
model's SQL and each mart's suite (warehouse/runner.py). A build whose fingerprints all match
the last one's does nothing; otherwise only the models downstream of a change run again, and
only the marts among them are checked.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from ahual.flows import resources, settings
from ahual.flows.kinds import kinds
from ahual.flows.problems import BuildRefused
from ahual.flows.reading.vocabulary import overlay_file
from ahual.warehouse import runner, store


@dataclass
class BuildOutcome:
    build_id: int | None  # None: nothing had changed, no build was recorded
    rebuilt: list[str]
    mart_rows: dict[str, int]
    validation: dict[str, dict] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.build_id is not None


def reference_files() -> dict[str, Path]:
    """`reference.<name>` -> CSV; files in sub-folders are prefixed (programme/measures.csv ->
    programme_measures). `reports/` holds input files, which load as any report does."""
    root = resources.reference()
    files = {}
    for path in sorted(root.rglob("*.csv")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[0] != "reports":
            files["_".join(parts)] = path
    files["local_aliases"] = local_aliases_file()
    files["receipts"] = receipts_file()
    home = settings.home().root
    for kind in kinds().values():
        for name in kind.home_files:
            files[name] = (home / f"{name}.csv" if (home / f"{name}.csv").exists()
                           else resources.contracts() / f"{name}.csv")
        if kind.home_registry is not None:  # the centre's own rows laid over the shipped ones
            files |= kind.home_registry.references()
    return files


def receipts_file() -> Path:
    """`reference.receipts`: when each file reached the centre (AHUAL_HOME/receipts.csv: SHA-256,
    name, date, sender), for judging lateness against the reporting obligations; else its
    empty layout (datasets/contracts/receipts.csv)."""
    path = settings.home().receipts
    return path if path.exists() else resources.contracts() / "receipts.csv"


def local_aliases_file() -> Path:
    """`reference.local_aliases`: the analyst's alias overlay AHUAL_HOME/aliases.csv
    (flows/reading/vocabulary.py) when there is one, else its empty layout
    (datasets/contracts/local_aliases.csv). Fingerprinted by the bytes of the one read, so
    adding an alias rebuilds what depends on it."""
    path = overlay_file()
    return path if path.exists() else resources.contracts() / "local_aliases.csv"


def reference_reports() -> dict[str, list[Path]]:
    """Published figures that load through a kind like any report (the programme's national
    counts): kind -> files."""
    root = resources.reference() / "reports"
    return {name: sorted(p for p in root.glob(f"{name}/*") if kind.accepts(p))
            for name, kind in kinds().items() if (root / name).is_dir()}


def source_fingerprints(con: duckdb.DuckDBPyConnection, reference: dict[str, Path]
                        ) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Fingerprint of every table the models read that no model makes: a raw table by the
    loads of its kind (loads are only ever added), a reference table by its file's bytes; and
    each kind's share of raw.load_batches, which is all its own staging sees of it."""
    loads = dict(con.execute("SELECT kind, count(*)::varchar || ':' || max(batch_id)::varchar "
                             "FROM raw.load_batches GROUP BY kind").fetchall())
    everything = store.one(con, "SELECT count(*)::varchar || ':' || coalesce(max(batch_id), 0) "
                           "FROM raw.load_batches")[0]
    sources = {"raw.load_batches": everything,
               "raw.load_events": store.one(con, store.query("loads_events_fingerprint"))[0]}
    shares = {}
    for name, kind in kinds().items():
        shares[("raw.load_batches", name)] = loads.get(name, "0:0")
        for table in kind.raw_tables:
            sources[f"raw.{table}"] = loads.get(name, "0:0")
    for name, path in reference.items():
        sources[f"reference.{name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sources, shares


def mart_suites() -> dict[str, str]:
    """A mart's suite is part of what it is: changing the rules re-checks it."""
    return {f"marts.{p.stem}": p.read_text(encoding="utf-8")
            for p in sorted((resources.expectations() / "marts").glob("*.json"))}


def last_build(con: duckdb.DuckDBPyConnection) -> dict | None:
    row = store.one(con, "SELECT build_id, model_hashes, validation, inputs_hash FROM raw.builds "
                    "ORDER BY build_id DESC LIMIT 1")
    if row is None:
        return None
    return {"build_id": row[0], "hashes": json.loads(row[1]),
            "validation": json.loads(row[2]), "inputs_hash": row[3]}


def build(con: duckdb.DuckDBPyConnection, *, force: bool = False, code_version: str = "",
          progress: Callable[[str, int, int], None] | None = None) -> BuildOutcome:
    """Rebuild what changed, check it, record the build (inside the caller's transaction).
    Raises BuildRefused, naming mart, rule and rows, when a mart breaks a critical rule."""
    reference = reference_files()
    previous = last_build(con) or {"build_id": None, "hashes": {}, "validation": {},
                                   "inputs_hash": None}
    sources, shares = source_fingerprints(con, reference)
    result = runner.build(con, reference_files=reference, sources=sources, shares=shares,
                          previous=previous["hashes"], extra=mart_suites(), force=force,
                          progress=progress)
    if not result.rebuilt and result.inputs_hash == previous["inputs_hash"]:
        return BuildOutcome(None, [], result.mart_rows, previous["validation"])
    rebuilt_marts = [t for t in result.rebuilt if t.startswith("marts.")]
    validation = {k: v for k, v in previous["validation"].items()
                  if f"marts.{k}" in result.mart_rows}
    validation |= check_marts(con, rebuilt_marts)
    build_id = store.one(con, "SELECT coalesce(max(build_id), 0) + 1 FROM raw.builds")[0]
    last_batch = store.one(con, "SELECT max(batch_id) FROM raw.load_batches")[0]
    con.execute("INSERT INTO raw.builds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [build_id, datetime.now(), code_version or resources.code_version(),
                 last_batch, result.inputs_hash, json.dumps(result.hashes, sort_keys=True),
                 json.dumps(result.rebuilt), json.dumps(result.mart_rows, sort_keys=True),
                 json.dumps(validation, sort_keys=True)])
    return BuildOutcome(int(build_id), result.rebuilt, result.mart_rows, validation)


def check_marts(con: duckdb.DuckDBPyConnection, marts: list[str]) -> dict[str, dict]:
    """Validate each mart against `expectations/marts/<mart>.json`; refuse the build if any
    critical rule fails. Marts are read through Arrow (GX's SQL datasource fails on DuckDB)."""
    if not marts:
        return {}
    from ahual.flows.gate.validation import suite_file, validate_in_memory

    results, problems = {}, []
    for table in marts:
        name = table.split(".", 1)[1]
        if not suite_file(f"marts/{name}").exists():
            continue
        frame = con.sql(f"SELECT * FROM {table}").to_arrow_table().to_pandas()
        outcome = validate_in_memory(frame, f"marts/{name}", table)
        results[name] = {"success": outcome.success, "rows": outcome.evaluated,
                         "problems": [p.plain() for p in outcome.problems],
                         "warnings": [p.plain() for p in outcome.warnings]}
        problems += outcome.problems
    if problems:
        raise BuildRefused(problems)
    return results
