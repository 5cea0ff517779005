"""Who has not reported: checked on 10 January and 10 July for the half-year just ended.

Everything here reads marts.reporting_obligations (who owes which report, due when, and what
arrived: on time, late, partial or not received), the one table `status`, the report and the
notebooks read too. A period given as none is the latest half-year whose reports were due and
of which something arrived: what the data holds, not the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ahual import resources, settings
from ahual.console import say
from ahual.periods import Period, last_closed
from ahual.problems import UsageError
from ahual.warehouse import store


@dataclass
class Completeness:
    period: str
    due: date | None  # when the half-year's reports are due (None: nothing is owed)
    regions: list[tuple[str, str]] = field(default_factory=list)  # registration reports
    agencies: list[tuple[str, str]] = field(default_factory=list)  # progress reports
    monitoring: list[tuple[str, str]] = field(default_factory=list)  # monitoring sheets
    late: list[dict] = field(default_factory=list)
    partial: list[dict] = field(default_factory=list)
    not_yet_due: bool = False

    @property
    def complete(self) -> bool:
        return not self.regions and not self.agencies and not self.monitoring

    def as_dict(self) -> dict:
        def named(pairs):
            return [{"code": c, "name": n} for c, n in pairs]

        return {"period": self.period,
                "registrations_due": self.due.isoformat() if self.due else None,
                "not_yet_due": self.not_yet_due,
                "regions_missing": named(self.regions),
                "agencies_missing": named(self.agencies),
                "monitoring_missing": named(self.monitoring),
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
    with _warehouse(home).read_published() as con:
        return store.one(con, store.query("latest_due_period"), {"today": today})[0]


def reporting_half_years() -> dict[str, date]:
    """The programme's reporting half-years and when the report to the Government is due
    (datasets/reference/programme/reporting_periods.csv)."""
    import csv

    path = resources.reference() / "programme" / "reporting_periods.csv"
    with path.open(encoding="utf-8") as handle:
        return {row["period"]: date.fromisoformat(row["government_report_by"])
                for row in csv.DictReader(handle)}


def due_date(period: Period) -> date:
    """Registration reports for a half-year count as of the day after it."""
    return period.end + timedelta(days=1)


def _warehouse(home) -> store.Warehouse:
    return store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)


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
            {"registrations": found.regions, "progress": found.agencies,
             "monitoring": found.monitoring}[kind].append((code, name))
        elif status == "late":
            found.late.append({"kind": kind, "code": code, "name": name, "days_late": days_late})
        elif status == "partial":
            found.partial.append({"kind": kind, "code": code, "name": name, "why": reason})
    return found


def missing_registrations(con, period: Period) -> list[tuple[str, str]]:
    return find(con, period).regions


def check(period_text: str | None) -> Completeness:
    half = half_year(period_text)
    home = settings.home()
    if not home.published_warehouse.exists():
        say(f"{half}: nothing is loaded yet, so nobody can be checked")
        return Completeness(str(half), None)
    with _warehouse(home).read_published() as con:
        found = find(con, half)
    say_found(found)
    return found


def say_found(found: Completeness) -> None:
    if found.due is None:
        say(f"{found.period}: no report is owed for this half-year (the programme's "
            "reporting half-years are 2007H2-2009H2)")
        return
    if found.not_yet_due:
        say(f"{found.period}: nothing is due yet (reports are due by {found.due})")
        return
    as_of = due_date(Period.parse(found.period))
    for title, missing, who in ((f"registration reports as of {as_of}", found.regions,
                                 "region(s)"),
                                ("progress reports", found.agencies, "agency(ies)"),
                                ("monitoring sheets", found.monitoring, "region(s)")):
        names = [f"{c} {n}" for c, n in missing]
        say(f"{found.period}: {title}: "
            + (f"{len(names)} {who} missing: {', '.join(names)}" if names else "all in"))
    for item in found.late:
        say(f"{found.period}: late: {item['kind']} of {item['name']} ({item['days_late']} "
            "days after the due date)")
    for item in found.partial:
        say(f"{found.period}: partial: {item['kind']} of {item['name']} ({item['why']})")


def artifacts(found: Completeness) -> None:
    """Artifacts of the run, and an event per region that has not reported (the automation
    ahual-region-not-reported, flows/ops/automations.py, fires on them)."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from ahual.ops.automations import emit_not_reported

    due = found.due.isoformat() if found.due else ""
    emit_not_reported(found.period, due, found.regions)
    create_table_artifact(key="missing-registration-reports",
                          table=[{"region_code": c, "region": n} for c, n in found.regions]
                          or [{"region_code": "", "region": "none missing"}],
                          description=f"Regions without a registration report due {due}")
    lines = [f"## Completeness {found.period}", "",
             f"Registration reports (due {due}): **{len(found.regions)}** region(s) missing.",
             *[f"- {c} {n}" for c, n in found.regions], "",
             f"Progress reports: **{len(found.agencies)}** agency(ies) missing.",
             *[f"- {c} {n}" for c, n in found.agencies], "",
             f"Monitoring sheets: **{len(found.monitoring)}** region(s) missing.",
             *[f"- {c} {n}" for c, n in found.monitoring], "",
             f"Late: {len(found.late)}; partial: {len(found.partial)}.",
             *[f"- late: {i['kind']} of {i['name']}, {i['days_late']} days" for i in found.late],
             *[f"- partial: {i['kind']} of {i['name']} ({i['why']})" for i in found.partial]]
    create_markdown_artifact(key="completeness-summary", markdown="\n".join(lines),
                             description=f"Who has not reported for {found.period}")
