"""Who has not reported: checked on 10 January and 10 July for the half-year just ended.

Regions owe a registration report, agencies responsible for programme measures a progress
report (marts.progress_completeness). A registration report for a half-year is the count as
of the first day after it (as of 1 January for the second half, 1 July for the first).
Regions are those in force on that day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ahual import settings
from ahual.console import say
from ahual.periods import Period, last_closed
from ahual.problems import UsageError
from ahual.warehouse import store


@dataclass
class Completeness:
    period: str
    due: date
    regions: list[tuple[str, str]] = field(default_factory=list)  # (code, name) not reported
    agencies: list[tuple[str, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.regions and not self.agencies

    def as_dict(self) -> dict:
        return {"period": self.period, "registrations_due": self.due.isoformat(),
                "regions_missing": [{"code": c, "name": n} for c, n in self.regions],
                "agencies_missing": [{"code": c, "name": n} for c, n in self.agencies],
                "complete": self.complete}


def half_year(text: str | None) -> Period:
    period = Period.parse(text) if text else last_closed("H")
    if period.kind != "H":
        raise UsageError(f"reporting is half-yearly: write a half-year like 2008H2, not {period}")
    return period


def due_date(period: Period) -> date:
    """Registration reports for a half-year count as of the day after it."""
    return period.end + timedelta(days=1)


def missing_registrations(con, period: Period) -> list[tuple[str, str]]:
    rows = con.sql(store.query("missing_registrations"),
                   params={"due": due_date(period)}).fetchall()
    return [(r[0], r[1]) for r in rows]


def missing_agencies(con, period: Period) -> list[tuple[str, str]]:
    return con.sql(store.query("missing_agencies"), params={"period": str(period)}).fetchall()


def check(period_text: str | None) -> Completeness:
    half = half_year(period_text)
    home = settings.home()
    wh = store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)
    with wh.read_published() as con:
        found = Completeness(str(half), due_date(half), missing_registrations(con, half),
                             missing_agencies(con, half))
    regions = [f"{c} {n}" for c, n in found.regions]
    say(f"{half}: registration reports as of {found.due}: "
        + (f"{len(regions)} region(s) missing: {', '.join(regions)}" if regions else "all in"))
    agencies = [f"{c} {n}" for c, n in found.agencies]
    say(f"{half}: progress reports: "
        + (f"{len(agencies)} agency(ies) missing: {', '.join(agencies)}" if agencies
           else "all in (or none expected)"))
    return found


def artifacts(found: Completeness) -> None:
    """Artifacts of the run, and an event per region that has not reported (the automation
    ahual-region-not-reported, flows/ops/automations.py, fires on them)."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from ahual.ops.automations import emit_not_reported

    emit_not_reported(found.period, found.due.isoformat(), found.regions)
    create_table_artifact(key="missing-registration-reports",
                          table=[{"region_code": c, "region": n} for c, n in found.regions]
                          or [{"region_code": "", "region": "none missing"}],
                          description=f"Regions without a registration report as of "
                                      f"{found.due}")
    lines = [f"## Completeness {found.period}", "",
             (f"Registration reports as of {found.due}: **{len(found.regions)}** region(s) "
              "missing."), *[f"- {c} {n}" for c, n in found.regions], "",
             f"Progress reports: **{len(found.agencies)}** agency(ies) missing.",
             *[f"- {c} {n}" for c, n in found.agencies]]
    create_markdown_artifact(key="completeness-summary", markdown="\n".join(lines),
                             description=f"Who has not reported for {found.period}")
