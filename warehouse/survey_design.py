"""The survey design engine of the study marts (marts.study_estimates, study_differences,
study_crosstabs, study_crosstab_tests): one study's design as arrays, the linearised PSU scores
of domain proportions, their variances and covariances under R's lonely-PSU rules, contrasts of
two domains of one design, and the 95% intervals. A helper module: the runner rebuilds every
mart that imports it when it changes.

The semantics are R's survey package's, checked cell by cell in tests/marts/ (see the
docstring of warehouse/marts/study_estimates.py for the estimator and the variance):

    z_gc = B_g (A_gc / B_g - p_c) / W       for each PSU g of the domain (A, B its sums)
    V_c  = sum_h n_h / (n_h - 1) * sum_j (z_hjc - zbar_hc)^2

with n_h every PSU of stratum h in the study. A difference of two domains of one design has the
PSU scores z_A - z_B (the covariance counts, as svyby(covariance = TRUE) + svycontrast); the
covariance of the categories of one domain the cross products of the same centred scores (as
svymean's `var` attribute of a factor).

Same inputs, same bytes: every sum runs in one fixed order (np.bincount loops over its input in
order; groups are numbered in sorted (domain, PSU) order), and no sum goes through BLAS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import stats

CONFIDENCE = 0.95
SUPPRESS_BELOW = 30  # respondents who answered, in the domain (README: reliability)
DOMAIN_KINDS = ("national", "region", "sex", "age_group")
DOMAIN_COLUMNS = {"region": "region_code", "sex": "sex", "age_group": "age_group"}
LONELY_RULES = ("fail", "remove", "certainty", "adjust", "average")
INTERVALS = ("normal", "t", "logit", "beta")


def column_sum(matrix: np.ndarray) -> np.ndarray:
    """Row sums of a 2-D array, adding the columns left to right (one fixed order)."""
    total = matrix[:, 0].copy()
    for c in range(1, matrix.shape[1]):
        total += matrix[:, c]
    return total


def ids_of(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list]:
    """Integer ids of values in sorted order (null -> -1) and the sorted distinct values."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    distinct = pc.unique(values.drop_null())
    distinct = distinct.take(pc.sort_indices(distinct))
    ids = pc.fill_null(pc.index_in(values, value_set=distinct), -1)
    return ids.to_numpy(zero_copy_only=False).astype(np.int64), distinct.to_pylist()


class Design:
    """One study's respondents as arrays, in source-row order (`rows`: an Arrow table of
    core.survey_respondents ordered by source_row)."""

    def __init__(self, rows: pa.Table, lonely: str):
        if lonely not in LONELY_RULES:
            raise ValueError(f"lonely_psu must be one of {LONELY_RULES}, not {lonely!r}")
        self.lonely = lonely
        n = rows.num_rows
        self.source_row = rows.column("source_row").to_numpy().astype(np.int64)
        self.weight = rows.column("weight").to_numpy().astype(np.float64)
        stratum_column, psu_column = rows.column("stratum"), rows.column("psu")
        # a respondent without a stratum is in the stratum "" (the one stratum of a design
        # without strata); a PSU is (stratum, psu), and a respondent without a psu is a PSU of
        # its own
        self.stratum, _ = ids_of(pc.fill_null(stratum_column.cast(pa.string()), ""))
        psu, psus = ids_of(psu_column.cast(pa.string()))
        width = len(psus) + 1
        key = np.where(psu >= 0, self.stratum * width + psu,
                       (int(self.stratum.max(initial=0)) + 1) * width + np.arange(n))
        distinct, self.psu = np.unique(key, return_inverse=True)
        self.psu = self.psu.astype(np.int64)
        self.psu_stratum = np.zeros(len(distinct), dtype=np.int64)
        self.psu_stratum[self.psu] = self.stratum
        self.n_psu = np.bincount(self.psu_stratum)  # n_h, every PSU of the study
        self.lonely_strata = int((self.n_psu == 1).sum())
        self.domains = {"national": (np.zeros(n, dtype=np.int64), [None])}
        for kind, column in DOMAIN_COLUMNS.items():
            self.domains[kind] = ids_of(rows.column(column).cast(pa.string()))
        self.groups = {kind: self.group(ids) for kind, (ids, _) in self.domains.items()}
        has_stratum = stratum_column.null_count < n
        has_psu = psu_column.null_count < n
        self.variance_method = ("taylor: strata+psu" if has_stratum and has_psu else
                                "taylor: psu" if has_psu else
                                "taylor: strata" if has_stratum else "taylor: weights only")
        dense = n and self.source_row[-1] < 4 * n + 16
        self._position = None
        if dense:
            self._position = np.full(int(self.source_row[-1]) + 1, -1, dtype=np.int64)
            self._position[self.source_row] = np.arange(n)

    def group(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """PSU-in-domain groups of a domain variable (`ids`: its index per respondent, -1
        outside every domain), numbered in (domain, psu) order: every sum over groups runs in
        this order. (group of each respondent, domain, stratum and PSU of each group)"""
        width = len(self.psu_stratum) + 1
        member = ids >= 0
        key = ids * width + self.psu
        found, inverse = np.unique(key[member], return_inverse=True)
        group_of = np.full(len(ids), -1, dtype=np.int64)
        group_of[member] = inverse
        group_psu = found % width
        return group_of, found // width, self.psu_stratum[group_psu], group_psu

    def positions(self, source_rows: np.ndarray) -> np.ndarray:
        if self._position is not None:
            return self._position[source_rows]
        return np.searchsorted(self.source_row, source_rows)


def codebook(categories: pa.Table) -> tuple[dict[str, np.ndarray], dict[tuple, tuple]]:
    """From a study's categories (variable, code, label_kk, label_ru, label_en; ordered by
    variable and code): each question's substantive codes in order, and each (variable, code)'s
    (kk, ru, en) labels."""
    rows = categories.to_pydict()
    by_variable: dict[str, list[int]] = {}
    labels = {}
    for i, (variable, code) in enumerate(zip(rows["variable"], rows["code"], strict=True)):
        by_variable.setdefault(variable, []).append(code)
        labels[(variable, code)] = (rows["label_kk"][i], rows["label_ru"][i], rows["label_en"][i])
    return {v: np.asarray(c, dtype=np.int64) for v, c in by_variable.items()}, labels


def chosen(design: Design, answers: pa.Table, known: np.ndarray) -> np.ndarray:
    """Per respondent (design order), the index in `known` (sorted codes) of its substantive
    answer to one question (`answers`: source_row, code, in any order); -1 without one."""
    source_rows = answers.column("source_row").to_numpy().astype(np.int64)
    codes_given = answers.column("code").to_numpy().astype(np.int64)
    index = np.searchsorted(known, codes_given)
    substantive = (index < len(known)) & (known[np.minimum(index, len(known) - 1)]
                                          == codes_given)
    # each respondent answers a question once: scattered into respondent order, no sort
    out = np.full(len(design.source_row), -1, dtype=np.int64)
    out[design.positions(source_rows[substantive])] = index[substantive]
    return out


def sum_by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per index 0..size-1, the sum of `values` rows (2-D: per column), added in the order of
    the rows: bincount loops over its input in order, so the result is the same every time."""
    return np.stack([np.bincount(index, weights=values[:, c], minlength=size)
                     for c in range(values.shape[1])], axis=1) if values.shape[1] else \
        np.zeros((size, 0))


@dataclass
class Scores:
    """One domain variable x one question: per domain (D of them, sorted) and category (C),
    the proportion and what its variance and interval need; per PSU-in-domain group (G, in
    (domain, psu) order) the linearised scores z (G x C)."""

    values: list  # the domain values, in domain order
    p: np.ndarray  # D x C
    w: np.ndarray  # D: weighted base
    n: np.ndarray  # D: respondents with weight
    n_rows: np.ndarray  # D: respondents, zero weights too (Korn-Graubard's n)
    n_category: np.ndarray  # D x C: respondents with weight who chose the category
    df: np.ndarray  # D: PSUs - strata with weight (R's degf)
    z: np.ndarray  # G x C
    b: np.ndarray  # G: weight of the group's answers
    group_dom: np.ndarray
    group_stratum: np.ndarray
    group_psu: np.ndarray


def scores(design: Design, domain: tuple[np.ndarray, list], groups: tuple, rows: np.ndarray,
           categories: np.ndarray, n_categories: int) -> Scores | None:
    """The proportions of one question's categories in each domain of one domain variable.

    `domain` is (index per respondent, -1 outside; values), `groups` design.group() of its
    index; `rows` are respondent positions and `categories` the answer's category index
    (0..C-1), one entry per substantive answer, sorted by position. None: no answer in any
    domain."""
    C = n_categories
    ids, values = domain
    group_of, all_group_dom, all_group_stratum, all_group_psu = groups
    dom = ids[rows]
    keep = dom >= 0
    dom, cat, w = dom[keep], categories[keep], design.weight[rows][keep]
    if not len(dom):
        return None
    # the groups with rows of this question (zero weights too), in their order
    every = group_of[rows[keep]]
    has_rows = np.bincount(every, minlength=len(all_group_dom)) > 0
    compact = np.cumsum(has_rows) - 1
    group = compact[every]
    group_dom, group_stratum = all_group_dom[has_rows], all_group_stratum[has_rows]
    G, D = len(group_dom), len(values)
    a_g = np.bincount(group * C + cat, weights=w, minlength=G * C).reshape(G, C)
    b_g = column_sum(a_g)
    a_d = sum_by(group_dom, a_g, D)  # groups added in their sorted order
    w_d = column_sum(a_d)
    positive = w > 0
    n_d = np.bincount(dom[positive], minlength=D)
    n_rows_d = np.bincount(dom, minlength=D)
    n_dc = np.bincount(dom[positive] * C + cat[positive], minlength=D * C).reshape(D, C)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_d = a_d / w_d[:, None]
        share_g = np.where(b_g[:, None] > 0, a_g / b_g[:, None], 0.0)
        z = b_g[:, None] * (share_g - p_d[group_dom]) / w_d[group_dom][:, None]
    z[b_g == 0] = 0.0
    # degrees of freedom: PSUs minus strata that carry weight in the domain (R's degf)
    weighted = b_g > 0
    psus_d = np.bincount(group_dom[weighted], minlength=D)
    pairs = np.unique(group_dom[weighted] * (len(design.n_psu) + 1) + group_stratum[weighted])
    strata_d = np.bincount(pairs // (len(design.n_psu) + 1), minlength=D)
    return Scores(values, p_d, w_d, n_d, n_rows_d, n_dc, psus_d - strata_d, z, b_g, group_dom,
                  group_stratum, all_group_psu[has_rows])


def variances(design: Design, z: np.ndarray, group_dom: np.ndarray, group_stratum: np.ndarray,
              D: int, C: int, cross: bool = False) -> np.ndarray:
    """V per domain x category from the PSU scores z (groups x categories), stratum by stratum
    with centred sums; empty PSUs of a stratum count with z = 0. With `cross`, the covariances
    of the categories instead (D x C x C)."""
    H = len(design.n_psu)
    cell = group_dom * H + group_stratum  # (domain, stratum) of each group
    cells, inverse = np.unique(cell, return_inverse=True)
    m = np.bincount(inverse)  # PSUs of the stratum with domain members
    n_h = design.n_psu[cells % H].astype(np.float64)
    sum_z = sum_by(inverse, z, len(cells))
    mean = sum_z / n_h[:, None]
    if cross:
        ss = sum_by(inverse, _outer(z - mean[inverse]), len(cells))
        ss += (n_h - m)[:, None] * _outer(mean)
    else:
        ss = sum_by(inverse, (z - mean[inverse]) ** 2, len(cells))
        ss += (n_h - m)[:, None] * mean ** 2
    lonely = n_h == 1
    contribution = np.where(lonely[:, None], 0.0, ss * (n_h / np.maximum(n_h - 1, 1))[:, None])
    if design.lonely == "adjust":
        # R: a single-PSU stratum is centred at the grand mean of the scores, which is 0
        sq = sum_by(inverse, _outer(z) if cross else z ** 2, len(cells))
        contribution = np.where(lonely[:, None], sq, contribution)
    v = sum_by(cells // H, contribution, D)
    if design.lonely == "fail":
        # R stops ("Stratum (h) has only one PSU") for any domain with a row in such a stratum;
        # ingest refuses those files, so this is only a registry changed after a load
        touched = np.bincount(cells // H, weights=lonely, minlength=D) > 0
        v[touched] = np.nan
    if design.lonely == "average":
        # R: the lonely strata's share is the average of the others' (scaled by strata/ok strata)
        strata = np.bincount(cells // H, minlength=D).astype(np.float64)
        ok = np.bincount(cells // H, weights=~lonely, minlength=D)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = v * (strata / ok)[:, None]
    return v.reshape(D, C, C) if cross else v


def _outer(x: np.ndarray) -> np.ndarray:
    """Row by row, the products x_i x_j of the columns (rows x C*C)."""
    return (x[:, :, None] * x[:, None, :]).reshape(len(x), -1)


def contrast(design: Design, s: Scores, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Variance (P x C) and degrees of freedom (P) of p_A - p_B for P pairs (A, B) of domains
    of one domain variable of one design: the PSU scores z_A - z_B, so the covariance of the
    two estimates counts (svyby(covariance = TRUE) + svycontrast); the strata of either domain
    are the contrast's (the lonely-PSU rules as for one domain). df as svyttest's: PSUs minus
    strata with weight in either domain, minus 1 (the difference's own parameter)."""
    width = len(design.psu_stratum)
    starts = np.searchsorted(s.group_dom, np.arange(len(s.values) + 1))
    index, sign, pair_of = [], [], []
    for k, (a, b) in enumerate(pairs):
        for d, direction in ((a, 1.0), (b, -1.0)):
            found = np.arange(starts[d], starts[d + 1])
            index.append(found)
            sign.append(np.full(len(found), direction))
            pair_of.append(np.full(len(found), k, dtype=np.int64))
    index, sign, pair_of = (np.concatenate(x) for x in (index, sign, pair_of))
    found, inverse = np.unique(pair_of * width + s.group_psu[index], return_inverse=True)
    u = sum_by(inverse, s.z[index] * sign[:, None], len(found))  # A then B: a fixed order
    pair, psu = found // width, found % width
    stratum = design.psu_stratum[psu]
    v = variances(design, u, pair, stratum, len(pairs), s.z.shape[1])
    weighted = np.bincount(inverse, weights=s.b[index], minlength=len(found)) > 0
    psus = np.bincount(pair[weighted], minlength=len(pairs))
    H = len(design.n_psu) + 1
    strata = np.bincount(np.unique(pair[weighted] * H + stratum[weighted]) // H,
                         minlength=len(pairs))
    return v, psus - strata - 1


def significance(difference: np.ndarray, se: np.ndarray, df: np.ndarray | None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(statistic, p-value, ci_low, ci_high) of a difference at 95%: t on `df` degrees of
    freedom (svyttest), or z where df is None (independent samples). Undefined (NaN) where the
    standard error is 0 or missing, or df < 1."""
    alpha = 1 - CONFIDENCE
    with np.errstate(invalid="ignore", divide="ignore"):
        statistic = np.where(se > 0, difference / se, np.nan)
        if df is None:
            p_value = 2 * stats.norm.sf(np.abs(statistic))
            q = stats.norm.ppf(1 - alpha / 2)
        else:
            usable = df >= 1
            statistic = np.where(usable, statistic, np.nan)
            dof = np.maximum(df, 1)
            p_value = 2 * stats.t.sf(np.abs(statistic), dof)
            q = np.where(usable, stats.t.ppf(1 - alpha / 2, dof), np.nan)
        low, high = difference - q * se, difference + q * se
    return statistic, p_value, low, high


def intervals(p: np.ndarray, v: np.ndarray, df: np.ndarray, n_rows: np.ndarray, method: str
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, high, method used) for 95% intervals; NaN where the method is undefined (t-based
    intervals need df >= 1). A proportion of exactly 0 or 1 has a standard error of 0 under
    every method, so normal and t would claim certainty ([p, p]) and logit does not exist:
    its interval is Korn-Graubard's whatever the method, and `ci_method` says beta."""
    if method not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}, not {method!r}")
    alpha = 1 - CONFIDENCE
    se = np.sqrt(v)
    used = np.full(len(p), method, dtype=object)
    inner = (p > 0) & (p < 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(df >= 1, stats.t.ppf(1 - alpha / 2, np.maximum(df, 1)), np.nan)
        beta_low, beta_high = _beta(p, v, df, n_rows, alpha)
        if method == "normal":
            q = stats.norm.ppf(1 - alpha / 2)
            low, high = np.clip(p - q * se, 0, 1), np.clip(p + q * se, 0, 1)
        elif method == "t":
            low, high = np.clip(p - t * se, 0, 1), np.clip(p + t * se, 0, 1)
        elif method == "logit":
            logit = np.log(p / (1 - p))
            half = t * se / (p * (1 - p))
            low, high = 1 / (1 + np.exp(-(logit - half))), 1 / (1 + np.exp(-(logit + half)))
        else:
            low, high = beta_low, beta_high
    low, high = np.where(inner, low, beta_low), np.where(inner, high, beta_high)
    used[~inner] = "beta"
    return low, high, used


def _beta(p, v, df, n_rows, alpha):
    """Korn-Graubard: Clopper-Pearson on the effective sample size, adjusted for the design's
    degrees of freedom; with no variance to go on (p = 0 or 1, or V = 0), the respondents."""
    with np.errstate(invalid="ignore", divide="ignore"):
        n_eff = np.where((v > 0) & (p > 0) & (p < 1), p * (1 - p) / v, n_rows)
        ratio = np.where((df >= 1) & (n_rows >= 2),
                         stats.t.ppf(alpha / 2, np.maximum(n_rows - 1, 1))
                         / stats.t.ppf(alpha / 2, np.maximum(df, 1)), np.nan)
        n_eff = n_eff * ratio ** 2
        x, rest = n_eff * p, n_eff * (1 - p)  # as svyciprop(method = "beta") writes them
        low = np.where(p > 0, stats.beta.ppf(alpha / 2, x, rest + 1), 0.0)
        high = np.where(p < 1, stats.beta.ppf(1 - alpha / 2, x + 1, rest), 1.0)
        undefined = np.isnan(n_eff)
    return np.where(undefined, np.nan, low), np.where(undefined, np.nan, high)


