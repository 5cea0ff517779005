"""The monitoring index of the latest round by region (marts.monitoring_index).
"""

from __future__ import annotations

from dataclasses import dataclass

from ahual.flows.report.data import ReportData, as_int, as_number, as_text, records

INDEX_BANDS = ("very high", "high", "moderate", "low")


@dataclass(frozen=True)
class IndexScore:
    """A region's monitoring index in a round (marts.monitoring_index)."""
    round: int | None
    region: str
    value: float | None  # 0-10; None: the region sent no sheet (or no item could be scored)
    band: str  # INDEX_BANDS, or "" without an index
    scored: int | None
    total: int | None
    status: str  # complete | partial | not reported
    change: float | None  # on the region's previous round


def monitoring_index(data: ReportData) -> list[IndexScore]:
    """The latest round's index by region, highest first (regions without one last)."""
    rows = [IndexScore(as_int(r.get("round")), as_text(r.get("region_code")),
                       as_number(r.get("index_value")), as_text(r.get("band")),
                       as_int(r.get("items_scored")), as_int(r.get("items_total")),
                       as_text(r.get("status")), as_number(r.get("change_vs_previous")))
            for r in records(data.monitoring_index)]
    return sorted(rows, key=lambda r: (r.value is None, -(r.value or 0.0), r.region))


def index_round(rows: list[IndexScore]) -> int | None:
    rounds = [r.round for r in rows if r.round is not None]
    return max(rounds) if rounds else None
