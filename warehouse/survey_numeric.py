"""Means, totals and quantiles of numeric questions (marts.study_means, study_quantiles), on
the design engine of warehouse/survey_design.py, with R's survey semantics (checked in
tests/marts/test_study_means.py against tests/r/numeric.R):

- mean (svymean): m = sum w x / W over the domain's respondents with a value; PSU scores
  z_g = sum_{i in g} w_i (x_i - m) / W (centred row by row, as R, not S_g - B_g m);
- total (svytotal): t = sum w x; PSU scores z_g = sum_{i in g} w_i x_i (not centred: a
  single-PSU stratum under `adjust` adds its squared score, as R's onestrat does);
  both variances by survey_design.variances (strata, lonely-PSU rules, domain PSUs of 0);
- quantile (svyquantile's defaults in survey 4.1: qrule "math", interval.type "mean"):
  the smallest value whose weighted share at or below it reaches p (respondents of weight 0
  left out; an exact tie at p takes the lower value), and Woodruff's interval: the share
  P = svymean(x <= q) with its design variance, P -+ t(df) se turned back into values by the
  same rule; a bound outside [0, 1] has no value (R's NaN). The standard error is R's,
  (high - low) / (2 t(df)).

One deliberate difference from R: when the smallest value alone weighs more than p W, R's
qs() (whose `last()` falls back to position 1 and then takes the next value) returns the
SECOND smallest value, which can put the first quartile above the median in a small domain;
Ahual returns the smallest, as the definition says. The test compares those cells with the
definition instead of R.

Same inputs, same bytes: sums by np.bincount in respondent order; cumulative weights in
extended precision, in sorted order, as R's cumsum (a long double accumulator) forms them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from scipy import stats

from ahual.warehouse import store, survey_design, survey_domains

QUANTILES = (0.25, 0.5, 0.75)


@dataclass
class Moments:
    """One numeric variable in each domain of one domain variable (domains with weight)."""

    values: list  # domain values
    mean: np.ndarray
    mean_v: np.ndarray
    total: np.ndarray
    total_v: np.ndarray
    w: np.ndarray  # weighted base
    n: np.ndarray  # respondents with weight
    df: np.ndarray  # PSUs - strata with weight (R's degf)


@dataclass
class Quantiles:
    """D x P: quantile, Woodruff bounds and R's standard error, for domains with weight."""

    values: list
    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    se: np.ndarray
    n: np.ndarray
    df: np.ndarray


def studies(con) -> Iterator[tuple[tuple, survey_design.Design, str, np.ndarray]]:
    """Every numeric variable the registry declares, study by study: ((study_id, lonely_psu,
    interval, fieldwork_end, lonely_strata), design, variable, value per respondent in design
    order (NaN: none)), from warehouse/queries/helper_survey_numeric_{studies,variables,
    respondents,values}.sql. A study without values of a declared variable is skipped."""
    for study_id, batch_id, lonely, interval, fieldwork_end in con.sql(
            store.query("helper_survey_numeric_studies")).fetchall():
        variables = con.sql(store.query("helper_survey_numeric_variables"),
                            params={"study": study_id}).fetchall()
        if not variables:
            continue
        design = survey_design.Design(con.sql(store.query("helper_survey_numeric_respondents"),
                                              params={"batch": batch_id}).to_arrow_table(),
                                      lonely)
        survey_domains.declare(con, design, study_id, batch_id)
        for variable, missing in variables:
            given = con.sql(store.query("helper_survey_numeric_values"), params={
                "batch": batch_id, "variable": variable, "missing": missing or []}
            ).to_arrow_table()
            if not given.num_rows:
                continue
            yield ((study_id, lonely, interval, fieldwork_end, design.lonely_strata), design,
                   variable, values_of(design, given))


def values_of(design: survey_design.Design, given: pa.Table) -> np.ndarray:
    """Per respondent (design order) the value of `given` (source_row, value), NaN without."""
    out = np.full(len(design.source_row), np.nan)
    rows = given.column("source_row").to_numpy().astype(np.int64)
    out[design.positions(rows)] = given.column("value").to_numpy(zero_copy_only=False)
    return out


def critical(df: np.ndarray, normal: bool = False) -> np.ndarray:
    """The 95% two-sided quantile: z, or t on df degrees of freedom (NaN where df < 1)."""
    upper = 1 - (1 - survey_design.CONFIDENCE) / 2
    if normal:
        return np.full(len(df), stats.norm.ppf(upper))
    with np.errstate(invalid="ignore"):
        return np.where(df >= 1, stats.t.ppf(upper, np.maximum(df, 1)), np.nan)


def _domain_rows(design, domain, x):
    """Respondent positions with a value and a domain, their domain, and the domains that
    carry weight (svyby leaves the others out)."""
    ids, values = domain
    rows = np.flatnonzero(~np.isnan(x) & (ids >= 0))
    dom = ids[rows]
    weighted = np.bincount(dom, weights=design.weight[rows], minlength=len(values)) > 0
    return rows, dom, weighted


def moments(design: survey_design.Design, kind: str, x: np.ndarray) -> Moments | None:
    """Mean and total of `x` in each domain of the domain variable `kind`."""
    domain, (group_of, all_dom, all_stratum, _) = design.domains[kind], design.groups[kind]
    rows, dom, weighted = _domain_rows(design, domain, x)
    if not weighted.any():
        return None
    D = len(domain[1])
    w, xs = design.weight[rows], x[rows]
    every = group_of[rows]
    has_rows = np.bincount(every, minlength=len(all_dom)) > 0
    group = (np.cumsum(has_rows) - 1)[every]
    group_dom, group_stratum = all_dom[has_rows], all_stratum[has_rows]
    G = len(group_dom)
    w_d = np.bincount(dom, weights=w, minlength=D)
    total = np.bincount(dom, weights=w * xs, minlength=D)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / w_d
        z_mean = np.bincount(group, weights=w * (xs - mean[dom]) / w_d[dom], minlength=G)
    z_total = np.bincount(group, weights=w * xs, minlength=G)
    both = np.column_stack([z_mean, z_total])
    v = survey_design.variances(design, both, group_dom, group_stratum, D, 2)
    n = np.bincount(dom[w > 0], minlength=D)
    keep = np.flatnonzero(weighted)
    return Moments([domain[1][d] for d in keep], mean[keep], v[keep, 0], total[keep],
                   v[keep, 1], w_d[keep], n[keep], _degf(design, rows, dom, D)[keep])


def _degf(design, rows, dom, D) -> np.ndarray:
    """PSUs minus strata among the respondents with weight, per domain (R's degf)."""
    positive = design.weight[rows] > 0
    rows, dom = rows[positive], dom[positive]
    psus = np.unique(dom * (len(design.psu_stratum) + 1) + design.psu[rows])
    strata = np.unique(dom * (len(design.n_psu) + 1) + design.stratum[rows])
    return (np.bincount(psus // (len(design.psu_stratum) + 1), minlength=D)
            - np.bincount(strata // (len(design.n_psu) + 1), minlength=D))


def quantiles(design: survey_design.Design, kind: str, x: np.ndarray,
              probabilities: tuple[float, ...] = QUANTILES) -> Quantiles | None:
    """svyquantile(~x, domain, quantiles) with R's default interval in each domain of `kind`."""
    domain, groups = design.domains[kind], design.groups[kind]
    rows, dom, weighted = _domain_rows(design, domain, x)
    if not weighted.any():
        return None
    D, P = len(domain[1]), len(probabilities)
    keep = np.flatnonzero(weighted)
    df = _degf(design, rows, dom, D)
    t = critical(df)
    estimate = np.full((D, P), np.nan)
    low, high = estimate.copy(), estimate.copy()
    rules = {}
    for d in keep:
        mine = rows[dom == d]
        w = design.weight[mine]
        rules[d] = _Rule(x[mine][w > 0], w[w > 0])
        estimate[d] = [rules[d](p) for p in probabilities]
    for k in range(P):
        above = (x[rows] > estimate[dom, k]).astype(np.int64)  # category 0: x <= quantile
        s = survey_design.scores(design, domain, groups, rows, above, 2)
        v = survey_design.variances(design, s.z, s.group_dom, s.group_stratum, D, 2)[:, 0]
        with np.errstate(invalid="ignore"):
            lower, upper = s.p[:, 0] - t * np.sqrt(v), s.p[:, 0] + t * np.sqrt(v)
        for d in keep:
            low[d, k] = rules[d](lower[d]) if lower[d] >= 0 else np.nan
            high[d, k] = rules[d](upper[d]) if upper[d] <= 1 else np.nan
    with np.errstate(invalid="ignore"):
        se = (high - low) / (2 * t[:, None])
    n = np.bincount(dom[design.weight[rows] > 0], minlength=D)
    return Quantiles([domain[1][d] for d in keep], estimate[keep], low[keep], high[keep],
                     se[keep], n[keep], df[keep])


class _Rule:
    """R's qrule "math" on one domain's values of positive weight (in respondent order)."""

    def __init__(self, x: np.ndarray, w: np.ndarray):
        order = np.argsort(x, kind="stable")  # R's order(): ties keep respondent order
        self.x = x[order]
        # R sums in a long double accumulator: sum(w) in respondent order, cumsum sorted
        self.cumw = np.cumsum(w[order].astype(np.longdouble)).astype(np.float64)
        self.total = float(np.cumsum(w.astype(np.longdouble))[-1])

    def __call__(self, p: float) -> float:
        if np.isnan(p):
            return np.nan
        at = int(np.searchsorted(self.cumw, p * self.total, side="right")) - 1
        if at < 0:  # the smallest value alone reaches p (R takes the next one: see above)
            return float(self.x[0])
        if p - self.cumw[at] / self.total == 0:
            return float(self.x[at])
        return float(self.x[min(at + 1, len(self.x) - 1)])
