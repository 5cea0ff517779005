"""`ahual completeness`: who has not reported, checked on 10 January and 10 July for the
half-year just ended (the obligations themselves: flows/obligations.py), said to the analyst and
left as the run's artifacts."""

from __future__ import annotations

from ahual.flows import settings
from ahual.flows.console import say
from ahual.flows.kinds import kinds
from ahual.flows.obligations import Completeness, due_date, find, half_year
from ahual.flows.ops.automations import emit_not_reported
from ahual.flows.periods import Period
from ahual.warehouse import store


def check(period_text: str | None) -> Completeness:
    half = half_year(period_text)
    home = settings.home()
    if not home.published_warehouse.exists():
        say(f"{half}: nothing is loaded yet, so nobody can be checked")
        return Completeness(str(half), None)
    with store.Warehouse.of(home).read_published() as con:
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
    for kind, missing in found.missing.items():
        owed = kinds()[kind].owed
        names = [f"{c} {n}" for c, n in missing]
        say(f"{found.period}: {owed.title.format(as_of=as_of)}: "
            + (f"{len(names)} {owed.who} missing: {', '.join(names)}" if names else "all in"))
    for item in found.late:
        say(f"{found.period}: late: {item['kind']} of {item['name']} ({item['days_late']} "
            "days after the due date)")
    for item in found.partial:
        say(f"{found.period}: partial: {item['kind']} of {item['name']} ({item['why']})")


def artifacts(found: Completeness) -> None:
    """Artifacts of the run, and an event per region that has not reported (the automation
    ahual-region-not-reported, flows/ops/automations.py, fires on them)."""
    # Prefect's import (~3 s): only the scheduled flow pays it, never `ahual completeness`
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    due = found.due.isoformat() if found.due else ""
    regions = found.missing.get("registrations", [])  # the automation's event is per region
    emit_not_reported(found.period, due, regions)
    create_table_artifact(key="missing-registration-reports",
                          table=[{"region_code": c, "region": n} for c, n in regions]
                          or [{"region_code": "", "region": "none missing"}],
                          description=f"Regions without a registration report due {due}")
    lines = [f"## Completeness {found.period}", ""]
    for kind, missing in found.missing.items():
        owed = kinds()[kind].owed
        title = owed.title.format(as_of=due).capitalize()
        lines += [f"{title}: **{len(missing)}** {owed.who} missing.",
                  *[f"- {c} {n}" for c, n in missing], ""]
    lines += [f"Late: {len(found.late)}; partial: {len(found.partial)}.",
              *[f"- late: {i['kind']} of {i['name']}, {i['days_late']} days"
                for i in found.late],
              *[f"- partial: {i['kind']} of {i['name']} ({i['why']})" for i in found.partial]]
    create_markdown_artifact(key="completeness-summary", markdown="\n".join(lines),
                             description=f"Who has not reported for {found.period}")
