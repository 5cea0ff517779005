"""marts.study_estimates: design-based estimates for every study x question x answer category x
domain (national, region, sex, age group, and the domain variables the study declares:
warehouse/survey_domains.py). A Python model: SQL has no t or beta quantiles, and
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

from ahual.warehouse import store, survey_design, survey_domains

# what warehouse/queries/model_study_estimates_*.sql read (the runner orders by it)
READS = ("core.survey_respondents", "core.survey_categories", "core.survey_batches",
         "staging.stg_survey_answers", "staging.stg_studies", "staging.stg_study_domains",
         "staging.stg_survey_domain_values")
Design = survey_design.Design
DOMAIN_KINDS = survey_design.DOMAIN_KINDS
SUPPRESS_BELOW = survey_design.SUPPRESS_BELOW


def estimate(design: Design, rows: np.ndarray, categories: np.ndarray, n_categories: int,
             variable: str | None = None) -> dict[str, np.ndarray]:
    """Every domain x category of one question.

    `rows` are respondent positions, `categories` the answer's category index (0..C-1), one
    entry per substantive answer, sorted by position. Returns flat arrays, one entry per
    domain (in DOMAIN_KINDS order, then the study's declared domain variables but the question
    itself, each by sorted domain value) x category."""
    C = n_categories
    out: dict[str, list] = {k: [] for k in (
        "kind", "ref", "code", "p", "v", "df", "n", "n_rows", "n_category", "w")}
    for kind in (k for k in design.domains if k != variable):
        s = survey_design.scores(design, design.domains[kind], design.groups[kind], rows,
                                 categories, C)
        if s is None:
            continue
        v_d = survey_design.variances(design, s.z, s.group_dom, s.group_stratum, len(s.values),
                                      C)
        present = s.w > 0  # R's svyby leaves out a domain that carries no weight
        for d in np.flatnonzero(present):
            for c in range(C):
                out["kind"].append(kind)
                out["ref"].append(s.values[d])
                out["code"].append(c)
                out["p"].append(s.p[d, c])
                out["v"].append(v_d[d, c])
                out["df"].append(s.df[d])
                out["n"].append(s.n[d])
                out["n_rows"].append(s.n_rows[d])
                out["n_category"].append(s.n_category[d, c])
                out["w"].append(s.w[d])
    integers = {"code", "df", "n", "n_rows", "n_category"}
    return {k: np.asarray(v, dtype=np.int64 if k in integers else None) for k, v in out.items()}


def build(con) -> pa.Table:
    studies = con.sql(store.query("model_study_estimates_studies")).fetchall()
    parts = [_study(con, *study) for study in studies]
    return pa.concat_tables(parts) if parts else _table({}, empty=True)


def _study(con, study_id, batch_id, lonely, method, title_en, fieldwork_end) -> pa.Table:
    rows = con.sql(store.query("model_study_estimates_respondents"),
                   params={"batch": batch_id}).to_arrow_table()
    design = Design(rows, lonely)
    survey_domains.declare(con, design, study_id, batch_id)
    weights_used = "; ".join(sorted(pc.unique(rows.column("weights_used")).to_pylist()))
    del rows
    categories = con.sql(store.query("model_study_estimates_categories"),
                         params={"study": study_id}).to_arrow_table()
    by_variable, labels = survey_design.codebook(categories)
    columns: dict[str, list] = {}
    answers_sql = store.query("model_study_estimates_answers")
    for variable, known in by_variable.items():
        answers = con.sql(answers_sql,
                          params={"batch": batch_id, "variable": variable}).to_arrow_table()
        chosen = survey_design.chosen(design, answers, known)
        positions = np.flatnonzero(chosen >= 0)
        cells = estimate(design, positions, chosen[positions], len(known), variable)
        low, high, used = survey_design.intervals(cells["p"], cells["v"], cells["df"],
                                                  cells["n_rows"], method)
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
