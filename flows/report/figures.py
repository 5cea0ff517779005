"""The report's business figures, from a ReportData and in no language: the key figures of the
summary, the measures grouped by section with their deadlines and outputs, the scorecard, the
budget by year and by measure, the monitoring highlights and who has not reported. The HTML
page and the workbook show the same figures, each in its language (names.py, language.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ahual.report.data import (
    ReportData,
    as_date,
    as_int,
    as_number,
    as_text,
    codes,
    records,
)

MEASURE_STATUSES = ("done", "in progress", "not started", "not reported")
TARGET_STATUSES = ("achieved", "on track", "behind", "not started")
FUNDING_KINDS = ("amount", "not_required", "state_order", "none")
ACHIEVED_FROM = ("studies", "monitoring", "progress")  # targets.csv `achieved_from`
TOTAL = "total"


# --- deadlines ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """A measure's deadline as the plan states it, to be worded in any language.

    kind: half_yearly (every year by 20 January and 20 July), yearly (by 20 January), quarterly
    (every quarter of year..year_to), quarter, quarter_unknown (measure 23: the plan prints no
    quarter), month, date, or printed (a wording not recognised: shown as the plan prints it).
    """
    kind: str
    year: int | None = None
    year_to: int | None = None
    quarter: int | None = None
    month: int | None = None
    day: int | None = None
    printed: str = ""  # the plan's Kazakh wording


KK_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан")
_DEADLINES = (
    ("half_yearly", r"жыл сайын 20 қаңтарға және 20 шілде(ге|де)"),
    ("yearly", r"жыл сайын 20 қаңтарға"),
    ("quarterly", r"(?P<year>\d{4})\s*-\s*(?P<year_to>\d{4}) жылдар(ы)? тоқсан сайын"),
    ("quarter", r"(?P<year>\d{4}) жылдың (?P<roman>I{1,3}|IV) тоқсаны"),
    ("quarter_unknown", r"(?P<year>\d{4}) жылдың тоқсаны"),
    ("date", r"(?P<year>\d{4}) жылғы (?P<day>\d{1,2}) (?P<month>\w+)"),
    ("month", r"(?P<year>\d{4}) жылғы (?P<month>\w+)"),
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def deadline(printed_kk: str) -> Deadline:
    """Read the plan's Kazakh deadline («2008 жылдың I тоқсаны», «Жыл сайын 20 қаңтарға және 20
    шілдеге») into a Deadline; anything else stays `printed`."""
    text = " ".join(printed_kk.split())
    for kind, pattern in _DEADLINES:
        match = re.fullmatch(pattern, text, flags=re.IGNORECASE)
        if not match:
            continue
        found = match.groupdict()
        month = found.get("month")
        if month is not None:
            if month.lower() not in KK_MONTHS:
                continue
            month = KK_MONTHS.index(month.lower()) + 1
        return Deadline(kind, year=int(found["year"]) if found.get("year") else None,
                        year_to=int(found["year_to"]) if found.get("year_to") else None,
                        quarter=_ROMAN.get(found.get("roman") or ""), month=month,
                        day=int(found["day"]) if found.get("day") else None, printed=text)
    return Deadline("printed", printed=text)


# --- measures ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Measure:
    no: int
    section: str
    agencies: tuple[str, ...]  # responsible, the plan's order
    due: date | None
    deadline: Deadline
    status: str  # done | in progress | not started | not reported (to date)
    silent: tuple[str, ...]  # responsible agencies with no report for the period (when some did)
    outputs: tuple[tuple[str, float], ...]  # (output kind, quantity) delivered in the period
    planned: float | None  # the period's year, mln tenge
    spent: float | None  # in the period, mln tenge
    overdue: bool
    days_late: int | None  # at the end of the period, when overdue


@dataclass(frozen=True)
class Section:
    section: str
    measures: tuple[Measure, ...]

    @property
    def done(self) -> int:
        return sum(m.status == "done" for m in self.measures)


def natural(section: str) -> list[tuple]:
    """Sort key so that section 5.10 comes after 5.9."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"[.\s]+", section)]


def measures(data: ReportData) -> list[Measure]:
    # outputs in the contract's order (conferences by level, then bulletins, literature, ...)
    order = {as_text(r.get("output_kind")): i for i, r in enumerate(records(data.output_kinds))}
    delivered: dict[int, list[tuple[str, float]]] = {}
    for row in records(data.outputs):
        quantity = as_number(row.get("quantity"))
        if quantity:
            delivered.setdefault(as_int(row.get("measure_no")), []).append(
                (as_text(row.get("output_kind")), quantity))
    rows = []
    for row in records(data.progress):
        no = as_int(row.get("measure_no")) or 0
        agencies, reported = codes(row.get("agencies")), codes(row.get("reported_by"))
        status = as_text(row.get("status")) or "not reported"
        due = as_date(row.get("due_date"))
        overdue = bool(row.get("overdue"))
        silent = tuple(a for a in agencies if a not in reported) \
            if reported and status != "done" else ()
        rows.append(Measure(
            no=no, section=as_text(row.get("section")), agencies=agencies, due=due,
            deadline=deadline(as_text(row.get("deadline_text_kk"))), status=status,
            silent=silent,
            outputs=tuple(sorted(delivered.get(no, []), key=lambda o: (order.get(o[0], 99), o))),
            planned=as_number(row.get("planned_mln_tenge")),
            spent=as_number(row.get("spent_mln_tenge")), overdue=overdue,
            days_late=days_late(due, data.period_end) if overdue else None))
    return sorted(rows, key=lambda m: (natural(m.section), m.no))


def days_late(due: date | None, period_end: date) -> int | None:
    return (period_end - due).days if due and due < period_end else None


def sections(rows: list[Measure]) -> list[Section]:
    grouped: dict[str, list[Measure]] = {}
    for measure in rows:
        grouped.setdefault(measure.section, []).append(measure)
    return [Section(name, tuple(group)) for name, group in grouped.items()]


def overdue(rows: list[Measure]) -> list[Measure]:
    return [m for m in sorted(rows, key=lambda m: m.no) if m.overdue]


# --- targets -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    code: str
    unit: str
    planned: float | None
    achieved: float | None
    status: str

    @property
    def share(self) -> float | None:
        if self.achieved is None or not self.planned:
            return None
        return self.achieved / self.planned

    @property
    def bar(self) -> float:
        """The share drawn in the progress bar, within 0..1."""
        return min(max(self.share or 0.0, 0.0), 1.0)


def scorecard(data: ReportData) -> list[Target]:
    """The targets in the programme's order: the studies, the monitoring rounds, then what the
    progress reports count, in the contract's order of outputs (conferences by level, bulletin,
    literature, films and clips, outreach groups)."""
    outputs = [as_text(r.get("output_kind")) for r in records(data.output_kinds)]
    source = {as_text(r.get("target_code")): as_text(r.get("achieved_from"))
              for r in records(data.targets)}

    def order(target: Target) -> tuple:
        kind, _, output = source.get(target.code, "").partition(":")
        place = outputs.index(output) if output in outputs else len(outputs)
        return (ACHIEVED_FROM.index(kind) if kind in ACHIEVED_FROM else 3, place, target.code)

    rows = [Target(as_text(r.get("target_code")), as_text(r.get("unit")),
                   as_number(r.get("planned")), as_number(r.get("achieved")),
                   as_text(r.get("status")) or "not started")
            for r in records(data.scorecard)]
    return sorted(rows, key=order)


# --- budget ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BudgetYear:
    year: str  # "2007" .. "2009" or "total"
    planned: float | None  # sum of the measures' lines
    printed: float | None  # as the programme prints it
    spent: float | None

    @property
    def is_total(self) -> bool:
        return self.year.lower() == TOTAL

    @property
    def differs(self) -> bool:
        """The lines do not add to the printed figure (beyond its one printed decimal)."""
        return (self.planned is not None and self.printed is not None
                and abs(self.planned - self.printed) >= 0.05)


@dataclass(frozen=True)
class Funding:
    kind: str  # amount | not_required | state_order | none
    planned: float | None
    spent: float | None


@dataclass(frozen=True)
class BudgetLine:
    no: int
    years: tuple[Funding | None, ...]  # one per year of `budget_by_measure`'s years


def budget_years(data: ReportData) -> list[BudgetYear]:
    """The years, then the total (computed from the years when the warehouse gives none)."""
    rows = [BudgetYear(as_text(r.get("year")), as_number(r.get("planned_mln_tenge")),
                       as_number(r.get("printed_mln_tenge")), as_number(r.get("spent_mln_tenge")))
            for r in records(data.budget_totals)]
    years = sorted((r for r in rows if not r.is_total), key=lambda r: r.year)
    total = next((r for r in rows if r.is_total), None)
    if total is None and years:
        total = BudgetYear(TOTAL, *(_sum(getattr(r, key) for r in years)
                                    for key in ("planned", "printed", "spent")))
    return years + ([total] if total else [])


def _sum(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def budget_by_measure(data: ReportData) -> tuple[list[int], list[BudgetLine]]:
    lines: dict[int, dict[int, Funding]] = {}
    for r in records(data.budget):
        kind = as_text(r.get("funding_kind")) or "none"
        amount = kind == "amount"
        lines.setdefault(as_int(r.get("measure_no")) or 0, {})[as_int(r.get("year")) or 0] = \
            Funding(kind, as_number(r.get("planned_mln_tenge")) if amount else None,
                    as_number(r.get("spent_mln_tenge")) if amount else None)
    years = sorted({year for by_year in lines.values() for year in by_year})
    return years, [BudgetLine(no, tuple(lines[no].get(year) for year in years))
                   for no in sorted(lines)]


# --- monitoring --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Observation:
    """A highlight of the latest round. Its flag is marts.monitoring_warnings' (the count is
    improbable given the region's expected level): `warning` an early warning, `level` watch the
    lesser one."""
    round: int | None
    region: str
    indicator: str
    value: float | None
    change: float | None
    warning: bool  # an early warning: marts.monitoring_warnings.level = 'warning'
    level: str = ""  # marts.monitoring_warnings.level; "" for an indicator it does not judge

    @property
    def watch(self) -> bool:
        return not self.warning and self.level == "watch"


def monitoring(data: ReportData) -> list[Observation]:
    return [Observation(as_int(r.get("round")), as_text(r.get("region_code")),
                        as_text(r.get("indicator_code")), as_number(r.get("value")),
                        as_number(r.get("change_vs_previous")), bool(r.get("early_warning")),
                        as_text(r.get("warning_level")))
            for r in records(data.monitoring)]


def warnings(rows: list[Observation]) -> list[Observation]:
    """The early warnings (marts.monitoring_warnings, level warning)."""
    return [r for r in rows if r.warning]


def monitoring_round(rows: list[Observation]) -> int | None:
    """The round the highlights come from (the latest, if the frame holds several)."""
    rounds = [r.round for r in rows if r.round is not None]
    return max(rounds) if rounds else None


# --- the monitoring index ---------------------------------------------------------------------

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


# --- what to watch: forecasts and improbable counts ------------------------------------------

WATCH_LEVELS = ("warning", "watch", "expected")


@dataclass(frozen=True)
class Projection:
    """A forecast for one reporting date, with its 80% and 95% prediction intervals."""
    target: date | None
    forecast: float | None
    lo80: float | None
    hi80: float | None
    lo95: float | None
    hi95: float | None


@dataclass(frozen=True)
class SeriesForecast:
    """A series' chosen forecast from its latest report (marts.association_forecasts)."""
    level: str  # national | region
    unit: str  # 00, a KATO code, or codes joined by '+'
    family: str  # a confession family, or ALL
    origin: date | None
    last: float | None  # associations on `origin`
    model: str  # naive | drift | growth | pooled_growth | ets
    mase: float | None  # of its rolling-origin backtest
    coverage_80: float | None
    coverage_95: float | None
    backtests: int | None  # backtest forecasts behind mase and coverage
    ahead: tuple[Projection, ...]  # by horizon

    @property
    def rise(self) -> float | None:
        """The next date's forecast minus the last report."""
        first = self.ahead[0].forecast if self.ahead else None
        if first is None or self.last is None:
            return None
        return first - self.last

    @property
    def change(self) -> float | None:
        """The next date's forecast against the last report, as a share (0.05 = +5%)."""
        rise = self.rise
        return None if rise is None or not self.last else rise / self.last


def forecasts(data: ReportData) -> list[SeriesForecast]:
    """National series first (the total, then the families), then the regions' totals from
    the most associations expected to be added to the fewest."""
    grouped: dict[tuple[str, str, str], list[dict]] = {}
    for r in records(data.forecasts):
        key = (as_text(r.get("level")), as_text(r.get("unit_code")),
               as_text(r.get("confession_family")))
        grouped.setdefault(key, []).append(r)
    rows = []
    for (level, unit, family), group in grouped.items():
        group = sorted(group, key=lambda r: as_int(r.get("horizon")) or 0)
        first = group[0]
        rows.append(SeriesForecast(
            level, unit, family, as_date(first.get("origin_date")),
            as_number(first.get("origin_value")), as_text(first.get("model")),
            as_number(first.get("mase")), as_number(first.get("coverage_80")),
            as_number(first.get("coverage_95")), as_int(first.get("backtest_forecasts")),
            tuple(Projection(as_date(r.get("target_date")), as_number(r.get("forecast")),
                             as_number(r.get("lo80")), as_number(r.get("hi80")),
                             as_number(r.get("lo95")), as_number(r.get("hi95")))
                  for r in group)))
    national = sorted((r for r in rows if r.level == "national"),
                      key=lambda r: (r.family != "ALL", r.family))
    regional = sorted((r for r in rows if r.level != "national"),
                      key=lambda r: (r.rise is None, -round(r.rise or 0.0), r.unit))
    return national + regional


@dataclass(frozen=True)
class ForecastGap:
    """A national series whose latest report has no forecast yet."""
    family: str
    origin: date | None
    last: float | None
    reports: int | None  # in its history since the last taxonomy break


def forecast_gaps(data: ReportData) -> list[ForecastGap]:
    return [ForecastGap(as_text(r.get("confession_family")), as_date(r.get("origin_date")),
                        as_number(r.get("origin_value")), as_int(r.get("history_reports")))
            for r in records(data.forecast_gaps)]


@dataclass(frozen=True)
class CountWarning:
    """A count of the latest round improbable given the region's expected level
    (marts.monitoring_warnings), or one the old fixed rule would flag (shown for comparison)."""
    round: int | None
    region: str
    indicator: str
    value: float | None
    expected: float | None
    p_value: float | None
    z_score: float | None
    level: str  # warning | watch | expected
    fixed: bool  # the old fixed rule would flag it (comparison only)


def count_warnings(data: ReportData) -> list[CountWarning]:
    rows = [CountWarning(as_int(r.get("round")), as_text(r.get("region_code")),
                         as_text(r.get("indicator_code")), as_number(r.get("value")),
                         as_number(r.get("expected")), as_number(r.get("p_value")),
                         as_number(r.get("z_score")), as_text(r.get("level")) or "expected",
                         bool(r.get("fixed_rule_warning")))
            for r in records(data.count_warnings)]
    order = {level: i for i, level in enumerate(WATCH_LEVELS)}
    return sorted(rows, key=lambda r: (order.get(r.level, 3), r.p_value is None,
                                       r.p_value or 0.0, r.region, r.indicator))


def warnings_round(rows: list[CountWarning]) -> int | None:
    rounds = [r.round for r in rows if r.round is not None]
    return max(rounds) if rounds else None


# --- who has not reported ----------------------------------------------------------------------

@dataclass(frozen=True)
class Missing:
    kind: str  # agency | region
    code: str
    missing: str  # progress | monitoring | registrations
    round: int | None
    due: date | None


def not_reported(data: ReportData) -> list[Missing]:
    order = {"agency": 0, "region": 1}
    rows = [Missing(as_text(r.get("kind")), as_text(r.get("code")), as_text(r.get("missing")),
                    as_int(r.get("round")), as_date(r.get("due")))
            for r in records(data.not_reported)]
    return sorted(rows, key=lambda m: (order.get(m.kind, 2), m.missing, m.code))


# --- the summary -------------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyFigures:
    measures: int
    by_status: dict[str, int]  # MEASURE_STATUSES, in that order
    overdue: int
    targets: int
    achieved: int
    planned: float | None  # 2007-2009, mln tenge
    spent: float | None  # up to the period's end
    warnings: int
    warning_regions: int
    round: int | None
    agencies_missing: int  # distinct agencies
    regions_missing: int  # distinct regions

    @property
    def anyone_missing(self) -> bool:
        return bool(self.agencies_missing or self.regions_missing)


def key_figures(data: ReportData) -> KeyFigures:
    rows, targets = measures(data), scorecard(data)
    observed, missing = monitoring(data), not_reported(data)
    flagged = warnings(observed)
    total = next((y for y in budget_years(data) if y.is_total), None)
    return KeyFigures(
        measures=len(rows),
        by_status={s: sum(m.status == s for m in rows) for s in MEASURE_STATUSES},
        overdue=sum(m.overdue for m in rows),
        targets=len(targets), achieved=sum(t.status == "achieved" for t in targets),
        planned=total.planned if total else None, spent=total.spent if total else None,
        warnings=len(flagged), warning_regions=len({r.region for r in flagged}),
        round=monitoring_round(observed),
        agencies_missing=len({m.code for m in missing if m.kind == "agency"}),
        regions_missing=len({m.code for m in missing if m.kind == "region"}))
