"""Models assembled from the input kinds' own pieces, so that a new kind adds its rows to a
shared model with a file of its own: `warehouse/staging/<kind>/_<name>.sql` is one SELECT of
the kind's part (its vocabulary labels, its reporting obligations), and the shared model is
their union. A piece is part of the model's code (`SOURCES`): changing one rebuilds it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ahual.warehouse import runner, store

VIEW = "kind_pieces"  # the union, as a temporary view the model's own query reads


def sources(name: str) -> tuple[Path, ...]:
    """Every kind's `_<name>.sql`, in kind order."""
    return tuple(sorted((store.MODELS / "staging").glob(f"*/_{name}.sql")))


def reads(paths: tuple[Path, ...]) -> tuple[str, ...]:
    """The tables the pieces read, from DuckDB's parse of each (as a SQL model's are)."""
    return tuple(sorted({table for path in paths
                         for table in runner.tables_read(path.read_text(encoding="utf-8"),
                                                         path.name)}))


def assembled(con: duckdb.DuckDBPyConnection, paths: tuple[Path, ...], query: str):
    """`query` (warehouse/queries/<query>.sql, reading the view kind_pieces) over the union of
    the pieces, by column name, as an Arrow table."""
    union = "\nunion all by name\n".join(
        f"select * from (\n{path.read_text(encoding='utf-8').strip().rstrip(';')}\n)"
        for path in paths)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {VIEW} AS\n{union}")
    try:
        return con.sql(store.query(query)).to_arrow_table()
    finally:
        con.execute(f"DROP VIEW {VIEW}")
