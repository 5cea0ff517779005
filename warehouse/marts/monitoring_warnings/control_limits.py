"""Early warnings that know about noise (marts.monitoring_warnings): how improbable a region's
count in a monitoring round is, given its expected level.

For one indicator (a count during the round whose rise is a warning sign), the region i and the
round r:

1. **The national rate** and **how much regions differ**: a negative binomial regression
   (statsmodels `NegativeBinomial`, NB2) of the other regions' counts in rounds 1..r on one
   rate per round, with their population as exposure. It gives each round's rate per person
   elsewhere (rho_s) and alpha, the spread of regions' own levels around it (alpha = 0: every
   region alike, counts Poisson). Region i is left out, so an outlier does not set its own bar.
2. **The region's own level** theta_i (1 = the national rate) is gamma distributed with mean 1
   and variance alpha before its own figures are seen (empirical Bayes, as in disease mapping,
   Clayton and Kaldor 1987), and updated by its own earlier rounds: shape 1/alpha + sum of its
   earlier counts, rate 1/alpha + sum of their expected counts pop_is * rho_s.
3. **The predictive distribution** of its count in round r, with expected count E = pop_ir *
   rho_r at the national rate, is then negative binomial (gamma-Poisson): mean E * shape /
   rate. `p_value` = P(X >= value), `z_score` = (value - mean) / sd.

A region with no earlier round (round 1) is judged against the national rate and the spread of
regions alone: that is the funnel against population (`p_national` gives this view for every
round). Flags: `warning` when p < WARNING_P (beyond the 99.8% control limit, one-sided 0.1%: in
a round of 16 regions x 4 indicators, about 0.06 false warnings are expected when nothing
happened), `watch` when p < WATCH_P (beyond the upper 95% limit).

scipy and statsmodels are imported inside the functions that use them: together they take about
1.5 s to import, and the build runner imports this model for its READS on every build, also when
the mart is up to date and nothing is judged.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

WARNING_P = 0.001
WATCH_P = 0.025
ALPHA_FLOOR = 1e-8  # below this the regions are alike: the predictive is Poisson


@dataclass(frozen=True)
class Cell:
    round: int
    region: str
    value: float | None
    population: float | None


@dataclass(frozen=True)
class Judgement:
    national_rate: float | None = None  # per person, round r, the other regions
    alpha: float | None = None
    expected_national: float | None = None  # pop * national rate
    earlier_rounds: int = 0
    relative_level: float | None = None  # posterior mean of theta
    expected: float | None = None  # predictive mean
    sd: float | None = None
    z_score: float | None = None
    p_value: float | None = None
    p_national: float | None = None  # P(X >= value) at the national rate and spread only
    limit_95: float | None = None  # predictive 97.5% quantile: above it, watch
    limit_998: float | None = None  # predictive 99.9% quantile: above it, warning
    level: str = "expected"  # warning | watch | expected | not reported | no population | no basis
    note: str = ""


def national_fit(cells: list[Cell], rounds: list[int]) -> tuple[dict[int, float], float]:
    """Per-round rate per person and the NB2 dispersion alpha from the cells (statsmodels).

    A round whose cells count nothing gives its rate no estimate: then one rate for all the
    rounds is fitted instead. Raises ValueError when the cells count nothing at all."""
    from statsmodels.discrete.discrete_model import NegativeBinomial

    y = np.array([c.value for c in cells], dtype=float)
    exposure = np.array([c.population for c in cells], dtype=float)
    if not len(y) or y.sum() == 0:
        raise ValueError("the other regions counted nothing in these rounds")
    by_round = np.array([c.round for c in cells])
    separate = all(y[by_round == r].sum() > 0 for r in rounds)
    if separate:
        x = (by_round[:, None] == np.array(rounds)[None, :]).astype(float)
    else:
        x = np.ones((len(y), 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = NegativeBinomial(y, x, offset=np.log(exposure)).fit(disp=0, maxiter=500)
    params = np.asarray(result.params, dtype=float)
    alpha = float(params[-1])
    if not np.all(np.isfinite(params)):
        raise ValueError("the negative binomial fit did not converge")
    rates = {r: math.exp(params[k if separate else 0]) for k, r in enumerate(rounds)}
    return rates, max(alpha, 0.0)


def _predictive(shape: float, rate: float, expected: float):
    """The gamma-Poisson predictive as scipy's negative binomial (None: Poisson)."""
    from scipy import stats

    if shape > 1e10:
        return stats.poisson(expected * shape / rate)
    return stats.nbinom(shape, rate / (rate + expected))


def judge(cells: list[Cell], region: str, round_no: int) -> Judgement:
    """The region's count in the round against its expected level (see the module's doc)."""
    own = {c.round: c for c in cells if c.region == region}
    cell = own.get(round_no)
    if cell is None or cell.value is None:
        return Judgement(level="not reported", note="no value for this round")
    if cell.population is None:
        return Judgement(level="no population", note="no official population for the round")
    rounds = sorted({c.round for c in cells if c.round <= round_no})
    others = [c for c in cells if c.region != region and c.round <= round_no
              and c.value is not None and c.population is not None]
    try:
        rates, alpha = national_fit(others, rounds)
    except ValueError as failed:
        return Judgement(level="no basis", note=str(failed))
    expected_here = cell.population * rates[round_no]
    earlier = [own[s] for s in sorted(own) if s < round_no and own[s].value is not None
               and own[s].population is not None]
    prior = 1 / max(alpha, ALPHA_FLOOR)
    shape = prior + sum(c.value for c in earlier)
    rate = prior + sum(c.population * rates[c.round] for c in earlier)
    predictive = _predictive(shape, rate, expected_here)
    national = _predictive(prior, prior, expected_here)
    mean, sd = float(predictive.mean()), float(predictive.std())
    x = cell.value
    p = float(predictive.sf(x - 1))
    level = "warning" if p < WARNING_P else "watch" if p < WATCH_P else "expected"
    return Judgement(
        national_rate=rates[round_no], alpha=alpha, expected_national=expected_here,
        earlier_rounds=len(earlier), relative_level=shape / rate, expected=mean, sd=sd,
        z_score=(x - mean) / sd if sd > 0 else None, p_value=p,
        p_national=float(national.sf(x - 1)),
        limit_95=float(predictive.ppf(1 - WATCH_P)), limit_998=float(predictive.ppf(1 - WARNING_P)),
        level=level)


def fixed_rule(history: list[float | None], value: float | None) -> bool:
    """The old fixed rule (once marts.monitoring_indicators.early_warning; now only
    marts.monitoring_warnings.fixed_rule_warning, kept for comparison): at least 1.5 times the
    region's mean over its earlier rounds and at least 3 above it; never in a region's first
    round."""
    earlier = [v for v in history if v is not None]
    if value is None or not earlier:
        return False
    mean = sum(earlier) / len(earlier)
    return value >= 1.5 * mean and value - mean >= 3
