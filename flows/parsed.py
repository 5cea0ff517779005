"""What an input kind's parser hands to the gate: rows per raw table, and what checks them."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Parsed:
    tables: dict[str, pd.DataFrame]  # raw table name -> rows to insert (columns by name)
    checks: list[tuple[str, pd.DataFrame]] = field(default_factory=list)  # (GX suite, frame)

    @property
    def rows(self) -> int:
        return sum(len(frame) for frame in self.tables.values())
