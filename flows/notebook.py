"""What notebooks import: read the published warehouse without ever holding it open.

Each call opens the published copy read-only, fetches through Arrow and closes it again, so a
notebook left running never blocks a scheduled load (loads write elsewhere and publish by
renaming, see warehouse/store.py). The warehouse is AHUAL_HOME's, else the per-user default
that `ahual demo` uses, wherever Jupyter was started.
"""

from __future__ import annotations

import pandas as pd

from ahual import settings
from ahual.warehouse import store


def warehouse() -> store.Warehouse:
    home = settings.home()
    return store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)


def query(sql: str, params: list | dict | None = None) -> pd.DataFrame:
    """Run one read-only query on the published warehouse and return a pandas frame."""
    with warehouse().read_published() as con:
        return con.sql(sql, params=params).to_arrow_table().to_pandas()


def mart(name: str) -> pd.DataFrame:
    """A whole mart, e.g. `mart("association_growth")`."""
    if not name.isidentifier():
        raise ValueError(f"not a mart name: {name!r}")
    return query(f"SELECT * FROM marts.{name}")
