"""Reporting periods: quarters for snapshots (2008Q4) and half-years for reports (2008H2).

Regions report to the Ministry of Justice by 10 January and 10 July on the half-year just
ended; the Ministry reports to the Government by 20 January and 20 July (Resolution No. 1185).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ahual.flows.problems import UsageError


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "Q" (quarter) or "H" (half-year)
    number: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = re.fullmatch(r"\s*(\d{4})\s*([QqHh])\s*([1-4])\s*", text or "")
        if not match or (match[2].upper() == "H" and int(match[3]) > 2):
            raise UsageError(f"«{text}» is not a period: write a quarter like 2008Q4 or a "
                             "half-year like 2008H2")
        return cls(int(match[1]), match[2].upper(), int(match[3]))

    @property
    def months(self) -> int:
        return 3 if self.kind == "Q" else 6

    @property
    def start(self) -> date:
        return date(self.year, (self.number - 1) * self.months + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        return self.next().start - timedelta(days=1)

    def next(self) -> Period:
        last = 12 // self.months
        if self.number == last:
            return Period(self.year + 1, self.kind, 1)
        return Period(self.year, self.kind, self.number + 1)

    def is_closed(self, today: date) -> bool:
        return today > self.end

    def __str__(self) -> str:
        return f"{self.year}{self.kind}{self.number}"


def containing(day: date, kind: str) -> Period:
    months = 3 if kind == "Q" else 6
    return Period(day.year, kind, (day.month - 1) // months + 1)


def last_closed(kind: str, today: date | None = None) -> Period:
    """The most recent quarter ("Q") or half-year ("H") that has ended before `today`."""
    today = today or date.today()
    current = containing(today, kind)
    return containing(current.start - timedelta(days=1), kind)
