"""Registered religious associations in the report: by region and confession family on the
period's reporting date (as of 1 January or 1 July, the day after the half-year), the change
since the previous complete date, the rate per 100,000 inhabitants, and the coverage.

Coverage is part of every figure (marts.registration_coverage): a date has a national figure
only when a national report was loaded for it or every region in force reported. Otherwise it
is partial: the section names the regions that did not report and shows no national row, never
a smaller sum. When nothing has arrived for the reporting date yet, the section says so and
shows the latest complete date before it instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from ahual.flows.report.data import ReportData, as_date, as_int, as_number, as_text, codes, records

NATIONAL = "00"  # the Republic as a whole (regions.csv)
TOTAL = "ALL"


@dataclass(frozen=True)
class Coverage:
    """Who reported for a date (marts.registration_coverage)."""
    as_of: date
    expected: int  # regions in force on the date
    reported: int
    missing: tuple[str, ...]  # KATO codes of the regions that did not report
    complete: bool  # the date has a national figure
    source: str  # national report | all regions | "" (no national figure)

    @property
    def partial(self) -> bool:
        return not self.complete


def coverage(frame: pd.DataFrame | None) -> dict[date, Coverage]:
    return {as_date(r.get("as_of")): Coverage(
        as_date(r.get("as_of")), as_int(r.get("units_expected")) or 0,
        as_int(r.get("units_reported")) or 0, codes(r.get("missing_units")),
        bool(r.get("complete")), as_text(r.get("national_source")))
        for r in records(frame)}


def reporting_date(period_end: date) -> date:
    """The registration counts a half-year's report shows are as of the day after it."""
    return period_end + timedelta(days=1)


def dates(frame: pd.DataFrame | None, reporting: date) -> tuple[date | None, date | None]:
    """(the date the section shows, the previous complete date before it). The shown date is
    the reporting date when anything (a region's report or a national one) has arrived for it,
    else the latest complete date before it; None when there is neither."""
    known = coverage(frame)
    complete = sorted(day for day, c in known.items() if c.complete)
    shown = reporting if reporting in known else \
        next((day for day in reversed(complete) if day < reporting), None)
    if shown is None:
        return None, None
    previous = next((day for day in reversed(complete) if day < shown), None)
    return shown, previous


@dataclass(frozen=True)
class Row:
    """A region (or the Republic, `NATIONAL`) on the shown date."""
    region: str
    total: float | None  # every registered association of the region (its reported total)
    before: float | None  # the same on the previous complete date
    families: tuple[float | None, ...]  # by `Registrations.families`
    population: float | None
    rate: float | None  # associations per 100,000 inhabitants
    family_rates: tuple[float | None, ...]
    reported: bool = True  # False: a region in force that sent no report for the date

    @property
    def change(self) -> float | None:
        if self.total is None or self.before is None:
            return None
        return self.total - self.before

    @property
    def change_share(self) -> float | None:
        change = self.change
        return None if change is None or not self.before else change / self.before


@dataclass(frozen=True)
class Registrations:
    reporting: date  # the period's reporting date
    shown: Coverage  # the date the figures are as of, with who reported for it
    previous: Coverage | None  # the previous complete date (the change is against it)
    families: tuple[str, ...]  # family codes, the most associations first
    regions: tuple[Row, ...]  # the regions that reported (KATO order), then the silent ones
    national: Row | None  # only on a complete date

    @property
    def arrived(self) -> bool:
        """Something has arrived for the reporting date itself."""
        return self.shown.as_of == self.reporting


def registrations(data: ReportData) -> Registrations | None:
    """The section's figures; None when no registration report exists up to the reporting
    date (the section is then left out)."""
    reporting = reporting_date(data.period_end)
    known = coverage(data.registration_coverage)
    shown_date, previous_date = dates(data.registration_coverage, reporting)
    if shown_date is None:
        return None
    cells: dict[tuple[date, str, str], dict] = {}
    for r in records(data.registrations):
        cells[(as_date(r.get("as_of")), as_text(r.get("region_code")),
               as_text(r.get("confession_code")))] = r
    on_shown = {(region, conf): r for (day, region, conf), r in cells.items()
                if day == shown_date}
    totals: dict[str, float] = {}
    for (region, conf), r in on_shown.items():
        if conf != TOTAL and region != NATIONAL:
            totals[conf] = totals.get(conf, 0.0) + (as_number(r.get("associations")) or 0.0)
    families = tuple(sorted(totals, key=lambda f: (-totals[f], f)))

    def value(day, region, conf, key):
        return as_number((cells.get((day, region, conf)) or {}).get(key))

    def row(region: str) -> Row:
        return Row(region, value(shown_date, region, TOTAL, "associations"),
                   value(previous_date, region, TOTAL, "associations"),
                   tuple(value(shown_date, region, f, "associations") for f in families),
                   value(shown_date, region, TOTAL, "population"),
                   value(shown_date, region, TOTAL, "per_100k"),
                   tuple(value(shown_date, region, f, "per_100k") for f in families))

    shown = known[shown_date]
    reported = sorted({region for region, _ in on_shown if region != NATIONAL})
    silent = [Row(code, None, None, (None,) * len(families), None, None,
                  (None,) * len(families), reported=False)
              for code in shown.missing if code not in reported]
    national = row(NATIONAL) if shown.complete and (NATIONAL, TOTAL) in on_shown else None
    return Registrations(reporting, shown, known.get(previous_date) if previous_date else None,
                         families, tuple(row(code) for code in reported) + tuple(silent),
                         national)


def partial_origins(data: ReportData, origins) -> dict[date, Coverage]:
    """Of the given dates (the national forecasts' origins), those without a national figure:
    the report shows the coverage there instead of a number. A date the coverage mart does not
    know is not judged here."""
    known = coverage(data.registration_coverage)
    return {day: known[day] for day in origins if day in known and known[day].partial}
