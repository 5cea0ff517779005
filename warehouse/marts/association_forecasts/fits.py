"""The candidate models of marts.association_forecasts, each fitted by statsmodels on a series'
history (series.History) and forecasting its targets with 80% and 95% prediction intervals.

Candidates, simplest first (the order that breaks ties): `naive` (random walk, ARIMA(0,1,0)),
`drift` (random walk with drift, ARIMA(0,1,0) + drift), `growth` (a constant growth rate:
quasi-Poisson GLM of each report on the one before, log link), `pooled_growth` (the same GLM
fitted on every region's reports of the family, `Pool`: one growth rate for all regions, each
forecast from its own last count; regional series only), `ets` (Holt's linear exponential
smoothing, ETS(A,A,N)). Each needs `MIN_FIT` reports to be fitted.

Intervals. naive: the library's forecast and standard error, sigma^2 = mean squared change per
step (exact with gaps), Student t on the number of changes. drift: the library's forecast;
variance h sigma^2 (1 + h / K) (Hyndman & Athanasopoulos, FPP3 5.5: the drift's own
uncertainty; K = steps spanned), sigma^2 the library's MLE times m / (m - 1), t on m - 1. growth
and pooled_growth: mean y_T exp(g d) for a target d years ahead, variance phi mu d + (mu d
se(g))^2 (observation noise, quasi-Poisson with variance proportional to the mean and to the
time between reports, plus the growth rate's uncertainty), t on the GLM's residual degrees of
freedom. ets: the library's analytic intervals (they do not carry the parameters' uncertainty,
which is why it needs the longest history). Every interval is cut at 0.

scipy, statsmodels and pandas are imported inside the fits that use them: together they take
about 1.5 s to import, and the build runner imports this model for its READS on every build,
also when the mart is up to date and nothing is fitted.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ahual.warehouse.marts.association_forecasts.series import (
    Break,
    History,
    NotForecast,
    Point,
    history,
    months,
)

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


def require_grid(h: History, model: str) -> None:
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

    require_grid(h, what)
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

    require_grid(h, "exponential smoothing")
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
