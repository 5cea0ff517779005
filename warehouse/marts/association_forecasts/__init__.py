"""marts.association_forecasts: forecasts of registered associations for the next reporting dates,
with 80% and 95% prediction intervals, by region (today's units, comparable across the 2018
and 2022 reforms) and confession family (and ALL), and nationally; every candidate model's
rolling-origin backtest (MASE, interval coverage) beside its forecast, and the chosen one
flagged. A Python model, this folder: series.py (a series' history at an origin), fits.py (the
candidates, fitted by statsmodels), selection.py (the backtest and the choice), document.py (the
backtest table, association_forecasts.backtest.md) and the queries beside them;
association_forecasts.yml states the rule.

Series. Regional: marts.registrations_comparable on the 'current' scheme (family and total
rows; a figure with a part missing is not a report of the series). National: the national
series of marts.association_growth (the national report where one was loaded, else the sum of
the regional reports on a date every unit reported: a partial date is never a national figure,
so never an origin; core.registration_coverage), so the real national figures of 1990, 2007,
2011, 2012, 2016 and 2017 are series points. Taxonomy breaks: staging.stg_taxonomy_changes
(series.breaks).

Origins: every date a series reported. A forecast at an origin uses only what was known then
(the history up to that date; the pooled growth rate from every region's reports up to that
date), so rows of a past origin do not change when later reports arrive, and the origin is the
mart's period column.
"""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa

from ahual.warehouse.marts.association_forecasts import fits, selection, series
from ahual.warehouse.marts.association_forecasts.series import Point

# what the input queries beside this file read (the runner orders by it)
READS = ("marts.registrations_comparable", "marts.association_growth",
         "staging.stg_taxonomy_changes", "staging.stg_confessions", "staging.stg_regions")

# the reports' counts, never the register of associations (marts.register_history)
COUNT_SOURCE = "reported counts"
SCHEMA = pa.schema([
    ("level", pa.string()), ("unit_code", pa.string()), ("unit_name_en", pa.string()),
    ("unit_2007_code", pa.string()), ("confession_family", pa.string()),
    ("family_name_en", pa.string()), ("origin_date", pa.date32()), ("origin_value", pa.int64()),
    ("history_from", pa.date32()), ("history_reports", pa.int32()),
    ("history_after_break", pa.string()), ("reporting_step_months", pa.int32()),
    ("model", pa.string()), ("model_name", pa.string()), ("simplicity", pa.int32()),
    ("selected", pa.bool_()), ("chosen", pa.bool_()), ("horizon", pa.int32()),
    ("target_date", pa.date32()),
    ("forecast", pa.float64()), ("lo80", pa.float64()), ("hi80", pa.float64()),
    ("lo95", pa.float64()), ("hi95", pa.float64()),
    ("backtest_origins", pa.int32()), ("backtest_forecasts", pa.int32()),
    ("mae", pa.float64()), ("mase", pa.float64()),
    ("coverage_80", pa.float64()), ("coverage_95", pa.float64()),
    ("status", pa.string()), ("reason", pa.string()), ("selection", pa.string()),
    ("count_source", pa.string()),
    ("batches", pa.string()),
])


def query(name: str) -> str:
    """One of this model's queries, `<name>.sql` beside this file."""
    return (Path(__file__).parent / f"{name}.sql").read_text(encoding="utf-8")


def round_figures(value: float | None, places: int = 2) -> float | None:
    """Published figures are rounded so that the last bits of an optimiser never show."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), places) + 0.0  # + 0.0: no negative zero


def _changes(con) -> list[series.Break]:
    rows = con.sql(query("changes")).fetchall()
    keys = ("change_id", "effective_from", "effective_by", "change", "from_code", "to_code",
            "from_family", "to_family")
    return series.breaks(dict(zip(keys, row, strict=True)) for row in rows)


def _regional(con) -> dict[tuple[str, str], list[Point]]:
    rows = con.sql(query("regional")).fetchall()
    series: dict[tuple[str, str], list[Point]] = {}
    for unit, family, as_of, value, batches in rows:
        series.setdefault((unit, family), []).append(Point(as_of, float(value), batches))
    return series


def _national(con) -> dict[tuple[str, str], list[Point]]:
    rows = con.sql(query("national")).fetchall()
    series: dict[tuple[str, str], list[Point]] = {}
    for family, as_of, value, batches in rows:
        series.setdefault(("00", family), []).append(Point(as_of, float(value), batches or ""))
    return series


def _names(con) -> tuple[dict, dict, dict]:
    rows = con.sql(query("regions")).fetchall()
    regions = {code: name for code, name, _ in rows}
    fold = {code: folded for code, _, folded in rows}
    families = dict(con.sql(query("families")).fetchall())
    return regions, fold, families


def _family_order(family: str) -> tuple:
    return (family != "ALL", family)


def build(con) -> pa.Table:
    known = _changes(con)
    regions, fold, families = _names(con)
    regional, national = _regional(con), _national(con)
    pools = {}
    for (unit, family), points in regional.items():
        pools.setdefault(family, fits.Pool({}, family, known)).histories[unit] = points
    ordered = sorted(national.items(), key=lambda kv: _family_order(kv[0][1])) + sorted(
        regional.items(), key=lambda kv: (kv[0][0], _family_order(kv[0][1])))
    outcomes: list[tuple[tuple[str, str], selection.Outcome]] = []
    for (unit, family), points in ordered:
        pool = pools.get(family) if unit != "00" else None
        for origin in sorted({p.as_of for p in points}):
            outcomes.append(((unit, family),
                             selection.choose(series.history(points, family, origin, known), pool)))
    # a family's regional series choose together at each origin (selection.choose_together)
    together: dict[tuple[str, object], list[selection.Outcome]] = {}
    for (unit, family), outcome in outcomes:
        if unit != "00":
            together.setdefault((family, outcome.history.origin), []).append(outcome)
    for key in sorted(together):
        selection.choose_together(together[key])
    columns: dict[str, list] = {name: [] for name in SCHEMA.names}
    for (unit, family), outcome in outcomes:
        names = " + ".join(regions.get(code, code) for code in unit.split("+"))
        folded = "+".join(sorted({fold.get(code, code) for code in unit.split("+")}))
        _append(columns, outcome, level="national" if unit == "00" else "region", unit=unit,
                unit_name=names, unit_2007=folded, family=family,
                family_name=families.get(family, family))
    return pa.table(columns, schema=SCHEMA)


def _append(columns: dict[str, list], outcome: selection.Outcome, **series) -> None:
    h = outcome.history
    origin_value = next((p.value for p in h.points if p.as_of == h.origin), None)
    cut = selection.cut_at_break(outcome)
    batches = ",".join(sorted({b for p in h.points for b in p.batches.split(",") if b},
                              key=lambda b: (len(b), b)))
    for candidate in outcome.candidates:
        b = candidate.backtest
        for k, target in enumerate(outcome.targets):
            f = candidate.forecast
            status, reason = candidate.status, candidate.reason
            if f is not None and cut[k] is not None:
                status, reason = cut[k]
                f = None
            given = f is not None
            row = {
                "level": series["level"], "unit_code": series["unit"],
                "unit_name_en": series["unit_name"], "unit_2007_code": series["unit_2007"],
                "confession_family": series["family"], "family_name_en": series["family_name"],
                "origin_date": h.origin,
                "origin_value": None if origin_value is None else int(origin_value),
                "history_from": h.points[0].as_of if h.points else None,
                "history_reports": h.n, "history_after_break": h.after_break,
                "reporting_step_months": h.step if h.points else None,
                "model": candidate.model, "model_name": fits.MODEL_NAMES[candidate.model],
                "simplicity": fits.MODELS.index(candidate.model) + 1,
                "selected": candidate.model == outcome.chosen,
                "chosen": candidate.model == outcome.chosen and given,
                "horizon": k + 1, "target_date": target,
                "forecast": round_figures(f.mean[k]) if given else None,
                "lo80": round_figures(f.low[0.80][k]) if given else None,
                "hi80": round_figures(f.high[0.80][k]) if given else None,
                "lo95": round_figures(f.low[0.95][k]) if given else None,
                "hi95": round_figures(f.high[0.95][k]) if given else None,
                "backtest_origins": b.origins if b else None,
                "backtest_forecasts": b.forecasts if b else None,
                "mae": round_figures(b.mae, 3) if b else None,
                "mase": round_figures(b.mase, 3) if b else None,
                "coverage_80": round_figures(b.coverage[0.80], 4) if b else None,
                "coverage_95": round_figures(b.coverage[0.95], 4) if b else None,
                "status": "forecast" if given else status,
                "reason": None if given else reason,
                "selection": outcome.selection,
                "count_source": COUNT_SOURCE,
                "batches": batches or None,
            }
            for key, value in row.items():
                columns[key].append(value)
