"""Who owes which report, due when, and what arrived: the reporting obligations as the
published warehouse holds them (marts.reporting_obligations), read by `completeness`,
`status`, the report and the notebooks alike. Which kinds are owed, and how their missing
reports are named, each kind declares (`Kind.owed`, flows/kinds/base.py).

A period given as none is the latest half-year whose reports were due and of which something
arrived: what the data holds, not the calendar.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta

from ahual.flows import resources, settings
from ahual.flows.kinds import kinds
from ahual.flows.periods import Period, last_closed
from ahual.flows.problems import UsageError
from ahual.warehouse import store


@dataclass
class Completeness:
    period: str
    due: date | None  # when the half-year's reports are due (None: nothing is owed)
    # kind -> (code, name) of each unit that owes a report not received once due
    missing: dict[str, list[tuple[str, str]]] = field(
        default_factory=lambda: {name: [] for name, k in kinds().items() if k.owed})
    late: list[dict] = field(default_factory=list)
    partial: list[dict] = field(default_factory=list)
    not_yet_due: bool = False

    @property
    def complete(self) -> bool:
        return not any(self.missing.values())

    def as_dict(self) -> dict:
        named = {f"{kinds()[kind].owed.key}_missing": [{"code": c, "name": n} for c, n in units]
                 for kind, units in self.missing.items()}
        return {"period": self.period,
                "registrations_due": self.due.isoformat() if self.due else None,
                "not_yet_due": self.not_yet_due, **named,
                "late": self.late, "partial": self.partial, "complete": self.complete}


def half_year(text: str | None, today: date | None = None) -> Period:
    """The half-year asked for, or the latest one the data holds that is due."""
    if text:
        period = Period.parse(text)
        if period.kind != "H":
            raise UsageError(f"reporting is half-yearly: write a half-year like 2008H2, not "
                             f"{period}")
        return period
    found = latest_due(today or date.today())
    return Period.parse(found) if found else last_closed("H", today)


def latest_due(today: date) -> str | None:
    home = settings.home()
    if not home.published_warehouse.exists():
        return None
    with store.Warehouse.of(home).read_published() as con:
        return store.one(con, store.query("latest_due_period"), {"today": today})[0]


def reporting_half_years() -> dict[str, date]:
    """The programme's reporting half-years and when the report to the Government is due
    (datasets/reference/programme/reporting_periods.csv)."""
    path = resources.reference() / "programme" / "reporting_periods.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["period"]: date.fromisoformat(row["government_report_by"])
                for row in csv.DictReader(handle)}


def due_date(period: Period) -> date:
    """Registration reports for a half-year count as of the day after it."""
    return period.end + timedelta(days=1)


def find(con, period: Period, today: date | None = None) -> Completeness:
    """What the obligations of `period` say: who has not reported (once due), late, partial."""
    today = today or date.today()
    first_due, _, owed = store.one(con, store.query("obligation_due"), {"period": str(period)})
    found = Completeness(str(period), first_due)
    if not owed:
        return found
    found.not_yet_due = first_due > today
    rows = con.sql(store.query("obligations_of_period"), params={"period": str(period)}).fetchall()
    for (kind, _, code, name, _, _, due, _, _, status, days_late, reason) in rows:
        if status == "not received" and due <= today:
            found.missing[kind].append((code, name))
        elif status == "late":
            found.late.append({"kind": kind, "code": code, "name": name, "days_late": days_late})
        elif status == "partial":
            found.partial.append({"kind": kind, "code": code, "name": name, "why": reason})
    return found


def missing_registrations(con, period: Period) -> list[tuple[str, str]]:
    return find(con, period).missing["registrations"]
