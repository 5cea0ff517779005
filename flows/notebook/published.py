"""The published warehouse as a notebook reads it: each `query` opens the published copy
read-only, fetches through Arrow and closes it again, so a notebook left running never blocks a
scheduled load (loads write elsewhere and publish by renaming, see warehouse/store.py). The
warehouse is AHUAL_HOME's, else the per-user default that `ahual demo` uses, wherever Jupyter
was started.
"""

from __future__ import annotations

import os

import pandas as pd
import pyarrow as pa

from ahual.flows import settings
from ahual.warehouse import store


def home() -> settings.Home:
    """The home a notebook reads: AHUAL_HOME when set; else the analyst's default home, or,
    when that holds no warehouse yet, the demo's (whose figures every notebook marks as made
    up)."""
    chosen = settings.home()
    if os.environ.get("AHUAL_HOME") or chosen.published_warehouse.exists():
        return chosen
    demo = settings.Home(settings.default_demo_home())
    return demo if demo.published_warehouse.exists() else chosen


def warehouse() -> store.Warehouse:
    found = home()
    return store.Warehouse.of(found)


def query(sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Run one read-only query on the published warehouse and return a pandas frame. A sum of
    whole numbers (DuckDB's HUGEINT or DECIMAL(_, 0)) comes back as integers, other decimals as
    floats, not as Python Decimal objects."""
    with warehouse().read_published() as con:
        table = con.sql(sql, params=params).to_arrow_table()
    for index, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):
            column = table.column(index)
            try:  # a safe cast: a whole number beyond int64 raises, and becomes a float
                column = column.cast(pa.int64() if field.type.scale == 0 else pa.float64())
            except pa.ArrowInvalid:
                column = column.cast(pa.float64())
            table = table.set_column(index, field.name, column)
    return table.to_pandas()


def mart(name: str) -> pd.DataFrame:
    """A whole mart, e.g. `mart("association_growth")`."""
    if not name.isidentifier():
        raise ValueError(f"not a mart name: {name!r}")
    return query(f"SELECT * FROM marts.{name}")
