"""marts.study_estimates: design-based estimates for every study x question x answer category x
domain (national, region, sex, age group). A Python model: SQL has no t or beta quantiles, and
no sum of doubles whose result does not depend on the order of its terms.

Checked cell by cell against R's survey package (tests/marts/test_study_estimates.py,
tests/r/): estimate, standard error, degrees of freedom and every interval method under every
lonely-PSU rule, for files built from R's own design data sets.

Estimate: the weighted proportion p = A / W over the domain's respondents who gave a
substantive answer (missing-value codes such as "hard to say" are not in the base); A sums the
weights of those who chose the category, W those of every substantive answer. A respondent of
weight 0 adds nothing and is not counted in n_unweighted, but stays in the design as R keeps
it: its PSU is one of its stratum's n_h, it is a row of the domain for Korn-Graubard's n, and
it is not a PSU with weight for the degrees of freedom. A domain without weight is left out
(as svyby leaves it out).

Variance: Taylor linearisation of the ratio with the with-replacement PSU approximation, as R's
survey package computes it for `svyby(~I(q == c), ~domain, design, svymean)` on
`svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE)`:

    z_gc = B_g (A_gc / B_g - p_c) / W       for each PSU g of the domain (A, B its sums)
    V_c  = sum_h n_h / (n_h - 1) * sum_j (z_hjc - zbar_hc)^2

where n_h counts every PSU of stratum h in the study (PSUs with nobody in the domain have z =
0 and are counted: domain estimation keeps the whole design), and a respondent without a PSU
is a PSU of its own. Strata with a single PSU (n_h = 1) follow the study's `lonely_psu` rule
with R's semantics (survey.adjust.domain.lonely = FALSE; datasets/reference/studies/README.md):
remove and certainty add 0; adjust adds the PSU's squared score (centred at the grand mean,
0); average scales the other strata's sum by strata / strata with several PSUs, among the
strata of the domain (NaN when there are none); fail gives no variance to a domain with a row
in such a stratum (R stops there; ingest refuses such files, so this is only a registry changed
after a load).

Same inputs, same bytes: every sum runs in one fixed order (respondents by source row, PSUs
and strata by their sorted ids; np.bincount loops over its input in order), W is the sum of
the categories' A in code order and each PSU's B the sum of its own A in the same order. So
p = 1 exactly when a domain chose one category, and z = 0 exactly for a domain inside one PSU
(A_g / B_g is then the very division that made p), whose variance is then exactly 0.
Variances are centred sums (two passes), never the expansion sum(z^2) - (sum z)^2 / n, which
leaves rounding noise where the truth is 0. Nothing depends on DuckDB's thread count: every
query is ordered or its rows are placed by key.

Intervals (95%): `normal` (z), `t` on the domain's degrees of freedom (PSUs - strata with
weight in the domain, R's degf), `logit` (R's svyciprop default: the t interval of logit(p))
and `beta` (Korn-Graubard, svyciprop method "beta"), each as R computes it (normal and t
clipped to [0, 1]). A proportion of exactly 0 or 1 has a standard error of 0: normal and t
would claim certainty and logit does not exist, so its interval is the beta one whatever the
method, with the domain's respondents as the effective sample size (R gives NaN there). The
method used is in `ci_method`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ahual.warehouse import store

# what warehouse/queries/model_study_estimates_*.sql read (the runner orders by it)
READS = ("core.survey_respondents", "core.survey_categories", "core.survey_batches",
         "staging.stg_survey_answers", "staging.stg_studies")
CONFIDENCE = 0.95
SUPPRESS_BELOW = 30  # respondents who answered, in the domain (README: reliability)
DOMAIN_KINDS = ("national", "region", "sex", "age_group")
LONELY_RULES = ("fail", "remove", "certainty", "adjust", "average")
INTERVALS = ("normal", "t", "logit", "beta")


def _column_sum(matrix: np.ndarray) -> np.ndarray:
    """Row sums of a 2-D array, adding the columns left to right (one fixed order)."""
    total = matrix[:, 0].copy()
    for c in range(1, matrix.shape[1]):
        total += matrix[:, c]
    return total


def _ids(values: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, list]:
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
        self.stratum, _ = _ids(pc.fill_null(stratum_column.cast(pa.string()), ""))
        psu, psus = _ids(psu_column.cast(pa.string()))
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
        for kind, column in (("region", "region_code"), ("sex", "sex"),
                             ("age_group", "age_group")):
            self.domains[kind] = _ids(rows.column(column).cast(pa.string()))
        # PSU-in-domain groups of every domain kind, numbered in (domain, psu) order: every
        # sum over groups runs in this order
        self.groups = {}
        for kind, (ids, _) in self.domains.items():
            member = ids >= 0
            key = ids * (len(distinct) + 1) + self.psu
            found, inverse = np.unique(key[member], return_inverse=True)
            group_of = np.full(n, -1, dtype=np.int64)
            group_of[member] = inverse
            group_dom = found // (len(distinct) + 1)
            group_psu = found % (len(distinct) + 1)
            self.groups[kind] = (group_of, group_dom, self.psu_stratum[group_psu])
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

    def positions(self, source_rows: np.ndarray) -> np.ndarray:
        if self._position is not None:
            return self._position[source_rows]
        return np.searchsorted(self.source_row, source_rows)


def _sum_by(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Per index 0..size-1, the sum of `values` rows (2-D: per column), added in the order of
    the rows: bincount loops over its input in order, so the result is the same every time."""
    return np.stack([np.bincount(index, weights=values[:, c], minlength=size)
                     for c in range(values.shape[1])], axis=1) if values.shape[1] else \
        np.zeros((size, 0))


def estimate(design: Design, rows: np.ndarray, categories: np.ndarray, n_categories: int
             ) -> dict[str, np.ndarray]:
    """Every domain x category of one question.

    `rows` are respondent positions, `categories` the answer's category index (0..C-1), one
    entry per substantive answer, sorted by position. Returns flat arrays, one entry per
    domain (in DOMAIN_KINDS order, then by sorted domain value) x category."""
    C = n_categories
    out: dict[str, list] = {k: [] for k in (
        "kind", "ref", "code", "p", "v", "df", "n", "n_rows", "n_category", "w")}
    w_all = design.weight[rows]
    for kind in DOMAIN_KINDS:
        ids, values = design.domains[kind]
        group_of, all_group_dom, all_group_stratum = design.groups[kind]
        dom = ids[rows]
        keep = dom >= 0
        dom, cat, w = dom[keep], categories[keep], w_all[keep]
        if not len(dom):
            continue
        # the groups with rows of this question (zero weights too), in their order
        every = group_of[rows[keep]]
        has_rows = np.bincount(every, minlength=len(all_group_dom)) > 0
        compact = np.cumsum(has_rows) - 1
        group = compact[every]
        group_dom, group_stratum = all_group_dom[has_rows], all_group_stratum[has_rows]
        G, D = len(group_dom), len(values)
        a_g = np.bincount(group * C + cat, weights=w, minlength=G * C).reshape(G, C)
        b_g = _column_sum(a_g)
        a_d = _sum_by(group_dom, a_g, D)  # groups added in their sorted order
        w_d = _column_sum(a_d)
        positive = w > 0
        n_d = np.bincount(dom[positive], minlength=D)
        n_rows_d = np.bincount(dom, minlength=D)
        n_dc = np.bincount(dom[positive] * C + cat[positive], minlength=D * C).reshape(D, C)
        with np.errstate(invalid="ignore", divide="ignore"):
            p_d = a_d / w_d[:, None]
            share_g = np.where(b_g[:, None] > 0, a_g / b_g[:, None], 0.0)
            z = b_g[:, None] * (share_g - p_d[group_dom]) / w_d[group_dom][:, None]
        z[b_g == 0] = 0.0
        v_d = _variances(design, z, group_dom, group_stratum, D, C)
        # degrees of freedom: PSUs minus strata that carry weight in the domain (R's degf)
        weighted = b_g > 0
        psus_d = np.bincount(group_dom[weighted], minlength=D)
        pairs = np.unique(group_dom[weighted] * (len(design.n_psu) + 1) + group_stratum[weighted])
        strata_d = np.bincount(pairs // (len(design.n_psu) + 1), minlength=D)
        df_d = psus_d - strata_d
        present = w_d > 0  # R's svyby leaves out a domain that carries no weight
        for d in np.flatnonzero(present):
            for c in range(C):
                out["kind"].append(kind)
                out["ref"].append(values[d])
                out["code"].append(c)
                out["p"].append(p_d[d, c])
                out["v"].append(v_d[d, c])
                out["df"].append(df_d[d])
                out["n"].append(n_d[d])
                out["n_rows"].append(n_rows_d[d])
                out["n_category"].append(n_dc[d, c])
                out["w"].append(w_d[d])
    integers = {"code", "df", "n", "n_rows", "n_category"}
    return {k: np.asarray(v, dtype=np.int64 if k in integers else None) for k, v in out.items()}


def _variances(design: Design, z: np.ndarray, group_dom: np.ndarray, group_stratum: np.ndarray,
               D: int, C: int) -> np.ndarray:
    """V per domain x category from the PSU scores z (groups x categories), stratum by stratum
    with centred sums; empty PSUs of a stratum count with z = 0."""
    H = len(design.n_psu)
    cell = group_dom * H + group_stratum  # (domain, stratum) of each group
    cells, inverse = np.unique(cell, return_inverse=True)
    m = np.bincount(inverse)  # PSUs of the stratum with domain members
    n_h = design.n_psu[cells % H].astype(np.float64)
    sum_z = _sum_by(inverse, z, len(cells))
    mean = sum_z / n_h[:, None]
    ss = _sum_by(inverse, (z - mean[inverse]) ** 2, len(cells))
    ss += (n_h - m)[:, None] * mean ** 2
    lonely = n_h == 1
    contribution = np.where(lonely[:, None], 0.0, ss * (n_h / np.maximum(n_h - 1, 1))[:, None])
    if design.lonely == "adjust":
        # R: a single-PSU stratum is centred at the grand mean of the scores, which is 0
        sq = _sum_by(inverse, z ** 2, len(cells))
        contribution = np.where(lonely[:, None], sq, contribution)
    v = _sum_by(cells // H, contribution, D)
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
    return v


def intervals(p: np.ndarray, v: np.ndarray, df: np.ndarray, n_rows: np.ndarray, method: str
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, high, method used) for 95% intervals; NaN where the method is undefined (t-based
    intervals need df >= 1). A proportion of exactly 0 or 1 has a standard error of 0 under
    every method, so normal and t would claim certainty ([p, p]) and logit does not exist:
    its interval is Korn-Graubard's whatever the method, and `ci_method` says beta."""
    from scipy import stats

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
    from scipy import stats

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


def build(con) -> pa.Table:
    studies = con.sql(store.query("model_study_estimates_studies")).fetchall()
    parts = [_study(con, *study) for study in studies]
    return pa.concat_tables(parts) if parts else _table({}, empty=True)


def _study(con, study_id, batch_id, lonely, method, title_en, fieldwork_end) -> pa.Table:
    rows = con.sql(store.query("model_study_estimates_respondents"),
                   params={"batch": batch_id}).to_arrow_table()
    design = Design(rows, lonely)
    weights_used = "; ".join(sorted(pc.unique(rows.column("weights_used")).to_pylist()))
    del rows
    categories = con.sql(store.query("model_study_estimates_categories"),
                         params={"study": study_id}).to_arrow_table().to_pydict()
    by_variable: dict[str, list[int]] = {}
    labels = {}
    for i, (variable, code) in enumerate(zip(categories["variable"], categories["code"],
                                             strict=True)):
        by_variable.setdefault(variable, []).append(code)
        labels[(variable, code)] = (categories["label_kk"][i], categories["label_ru"][i],
                                    categories["label_en"][i])
    columns: dict[str, list] = {}
    answers_sql = store.query("model_study_estimates_answers")
    for variable, codes in by_variable.items():
        answers = con.sql(answers_sql,
                          params={"batch": batch_id, "variable": variable}).to_arrow_table()
        source_rows = answers.column("source_row").to_numpy().astype(np.int64)
        codes_given = answers.column("code").to_numpy().astype(np.int64)
        del answers
        known = np.asarray(codes, dtype=np.int64)  # sorted: ORDER BY code
        index = np.searchsorted(known, codes_given)
        substantive = (index < len(known)) & (known[np.minimum(index, len(known) - 1)]
                                              == codes_given)
        # each respondent answers a question once: scattered into respondent order, no sort
        chosen = np.full(len(design.source_row), -1, dtype=np.int64)
        chosen[design.positions(source_rows[substantive])] = index[substantive]
        positions = np.flatnonzero(chosen >= 0)
        cells = estimate(design, positions, chosen[positions], len(known))
        low, high, used = intervals(cells["p"], cells["v"], cells["df"], cells["n_rows"], method)
        _append(columns, study_id, variable, cells, known, labels, low, high, used, design,
                weights_used, title_en, fieldwork_end)
    return _table(columns)


def _append(columns, study_id, variable, cells, known, labels, low, high, used, design,
            weights_used, title_en, fieldwork_end) -> None:
    n = len(cells["p"])
    with np.errstate(invalid="ignore", divide="ignore"):
        p, v, count = cells["p"], cells["v"], cells["n"]
        deff = np.where((p > 0) & (p < 1) & (count > 1),
                        v / (p * (1 - p) / np.maximum(count - 1, 1)), np.nan)
    codes = known[cells["code"]]
    values = {
        "study_id": [study_id] * n,
        "variable": [variable] * n,
        "category_code": codes.tolist(),
        "category": [labels[(variable, int(c))][2] for c in codes],
        "label_kk": [labels[(variable, int(c))][0] for c in codes],
        "label_ru": [labels[(variable, int(c))][1] for c in codes],
        "label_en": [labels[(variable, int(c))][2] for c in codes],
        "domain": ["national" if k == "national" else f"{k}={r}"
                   for k, r in zip(cells["kind"], cells["ref"], strict=True)],
        "domain_kind": cells["kind"].tolist(),
        "domain_value": [None if k == "national" else r
                         for k, r in zip(cells["kind"], cells["ref"], strict=True)],
        "estimate": p.tolist(),
        "std_error": np.sqrt(v).tolist(),
        "ci_low": low.tolist(),
        "ci_high": high.tolist(),
        "ci_method": used.tolist(),
        "df": cells["df"].tolist(),
        "n_unweighted": count.tolist(),
        "n_category_unweighted": cells["n_category"].tolist(),
        "weighted_base": cells["w"].tolist(),
        "deff": deff.tolist(),
        "weights_used": [weights_used] * n,
        "variance_method": [design.variance_method] * n,
        "lonely_psu": [design.lonely] * n,
        "lonely_strata": [design.lonely_strata] * n,
        "suppressed": (count < SUPPRESS_BELOW).tolist(),
        "study_title_en": [title_en] * n,
        "fieldwork_end": [fieldwork_end] * n,
    }
    for key, items in values.items():
        columns.setdefault(key, []).extend(items)


SCHEMA = pa.schema([
    ("study_id", pa.string()), ("variable", pa.string()), ("category_code", pa.int32()),
    ("category", pa.string()), ("label_kk", pa.string()), ("label_ru", pa.string()),
    ("label_en", pa.string()), ("domain", pa.string()), ("domain_kind", pa.string()),
    ("domain_value", pa.string()), ("estimate", pa.float64()), ("std_error", pa.float64()),
    ("ci_low", pa.float64()), ("ci_high", pa.float64()), ("ci_method", pa.string()),
    ("df", pa.int64()), ("n_unweighted", pa.int64()), ("n_category_unweighted", pa.int64()),
    ("weighted_base", pa.float64()), ("deff", pa.float64()), ("weights_used", pa.string()),
    ("variance_method", pa.string()), ("lonely_psu", pa.string()),
    ("lonely_strata", pa.int64()), ("suppressed", pa.bool_()),
    ("study_title_en", pa.string()), ("fieldwork_end", pa.date32()),
])


def _table(columns: dict[str, list], empty: bool = False) -> pa.Table:
    if empty or not columns:
        return SCHEMA.empty_table()
    arrays = [pa.array(columns[f.name], type=f.type, from_pandas=True) for f in SCHEMA]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)
