"""Which candidate forecasts a series of marts.association_forecasts: a rolling-origin backtest,
then the lowest error (the rule is written out in association_forecasts.yml).

**Backtest** (rolling origin): every candidate that can be backtested (fits.MIN_FIT reports and
one more) is refitted on the history as it stood at each earlier report (from the first report
where all of them can be fitted) and forecasts the next `HORIZONS` reporting dates that are in
the history. Errors are scaled by the history's mean absolute change per reporting step (MASE);
coverage is the share of the backtest's true values inside the 80% and 95% intervals.

**Choice**: the lowest MASE as published (3 decimals; the mean absolute error when the history
never changed), ties to the simpler candidate; a family's regional series choose together, on
the family's MASE (`choose_together`). Deterministic: no random numbers, fits in a fixed order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ahual.warehouse.marts.association_forecasts.fits import (
    LEVELS,
    MIN_FIT,
    MODELS,
    Forecast,
    Pool,
    fit,
    require_grid,
)
from ahual.warehouse.marts.association_forecasts.series import (
    HORIZONS,
    History,
    NotForecast,
    months,
    targets,
)


@dataclass
class Backtest:
    origins: int = 0  # training ends
    forecasts: int = 0  # (forecast, truth) pairs
    mae: float | None = None
    mase: float | None = None
    coverage: dict[float, float | None] = field(default_factory=dict)


@dataclass
class Candidate:
    model: str
    forecast: Forecast | None = None
    backtest: Backtest | None = None
    status: str = "forecast"
    reason: str = ""


@dataclass
class Outcome:
    """Every candidate at one origin of one series, and which was chosen."""
    history: History
    targets: list[date]
    candidates: list[Candidate]
    chosen: str | None
    selection: str
    scale: float = math.nan  # the history's mean absolute change per reporting step


def _structural(model: str, h: History, pool: Pool | None) -> None:
    """Raise NotForecast when the model cannot apply to this history at all."""
    if model == "pooled_growth" and pool is None:
        raise NotForecast("regional series only", "a growth rate shared by regions exists only "
                          "for regional series")
    if model in ("naive", "drift", "ets"):
        require_grid(h, {"naive": "the random walk", "drift": "the random walk with drift",
                          "ets": "exponential smoothing"}[model])
    if model == "ets" and h.gaps:
        raise NotForecast("gaps in the series", "exponential smoothing needs a report on every "
                          "reporting date; this history has gaps")


def backtest_pairs(model: str, h: History, first: int, pool: Pool | None
                   ) -> list[tuple[float, Forecast, int, int]]:
    """(truth, forecast, target number, training size) for every training end first..n-1 and
    every report within HORIZONS reporting steps after it (the next HORIZONS reports when
    irregular)."""
    pairs = []
    for size in range(first, h.n):
        train = h.truncated(size)
        later = h.points[size:]
        if h.step:
            ahead = [p for p in later if months(train.origin, p.as_of) // h.step <= HORIZONS]
        else:
            ahead = list(later[:HORIZONS])
        if not ahead:
            continue
        predicted = fit(model, train, [p.as_of for p in ahead], pool)
        pairs += [(point.value, predicted, k, size) for k, point in enumerate(ahead)]
    return pairs


def score(pairs, scale: float) -> Backtest:
    errors = np.array([abs(truth - f.mean[k]) for truth, f, k, _ in pairs])
    result = Backtest(origins=len({size for *_, size in pairs}), forecasts=len(pairs))
    result.mae = float(errors.mean())
    result.mase = float(errors.mean() / scale) if scale > 0 else None
    for level in LEVELS:
        inside = [f.low[level][k] <= truth <= f.high[level][k] for truth, f, k, _ in pairs]
        result.coverage[level] = float(np.mean(inside))
    return result


def choose(h: History, pool: Pool | None = None, models: Sequence[str] = MODELS) -> Outcome:
    """Backtest every candidate that can be backtested at this origin, choose, forecast."""
    when = targets(h)
    candidates = {m: Candidate(m) for m in models}
    if h.status != "ok":
        for c in candidates.values():
            c.status, c.reason = h.status, h.reason
        return Outcome(h, when, list(candidates.values()), None, h.reason)
    testable = []
    for m, c in candidates.items():
        try:
            _structural(m, h, pool)
        except NotForecast as no:
            c.status, c.reason = no.status, no.reason
            continue
        if h.n < MIN_FIT[m] + 1:
            since = f" since {h.after_break}" if h.after_break else ""
            c.status, c.reason = "too short", (
                f"{h.n} report(s){since}: {m} needs {MIN_FIT[m]} to be fitted and one more to "
                "be backtested")
            continue
        testable.append(m)
    first = max((MIN_FIT[m] for m in testable), default=0)
    scale = h.scale() if h.n > 1 else math.nan
    scored = []
    for m in testable:
        c = candidates[m]
        try:
            pairs = backtest_pairs(m, h, first, pool)
        except NotForecast as no:
            c.status, c.reason = no.status, f"cannot be backtested: {no.reason}"
            continue
        if not pairs:
            c.status, c.reason = "too short", "no report to backtest against"
            continue
        c.backtest = score(pairs, scale)
        try:
            c.forecast = fit(m, h, when, pool)
        except NotForecast as no:
            c.status, c.reason = no.status, no.reason
            continue
        scored.append(m)
    by_mase = all(candidates[m].backtest.mase is not None for m in scored)

    def rank(m: str) -> tuple:
        b = candidates[m].backtest
        return (round(b.mase if by_mase else b.mae, 3), models.index(m))

    ranked = sorted(scored, key=rank)
    if not ranked:
        return Outcome(h, when, list(candidates.values()), None,
                       "no candidate could be backtested and fitted", scale)
    best = ranked[0]
    measure = "MASE" if by_mase else "mean absolute error (the history never changed)"
    others = "; ".join(f"{m} {rank(m)[0]:.3f}" for m in ranked[1:])
    won = candidates[best].backtest
    selection = (f"{best}: lowest {measure} {rank(best)[0]:.3f} over {won.forecasts} backtest "
                 f"forecast(s) from {won.origins} origin(s)"
                 + (f" (then {others})" if others
                    else "; the only candidate that could be backtested"))
    return Outcome(h, when, list(candidates.values()), best, selection, scale)


def choose_together(outcomes: Sequence[Outcome], models: Sequence[str] = MODELS) -> None:
    """One choice for a family's regional series at one origin, from all their backtests.

    A region's own backtest is a handful of forecasts: the candidate that wins it is often the
    one that was lucky, and its intervals then cover less than they say (the winner's curse;
    tests/marts/test_forecasts.py shows it on simulated regions). So the regions of a family
    choose together: the candidates backtested (with a forecast) in at least half of the
    regions are compared on the regions where all of them were, by the family's MASE - the sum
    of their mean absolute errors over the sum of the regions' mean absolute changes per
    reporting step, so a region whose history never changed counts too (3 decimals; ties to
    the simpler); each region takes the first ranked candidate it has a forecast from (its own
    choice when it has none of them)."""
    scored = [o for o in outcomes if o.chosen is not None]
    if len(scored) < 2:
        return

    def mae(o: Outcome, model: str) -> float | None:
        c = next((c for c in o.candidates if c.model == model), None)
        if c is None or c.forecast is None or c.backtest is None:
            return None
        return c.backtest.mae

    quorum = math.ceil(len(scored) / 2)
    counted = [m for m in models if sum(mae(o, m) is not None for o in scored) >= quorum]
    common = [o for o in scored if all(mae(o, m) is not None for m in counted)]
    if not counted or not common:
        return
    scale = sum(o.scale for o in common)
    means = {m: round(sum(mae(o, m) for o in common) / (scale if scale > 0 else len(common)), 3)
             for m in counted}
    measure = "MASE" if scale > 0 else "mean absolute error (no region's history changed)"
    ranked = sorted(means, key=lambda m: (means[m], models.index(m)))
    board = "; ".join(f"{m} {means[m]:.3f}" for m in ranked)
    for o in scored:
        available = {c.model for c in o.candidates if c.forecast is not None}
        pick = next((m for m in ranked if m in available), None)
        if pick is None:
            o.selection += " (chosen on its own: no candidate ranked for the family applies)"
            continue
        own = next(c for c in o.candidates if c.model == pick).backtest
        o.chosen = pick
        o.selection = (f"{pick}: lowest family {measure} over the {len(common)} regional "
                       f"series where every candidate backtested in at least half of the "
                       f"family's regions was ({board}); here MASE {number(own.mase)}, mean "
                       f"absolute error {number(own.mae)} over {own.forecasts} backtest "
                       "forecast(s)")


def cut_at_break(outcome: Outcome) -> list[tuple[str, str] | None]:
    """Per target: None, or (status, reason) when the target lies beyond the next break."""
    nb = outcome.history.next_break
    return [("beyond a taxonomy break", (f"{d} is on or after the first day of "
             f"{nb.change_id} ({nb.effective_from}): the series is not extrapolated across it"))
            if nb is not None and d >= nb.effective_from else None for d in outcome.targets]


def number(value, places: int = 3) -> str:
    """A figure in words of a selection or a document: a dash where there is none."""
    return "–" if value is None or value != value else f"{value:.{places}f}"
