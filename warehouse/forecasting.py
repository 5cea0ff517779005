"""Forecasts of registered associations with honest uncertainty, chosen by a rolling-origin
backtest (marts.association_forecasts; the rule is written out in association_forecasts.yml).

A *series* is one unit (a region on today's units, or the Republic) x one confession family (or
ALL, the reports' totals): its reports as (date, count). At each *origin* (every date the series
reported) the forecast is made as it could have been made that day:

1. **History**: the series' reports up to the origin, after the last taxonomy break before it
   (datasets/reference/taxonomy_changes.csv, `breaks`): a series is never fitted across a
   reclassification, and never extrapolated across one either (a target date on or after the
   next break's first possible day gets no forecast).
2. **Candidates** (statsmodels; simplest first, the order that breaks ties): `naive` (random walk,
   ARIMA(0,1,0)), `drift` (random walk with drift, ARIMA(0,1,0) + drift), `growth` (a constant
   growth rate: quasi-Poisson GLM of each report on the one before, log link), `pooled_growth`
   (the same GLM fitted on every region's reports of the family: one growth rate for all
   regions, each forecast from its own last count; regional series only), `ets` (Holt's linear
   exponential smoothing, ETS(A,A,N)). Each needs a minimum number of reports to be fitted
   (`MIN_FIT`) and one more to be backtested; a candidate that cannot be backtested gives no
   forecast and says why.
3. **Backtest** (rolling origin): every candidate that can be backtested is refitted on the
   history as it stood at each earlier report (from the first report where all of them can be
   fitted) and forecasts the next `HORIZONS` reporting dates that are in the history. Errors are
   scaled by the history's mean absolute change per reporting step (MASE); coverage is the share
   of the backtest's true values inside the 80% and 95% intervals.
4. **Choice**: the lowest MASE as published (3 decimals; the mean absolute error when the history
   never changed), ties to the simpler candidate; a family's regional series choose together,
   on the family's MASE (`choose_together`).

Intervals. naive: the library's forecast and standard error, sigma^2 = mean squared change per
step (exact with gaps), Student t on the number of changes. drift: the library's forecast;
variance h sigma^2 (1 + h / K) (Hyndman & Athanasopoulos, FPP3 5.5: the drift's own
uncertainty; K = steps spanned), sigma^2 the library's MLE times m / (m - 1), t on m - 1. growth
and pooled_growth: mean y_T exp(g d) for a target d years ahead, variance phi mu d + (mu d
se(g))^2 (observation noise, quasi-Poisson with variance proportional to the mean and to the
time between reports, plus the growth rate's uncertainty), t on the GLM's residual degrees of
freedom. ets: the library's analytic intervals (they do not carry the parameters' uncertainty,
which is why it needs the longest history). Every interval is cut at 0.

Deterministic: no random numbers, fits in a fixed order, figures rounded (`round_figures`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ahual.warehouse import store

HORIZONS = 2  # reporting dates ahead
LEVELS = (0.80, 0.95)
MODELS = ("naive", "drift", "growth", "pooled_growth", "ets")  # simplest first
MIN_FIT = {"naive": 2, "drift": 3, "growth": 3, "pooled_growth": 2, "ets": 10}
MODEL_NAMES = {
    "naive": "random walk: the last count carried forward (ARIMA(0,1,0), statsmodels)",
    "drift": "random walk with drift (ARIMA(0,1,0) with drift, statsmodels)",
    "growth": "constant growth rate (quasi-Poisson GLM on the previous count, statsmodels)",
    "pooled_growth": "growth rate shared by the family's regions (quasi-Poisson GLM, statsmodels)",
    "ets": "Holt's linear exponential smoothing, ETS(A,A,N) (statsmodels)",
}
STEPS = (12, 6, 3, 1)  # reporting steps in months a grid may have, longest first
DEFINITIONAL = ("reclassification", "counting rule", "merged")  # breaks; dropped/added are real


class NotForecast(Exception):
    """A candidate gives no forecast here; `status` is the short code, the text the reason."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


# --- taxonomy breaks ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Break:
    change_id: str
    effective_from: date  # the change happened on a day within effective_from .. effective_by
    effective_by: date
    families: frozenset[str] | None  # the families it breaks; None = every family and ALL


def breaks(changes: Iterable[dict]) -> list[Break]:
    """The taxonomy changes that make counts before and after them incomparable.

    A reclassification ('*') and a change of counting rule break every series. A merge breaks
    the two families it moves codes between (a merge inside one family leaves the family's count
    and the total as they were); a dropped or added confession is a real change of the register
    (a liquidation, a registration), not a break."""
    found = []
    for c in changes:
        kind = c["change"]
        if kind not in DEFINITIONAL:
            continue
        if c["from_code"] == "*" or kind in ("reclassification", "counting rule"):
            families = None
        elif c["from_family"] and c["to_family"] and c["from_family"] != c["to_family"]:
            families = frozenset({c["from_family"], c["to_family"]})
        else:
            continue
        found.append(Break(c["change_id"], c["effective_from"], c["effective_by"], families))
    # changes in one window are one break (the 2012 re-registration is several rows)
    merged: dict[tuple[date, date], list[Break]] = {}
    for b in sorted(found, key=lambda b: (b.effective_from, b.effective_by, b.change_id)):
        merged.setdefault((b.effective_from, b.effective_by), []).append(b)
    return [Break("; ".join(b.change_id for b in group), start, end,
                  None if any(b.families is None for b in group)
                  else frozenset().union(*(b.families for b in group)))
            for (start, end), group in merged.items()]


def touches(b: Break, family: str) -> bool:
    return b.families is None or family in b.families


# --- a series and its history at an origin -----------------------------------------------------

@dataclass(frozen=True)
class Point:
    as_of: date
    value: float
    batches: str = ""


@dataclass(frozen=True)
class History:
    """The reports a forecast made at `origin` may use, and where they are on the calendar."""
    origin: date
    points: tuple[Point, ...]
    after_break: str | None  # the break the history starts after
    next_break: Break | None  # the first break the forecast may not cross
    step: int | None  # months between reporting dates on the series' grid; None = irregular
    status: str = "ok"
    reason: str = ""

    @property
    def n(self) -> int:
        return len(self.points)

    @property
    def values(self) -> np.ndarray:
        return np.array([p.value for p in self.points], dtype=float)

    def index(self) -> np.ndarray:
        """Grid positions of the reports (0 = the first), in steps."""
        first = self.points[0].as_of
        return np.array([months(first, p.as_of) // self.step for p in self.points])

    def years(self) -> np.ndarray:
        first = self.points[0].as_of
        return np.array([(p.as_of - first).days / 365.25 for p in self.points])

    @property
    def gaps(self) -> bool:
        return self.step is not None and self.n > 1 and bool(np.any(np.diff(self.index()) > 1))

    def truncated(self, size: int) -> History:
        """The history as it stood at its `size`-th report."""
        points = self.points[:size]
        return History(points[-1].as_of, points, self.after_break, self.next_break, self.step)

    def scale(self) -> float:
        """Mean absolute change per reporting step (per year on an irregular series): the
        in-sample error of the naive forecast, MASE's denominator."""
        y = self.values
        gap = np.diff(self.index()) if self.step else np.diff(self.years())
        return float(np.mean(np.abs(np.diff(y)) / gap)) if self.n > 1 else math.nan


def months(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def add_months(d: date, n: int) -> date:
    total = d.month - 1 + n
    return date(d.year + total // 12, total % 12 + 1, d.day)


def grid_step(dates: Sequence[date]) -> int | None:
    """Months between reporting dates when every date falls on one grid (the same day of the
    month, a whole number of steps apart); None for irregular dates."""
    if len(dates) < 2:
        return STEPS[0]
    if len({d.day for d in dates}) != 1:
        return None
    apart = [months(dates[0], d) for d in dates[1:]]
    return next((s for s in STEPS if all(a % s == 0 for a in apart)), None)


def history(points: Sequence[Point], family: str, origin: date,
            known_breaks: Sequence[Break]) -> History:
    """The series' reports usable for a forecast at `origin` (a date it reported)."""
    mine = [b for b in known_breaks if touches(b, family)]
    before = [b for b in mine if b.effective_from <= origin]
    after = [b for b in mine if b.effective_by > origin]
    last = before[-1] if before else None
    upcoming = min(after, key=lambda b: b.effective_from) if after else None
    if last is not None and origin < last.effective_by:
        return History(origin, (), last.change_id, upcoming, None, "inside a taxonomy change",
                       f"reported while the taxonomy was changing ({last.change_id}, "
                       f"{last.effective_from} to {last.effective_by}): counts of this date "
                       "compare with neither side")
    start = last.effective_by if last else date.min
    usable = tuple(p for p in points if start <= p.as_of <= origin)
    return History(origin, usable, last.change_id if last else None, upcoming,
                   grid_step([p.as_of for p in usable]))


def targets(h: History) -> list[date]:
    """The next reporting dates after the origin: on the series' grid, else yearly."""
    step = h.step or 12
    return [add_months(h.origin, step * k) for k in range(1, HORIZONS + 1)]


# --- the candidates ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Forecast:
    mean: tuple[float, ...]
    low: dict[float, tuple[float, ...]]  # level -> per target
    high: dict[float, tuple[float, ...]]


def _t(level: float, df: float) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + level / 2, df))


def _interval(mean: np.ndarray, sd: np.ndarray, df: float) -> Forecast:
    low, high = {}, {}
    for level in LEVELS:
        q = _t(level, df)
        low[level] = tuple(float(max(m - q * s, 0.0)) for m, s in zip(mean, sd, strict=True))
        high[level] = tuple(float(max(m + q * s, 0.0)) for m, s in zip(mean, sd, strict=True))
    return Forecast(tuple(float(max(m, 0.0)) for m in mean), low, high)


def _steps_ahead(h: History, when: Sequence[date]) -> np.ndarray:
    return np.array([months(h.origin, d) // h.step for d in when])


def _grid(h: History) -> np.ndarray:
    """The history on its grid, NaN where a date did not report."""
    index = h.index()
    y = np.full(index[-1] + 1, np.nan)
    y[index] = h.values
    return y


def _require_grid(h: History, model: str) -> None:
    if h.step is None:
        raise NotForecast("irregular dates", f"{model} needs reports on a regular calendar "
                          "(the same day, whole months apart); these dates are irregular")


def _changes(h: History) -> tuple[int, int]:
    """(m, K): changes between consecutive reports, and the grid steps they span."""
    index = h.index()
    return len(index) - 1, int(index[-1] - index[0])


def _flat(h: History) -> None:
    if h.n > 1 and np.all(np.diff(h.values) == 0):
        raise NotForecast("no change in history", "every report gives the same count: no "
                          "uncertainty can be estimated from a history that never changed")


def _random_walk(h: History, when: Sequence[date], what: str, trend: str | None):
    """statsmodels' ARIMA(0,1,0) on the history's grid (with `trend="t"`, the drift, fitted;
    without, nothing to fit): its result, the forecast to the last of `when`, the number of
    changes and their span, and the steps ahead of each of `when`."""
    from statsmodels.tsa.arima.model import ARIMA

    _require_grid(h, what)
    _flat(h)
    m, span = _changes(h)
    ahead = _steps_ahead(h, when)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ARIMA(_grid(h), order=(0, 1, 0), trend=trend, concentrate_scale=True)
        result = model.fit() if trend else model.filter(np.array([]))
        predicted = result.get_forecast(int(ahead.max()))
    return result, predicted, m, span, ahead


def fit_naive(h: History, when: Sequence[date]) -> Forecast:
    _, predicted, m, _, ahead = _random_walk(h, when, "the random walk", None)
    mean = np.asarray(predicted.predicted_mean)[ahead - 1]
    sd = np.asarray(predicted.se_mean)[ahead - 1]
    return _interval(mean, sd, df=m)


def fit_drift(h: History, when: Sequence[date]) -> Forecast:
    result, predicted, m, span, ahead = _random_walk(h, when, "the random walk with drift", "t")
    mean = np.asarray(predicted.predicted_mean)[ahead - 1]
    sigma2 = float(result.scale) * m / (m - 1)
    if not sigma2 > 0:
        raise NotForecast("no change in history", "the changes are all equal: the drift "
                          "leaves no uncertainty to estimate")
    sd = np.sqrt(sigma2 * ahead * (1 + ahead / span))
    return _interval(mean, sd, df=m - 1)


@dataclass(frozen=True)
class Growth:
    """A fitted growth-rate GLM: log growth per year, its standard error, the dispersion phi
    and the residual degrees of freedom."""
    rate: float
    se: float
    phi: float
    df: float
    transitions: int


def transitions(points: Sequence[Point]) -> list[tuple[float, float, float]]:
    """(previous count, count, years between) of consecutive reports with a previous count
    above 0 (a growth rate has nothing to act on at 0)."""
    out = []
    for a, b in zip(points, points[1:], strict=False):
        if a.value > 0:
            out.append((a.value, b.value, (b.as_of - a.as_of).days / 365.25))
    return out


def fit_growth_glm(steps: list[tuple[float, float, float]]) -> Growth:
    """y_j ~ quasi-Poisson(mean = y_{j-1} exp(g d_j)), variance phi * mean * d_j."""
    import statsmodels.api as sm

    if len(steps) < 2:
        raise NotForecast("too short", "a growth rate and its spread need at least two "
                          "changes between reports with a count above 0")
    before, after, years = (np.array(x, dtype=float) for x in zip(*steps, strict=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sm.GLM(after, years[:, None], family=sm.families.Poisson(),
                        offset=np.log(before), var_weights=1 / years
                        ).fit(scale="X2", start_params=np.zeros(1))  # 0: no growth
    phi = float(result.scale)
    if not phi > 1e-12 or not np.isfinite(phi):
        raise NotForecast("no change in history", "every change follows the growth rate "
                          "exactly: no uncertainty can be estimated")
    return Growth(float(result.params[0]), float(result.bse[0]), phi, float(result.df_resid),
                  len(steps))


def growth_forecast(g: Growth, base: float, origin: date, when: Sequence[date]) -> Forecast:
    if not base > 0:
        raise NotForecast("zero count", "the last count is 0: a growth rate has nothing to act on")
    years = np.array([(d - origin).days / 365.25 for d in when])
    mean = base * np.exp(g.rate * years)
    sd = np.sqrt(g.phi * mean * years + (mean * years * g.se) ** 2)
    return _interval(mean, sd, df=g.df)


def fit_growth(h: History, when: Sequence[date]) -> Forecast:
    return growth_forecast(fit_growth_glm(transitions(h.points)), h.values[-1], h.origin, when)


def fit_ets(h: History, when: Sequence[date]) -> Forecast:
    import pandas as pd
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    _require_grid(h, "exponential smoothing")
    if h.gaps:
        raise NotForecast("gaps in the series", "exponential smoothing needs a report on every "
                          "reporting date; this history has gaps")
    _flat(h)
    y = pd.Series(h.values)
    ahead = _steps_ahead(h, when)
    best = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(y, error="add", trend="add", initialization_method="estimated")
        # the optimiser stops at a corner from one start; three fixed starts, the best wins
        for alpha in (0.1, 0.5, 0.9):
            start = np.array([alpha, 0.01 * alpha, y.iloc[0], y.iloc[1] - y.iloc[0]])
            result = model.fit(start_params=start, disp=False)
            if best is None or result.llf > best.llf + 1e-9:
                best = result
        frames = {level: best.get_prediction(start=len(y), end=len(y) + int(ahead.max()) - 1)
                  .summary_frame(alpha=1 - level) for level in LEVELS}
    mean = frames[LEVELS[0]]["mean"].to_numpy()[ahead - 1]
    low = {lv: tuple(float(max(v, 0.0)) for v in f["pi_lower"].to_numpy()[ahead - 1])
           for lv, f in frames.items()}
    high = {lv: tuple(float(max(v, 0.0)) for v in f["pi_upper"].to_numpy()[ahead - 1])
            for lv, f in frames.items()}
    return Forecast(tuple(float(max(m, 0.0)) for m in mean), low, high)


FITS = {"naive": fit_naive, "drift": fit_drift, "growth": fit_growth, "ets": fit_ets}


# --- the pool of a family's regional series ----------------------------------------------------

@dataclass
class Pool:
    """The regional series of one family: a growth GLM fitted once per date on every region's
    changes up to that date within the history at that date."""
    histories: dict[str, list[Point]]  # unit -> reports
    family: str
    known_breaks: Sequence[Break]
    _fits: dict = field(default_factory=dict)

    def growth(self, at: date) -> Growth:
        if at not in self._fits:
            steps = []
            for unit in sorted(self.histories):
                points = self.histories[unit]
                h = history(points, self.family, at, self.known_breaks) \
                    if any(p.as_of <= at for p in points) else None
                if h is not None and h.status == "ok":
                    steps += transitions(h.points)
            try:
                self._fits[at] = fit_growth_glm(steps)
            except NotForecast as missing:
                self._fits[at] = missing
        fitted = self._fits[at]
        if isinstance(fitted, NotForecast):
            raise NotForecast("too short", "the family's regions have fewer than two changes "
                              "between reports to share a growth rate")
        return fitted


def fit(model: str, h: History, when: Sequence[date], pool: Pool | None) -> Forecast:
    if model == "pooled_growth":
        if pool is None:
            raise NotForecast("regional series only", "a growth rate shared by regions exists "
                              "only for regional series")
        return growth_forecast(pool.growth(h.origin), h.values[-1], h.origin, when)
    try:
        return FITS[model](h, when)
    except NotForecast:
        raise
    except (ArithmeticError, ValueError, np.linalg.LinAlgError) as failed:
        raise NotForecast("fit failed", f"statsmodels could not fit {model}: {failed}") from None


# --- backtest and choice -----------------------------------------------------------------------

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
        _require_grid(h, {"naive": "the random walk", "drift": "the random walk with drift",
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
                       f"family's regions was ({board}); here MASE {_number(own.mase)}, mean "
                       f"absolute error {_number(own.mae)} over {own.forecasts} backtest "
                       "forecast(s)")


def cut_at_break(outcome: Outcome) -> list[tuple[str, str] | None]:
    """Per target: None, or (status, reason) when the target lies beyond the next break."""
    nb = outcome.history.next_break
    return [("beyond a taxonomy break", (f"{d} is on or after the first day of "
             f"{nb.change_id} ({nb.effective_from}): the series is not extrapolated across it"))
            if nb is not None and d >= nb.effective_from else None for d in outcome.targets]


def round_figures(value: float | None, places: int = 2) -> float | None:
    """Published figures are rounded so that the last bits of an optimiser never show."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), places) + 0.0  # + 0.0: no negative zero


# --- the backtest table (association_forecasts.backtest.md) -------------------------------------

def _share(value) -> str:
    return "–" if value is None or value != value else f"{value:.0%}"


def _number(value, places: int = 3) -> str:
    return "–" if value is None or value != value else f"{value:.{places}f}"


def backtest_table(con) -> str:
    """The backtest of marts.association_forecasts as markdown: every national series and
    candidate at the latest origin where a candidate could be backtested, the regional series
    summed up by family, and the series that cannot be forecast yet and why."""
    rows = con.sql(store.query("model_association_forecasts_backtest")
                   ).to_arrow_table().to_pylist()
    out = [("| series | history at the origin | model | backtest forecasts | MASE | MAE "
           "| coverage 80% | coverage 95% | chosen |"), "|---|---|---|---|---|---|---|---|---|"]
    national = [r for r in rows if r["level"] == "national"]
    for family in dict.fromkeys(r["confession_family"] for r in national):
        mine = [r for r in national if r["confession_family"] == family]
        tested = [r["origin_date"] for r in mine if r["forecasts"]]
        if not tested:
            continue
        at = max(tested)
        for r in (r for r in mine if r["origin_date"] == at and r["forecasts"]):
            window = f"{r['history_from']} to {r['origin_date']}, {r['history_reports']} reports"
            out.append(f"| Republic · {r['family_name_en']} | {window} | {r['model']} | "
                       f"{r['forecasts']} | {_number(r['mase'])} | {_number(r['mae'], 1)} | "
                       f"{_share(r['coverage_80'])} | {_share(r['coverage_95'])} | "
                       f"{'yes' if r['chosen'] else ''} |")
    regional = [r for r in rows if r["level"] == "region"]
    latest = max((r["origin_date"] for r in regional if r["forecasts"]), default=None)
    for family in dict.fromkeys(r["confession_family"] for r in regional):
        mine = [r for r in regional if r["confession_family"] == family
                and r["origin_date"] == latest and r["forecasts"]]
        for model in MODELS:
            of = [r for r in mine if r["model"] == model]
            if not of:
                continue
            n = sum(r["forecasts"] for r in of)
            mases = [r["mase"] for r in of if r["mase"] is not None]
            cover = {lv: sum(r[f"coverage_{lv}"] * r["forecasts"] for r in of) / n
                     for lv in (80, 95)}
            chosen = sum(bool(r["chosen"]) for r in of)
            name = of[0]["family_name_en"]
            regions = f"{len(of)} region{'s' if len(of) > 1 else ''}"
            out.append(f"| {regions} · {name} | {of[0]['history_from']} to {latest} | "
                       f"{model} | {n} | {_number(sum(mases) / len(mases)) if mases else '–'}"
                       f" (mean of regions) | {_number(sum(r['mae'] for r in of) / len(of), 1)}"
                       f" | {_share(cover[80])} | {_share(cover[95])} | {chosen} of {len(of)} |")
    lines = [("Backtest of marts.association_forecasts (rolling origin; MASE = mean absolute "
             "error / the history's mean absolute change per reporting step; coverage = share "
             "of backtest truths inside the interval; chosen = the rule's choice at that origin, "
             "whose forecast is given unless its targets lie beyond a taxonomy break). National "
             "series at the latest origin where a candidate could be backtested: 1990, 2007 and "
             "2011-2017 are real national reports, 2008 and 2009 sums of the demo's made-up "
             "regional reports. Regions (made-up demo figures) summed up by family at their "
             "latest origin: MASE is the mean of the regions', coverage over all their backtest "
             "forecasts. Made by `python -m ahual.warehouse.forecasting WAREHOUSE`."), "",
             *out, ""]
    waiting = []
    for family in dict.fromkeys(r["confession_family"] for r in national):
        mine = [r for r in national if r["confession_family"] == family]
        last = max(r["origin_date"] for r in mine)
        at = [r for r in mine if r["origin_date"] == last]
        if not any(r["chosen"] for r in at):
            reasons = "; ".join(f"{r['model']}: {r['status']}" for r in at)
            waiting.append(f"| Republic · {at[0]['family_name_en']} | {last} | "
                           f"{at[0]['history_reports']} report(s) since "
                           f"{at[0]['history_after_break'] or 'the first'} | {reasons} |")
    if waiting:
        lines += ["Not forecast at their latest report (no candidate can be backtested yet):",
                  "", "| series | latest report | history | why, by model |", "|---|---|---|---|",
                  *waiting, ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    import duckdb

    parser = argparse.ArgumentParser(prog="python -m ahual.warehouse.forecasting",
                                     description="Print the backtest table of "
                                                 "marts.association_forecasts as markdown.")
    parser.add_argument("warehouse", help="a warehouse.duckdb (opened read-only)")
    args = parser.parse_args(argv)
    with duckdb.connect(args.warehouse, read_only=True) as con:
        print(backtest_table(con), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
