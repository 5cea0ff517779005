"""What to watch: the associations' forecasts with their intervals and backtests
(marts.association_forecasts), the series without a forecast yet, and the counts of the latest
round improbable given the region's expected level (marts.monitoring_warnings).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ahual.flows.report.data import ReportData, as_date, as_int, as_number, as_text, records

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
