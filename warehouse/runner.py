"""Build the SQL models: reference seeds, then staging -> core -> marts in dependency order.

A model is one SELECT in `warehouse/<layer>/<name>.sql` and becomes the table `<layer>.<name>`.
Its dependencies are the `layer.table` names it mentions, so the order is derived, never
maintained by hand. Reference CSVs under `datasets/reference/` become `reference.<name>`
tables (all text; staging models cast). The whole build is one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from flows import config

LAYERS = ("staging", "core", "marts")
MODELS_ROOT = Path(__file__).parent
_REFERENCE = re.compile(r"\b(staging|core|marts)\.([a-z_][a-z0-9_]*)\b")


@dataclass(frozen=True)
class Model:
    layer: str
    name: str
    path: Path

    @property
    def table(self) -> str:
        return f"{self.layer}.{self.name}"

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def depends_on(self) -> set[str]:
        sql = _strip_comments(self.sql())
        return {f"{layer}.{name}" for layer, name in _REFERENCE.findall(sql)}


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def discover() -> dict[str, Model]:
    models = {}
    for layer in LAYERS:
        for path in sorted((MODELS_ROOT / layer).glob("*.sql")):
            model = Model(layer, path.stem, path)
            models[model.table] = model
    return models


def build_order(models: dict[str, Model] | None = None) -> list[Model]:
    models = models or discover()
    graph = {}
    for table, model in models.items():
        unknown = model.depends_on() - models.keys()
        if unknown:
            raise ValueError(f"{model.path.name} refers to unknown models: {sorted(unknown)}")
        graph[table] = model.depends_on() - {table}
    return [models[t] for t in TopologicalSorter(graph).static_order()]


def reference_files() -> dict[str, Path]:
    """`reference.<name>` -> CSV; files in sub-folders are prefixed (programme/measures.csv ->
    programme_measures). `reports/` holds input files, which load through ingest instead."""
    files = {}
    for path in sorted(config.REFERENCE.rglob("*.csv")):
        parts = path.relative_to(config.REFERENCE).with_suffix("").parts
        if parts[0] == "reports":
            continue
        files["_".join(parts)] = path
    return files


def build(con: duckdb.DuckDBPyConnection, progress=None) -> dict[str, int]:
    """Rebuild every reference table and model; returns row counts of the marts."""
    order = build_order()
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS reference")
        for layer in LAYERS:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {layer}")
        for name, path in reference_files().items():
            con.execute(f"CREATE OR REPLACE TABLE reference.{name} AS "
                        "SELECT * FROM read_csv(?, header = true, all_varchar = true)",
                        [str(path)])
        for i, model in enumerate(order, 1):
            if progress:
                progress(f"  model {i}/{len(order)}: {model.table}")
            con.execute(f"CREATE OR REPLACE TABLE {model.table} AS\n{model.sql()}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {m.table: con.execute(f"SELECT count(*) FROM {m.table}").fetchone()[0]
            for m in order if m.layer == "marts"}
