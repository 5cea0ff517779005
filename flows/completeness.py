"""Who has not reported: checked on 10 January and 10 July for the half-year just ended.

Regions owe a registration report, agencies responsible for programme measures a progress
report (marts.progress_completeness). A registration report for a half-year is the count as
of the first day after it (as of 1 January for the second half, 1 July for the first).
Regions are those in force on that day.
"""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from flows.periods import Period, last_closed
from flows.progress import say
from warehouse import store

MISSING_REGISTRATIONS_SQL = """
SELECT regions.region_code, regions.region_name_en
FROM staging.stg_regions AS regions
WHERE regions.region_level <> 'national'
  AND regions.valid_from <= $due AND (regions.valid_to IS NULL OR regions.valid_to > $due)
  AND regions.region_code NOT IN (
      SELECT region_code FROM core.registration_reports WHERE as_of = $due AND is_current)
ORDER BY regions.region_code
"""


MISSING_AGENCIES_SQL = """
SELECT agency_code, name_en FROM marts.progress_completeness
WHERE period = $period AND status = 'not reported' ORDER BY agency_code
"""


def missing_agencies(period: Period) -> list[tuple[str, str]]:
    """Agencies responsible for measures without a progress report for a programme half-year
    (none expected outside 2007H2-2009H2)."""
    with store.read_published() as con:
        return con.execute(MISSING_AGENCIES_SQL, {"period": str(period)}).fetchall()


def missing_registrations(period: Period) -> tuple[date, list[tuple[str, str]]]:
    due = period.end.fromordinal(period.end.toordinal() + 1)
    with store.read_published() as con:
        return due, con.execute(MISSING_REGISTRATIONS_SQL, {"due": due}).fetchall()


@flow(name="completeness-check")
def completeness_check(period: str | None = None) -> dict[str, list[str]]:
    """List the regions whose report for the half-year has not arrived (default: the last
    closed half-year)."""
    half = Period.parse(period) if period else last_closed("H")
    if half.kind != "H":
        raise ValueError(f"reporting is half-yearly: write a half-year like 2008H2, not {half}")
    due, missing = missing_registrations(half)
    lines = [f"{code} {name}" for code, name in missing]
    say(f"{half}: registration reports as of {due}: "
        + (f"{len(missing)} region(s) missing: {', '.join(lines)}" if missing else "all in"))
    agencies = [f"{code} {name}" for code, name in missing_agencies(half)]
    say(f"{half}: progress reports: "
        + (f"{len(agencies)} agency(ies) missing: {', '.join(agencies)}" if agencies
           else "all in (or none expected)"))
    create_table_artifact(key="missing-registration-reports",
                          table=[{"region_code": c, "region": n} for c, n in missing]
                          or [{"region_code": "", "region": "none missing"}],
                          description=f"Regions without a registration report as of {due}")
    create_markdown_artifact(key="completeness-summary", markdown=(
        f"## Completeness {half}\n\nRegistration reports as of {due}: "
        f"**{len(missing)}** region(s) missing." + ("".join(f"\n- {x}" for x in lines))
        + f"\n\nProgress reports: **{len(agencies)}** agency(ies) missing."
        + "".join(f"\n- {x}" for x in agencies)))
    return {"registrations": lines, "progress": agencies}
