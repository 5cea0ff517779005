"""The series of marts.association_forecasts and what a forecast at an origin may use.

A *series* is one unit (a region on today's units, or the Republic) x one confession family (or
ALL, the reports' totals): its reports as (date, count). At each *origin* (every date the series
reported) the forecast is made as it could have been made that day, from its **history**: the
series' reports up to the origin, after the last taxonomy break before it
(datasets/reference/taxonomy_changes.csv, `breaks`). A series is never fitted across a
reclassification, and never extrapolated across one either (a target date on or after the next
break's first possible day gets no forecast). The forecasts' targets are the next `HORIZONS`
reporting dates on the series' calendar (`grid_step`), else a year apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

HORIZONS = 2  # reporting dates ahead
STEPS = (12, 6, 3, 1)  # reporting steps in months a grid may have, longest first
DEFINITIONAL = ("reclassification", "counting rule", "merged")  # breaks; dropped/added are real


class NotForecast(Exception):
    """A candidate gives no forecast here; `status` is the short code, the text the reason."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


# --- taxonomy breaks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    change_id: str
    effective_from: date  # the change happened on a day within effective_from .. effective_by
    effective_by: date
    families: frozenset[str] | None  # the families it breaks; None = every family and ALL


def breaks(changes: Iterable[dict]) -> list[Break]:
    """The taxonomy changes that make counts before and after them incomparable.

    A reclassification ('*') and a change of counting rule break every series. A merge breaks
    the two families it moves codes between (a merge inside one family leaves the family's count
    and the total as they were); a dropped or added confession is a real change of the register
    (a liquidation, a registration), not a break."""
    found = []
    for c in changes:
        kind = c["change"]
        if kind not in DEFINITIONAL:
            continue
        if c["from_code"] == "*" or kind in ("reclassification", "counting rule"):
            families = None
        elif c["from_family"] and c["to_family"] and c["from_family"] != c["to_family"]:
            families = frozenset({c["from_family"], c["to_family"]})
        else:
            continue
        found.append(Break(c["change_id"], c["effective_from"], c["effective_by"], families))
    # changes in one window are one break (the 2012 re-registration is several rows)
    merged: dict[tuple[date, date], list[Break]] = {}
    for b in sorted(found, key=lambda b: (b.effective_from, b.effective_by, b.change_id)):
        merged.setdefault((b.effective_from, b.effective_by), []).append(b)
    return [Break("; ".join(b.change_id for b in group), start, end,
                  None if any(b.families is None for b in group)
                  else frozenset().union(*(b.families for b in group)))
            for (start, end), group in merged.items()]


def touches(b: Break, family: str) -> bool:
    return b.families is None or family in b.families


# --- a series and its history at an origin -----------------------------------------------------

@dataclass(frozen=True)
class Point:
    as_of: date
    value: float
    batches: str = ""


@dataclass(frozen=True)
class History:
    """The reports a forecast made at `origin` may use, and where they are on the calendar."""
    origin: date
    points: tuple[Point, ...]
    after_break: str | None  # the break the history starts after
    next_break: Break | None  # the first break the forecast may not cross
    step: int | None  # months between reporting dates on the series' grid; None = irregular
    status: str = "ok"
    reason: str = ""

    @property
    def n(self) -> int:
        return len(self.points)

    @property
    def values(self) -> np.ndarray:
        return np.array([p.value for p in self.points], dtype=float)

    def index(self) -> np.ndarray:
        """Grid positions of the reports (0 = the first), in steps."""
        first = self.points[0].as_of
        return np.array([months(first, p.as_of) // self.step for p in self.points])

    def years(self) -> np.ndarray:
        first = self.points[0].as_of
        return np.array([(p.as_of - first).days / 365.25 for p in self.points])

    @property
    def gaps(self) -> bool:
        return self.step is not None and self.n > 1 and bool(np.any(np.diff(self.index()) > 1))

    def truncated(self, size: int) -> History:
        """The history as it stood at its `size`-th report."""
        points = self.points[:size]
        return History(points[-1].as_of, points, self.after_break, self.next_break, self.step)

    def scale(self) -> float:
        """Mean absolute change per reporting step (per year on an irregular series): the
        in-sample error of the naive forecast, MASE's denominator."""
        y = self.values
        gap = np.diff(self.index()) if self.step else np.diff(self.years())
        return float(np.mean(np.abs(np.diff(y)) / gap)) if self.n > 1 else math.nan


def months(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def add_months(d: date, n: int) -> date:
    total = d.month - 1 + n
    return date(d.year + total // 12, total % 12 + 1, d.day)


def grid_step(dates: Sequence[date]) -> int | None:
    """Months between reporting dates when every date falls on one grid (the same day of the
    month, a whole number of steps apart); None for irregular dates."""
    if len(dates) < 2:
        return STEPS[0]
    if len({d.day for d in dates}) != 1:
        return None
    apart = [months(dates[0], d) for d in dates[1:]]
    return next((s for s in STEPS if all(a % s == 0 for a in apart)), None)


def history(points: Sequence[Point], family: str, origin: date,
            known_breaks: Sequence[Break]) -> History:
    """The series' reports usable for a forecast at `origin` (a date it reported)."""
    mine = [b for b in known_breaks if touches(b, family)]
    before = [b for b in mine if b.effective_from <= origin]
    after = [b for b in mine if b.effective_by > origin]
    last = before[-1] if before else None
    upcoming = min(after, key=lambda b: b.effective_from) if after else None
    if last is not None and origin < last.effective_by:
        return History(origin, (), last.change_id, upcoming, None, "inside a taxonomy change",
                       f"reported while the taxonomy was changing ({last.change_id}, "
                       f"{last.effective_from} to {last.effective_by}): counts of this date "
                       "compare with neither side")
    start = last.effective_by if last else date.min
    usable = tuple(p for p in points if start <= p.as_of <= origin)
    return History(origin, usable, last.change_id if last else None, upcoming,
                   grid_step([p.as_of for p in usable]))


def targets(h: History) -> list[date]:
    """The next reporting dates after the origin: on the series' grid, else yearly."""
    step = h.step or 12
    return [add_months(h.origin, step * k) for k in range(1, HORIZONS + 1)]
