"""Two-way tables of one study and the Rao-Scott tests of independence (marts.study_crosstabs
and study_crosstab_tests), on the design engine of warehouse/survey_design.py.

A table crosses two variables of one study, each a question or a domain variable (region,
sex, age_group, or one the study declares: warehouse/survey_domains.py), over the
respondents who answered both, with the levels that carry weight there (a level of zero
weight has no proportion, and R's svychisq would return NaN). Its cells are the proportions
of the table (svymean of interaction(row, column)) with their full covariance; the row shares
are the column variable's proportions in the domain of each row level (svyby(~column, ~row,
svymean)), the column shares the other way round.

The tests are R's svychisq (Rao and Scott 1984), with N the table's respondents (zero weights
too, as nrow(model.matrix)) and nu = PSUs - strata among them:

    X2    Pearson's statistic of the weighted table scaled to N
    Delta = (C' D^-1 C / N)^-1 (C' D^-1 V D^-1 C), C the interaction contrasts (residuals of
            the interaction columns on the main effects), D = diag(p), V the cells' covariance
    F     = X2 / tr(Delta) on d0 = tr(Delta)^2 / tr(Delta^2) and d0 nu degrees of freedom
            (statistic = "F", the second-order correction)
    Chisq: X2 / mean(diag(Delta)) against chi-square on (r - 1)(c - 1) (statistic = "Chisq",
           the first-order correction)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ahual.warehouse import store, survey_design, survey_domains


@dataclass
class Variable:
    name: str
    ids: np.ndarray  # per respondent (design order): index into `codes`, -1 without an answer
    codes: list[str]
    labels: list[str]  # English labels (a domain variable's value)


@dataclass
class Crosstab:
    row: Variable  # only the levels in the table
    column: Variable
    p: np.ndarray  # R x C: proportions of the table
    cov: np.ndarray  # RC x RC, cells in column-major (row fastest) order
    row_share: np.ndarray  # R x C: share of the column level within the row level
    row_share_v: np.ndarray
    column_share: np.ndarray  # R x C: share of the row level within the column level
    column_share_v: np.ndarray
    n: int  # respondents with weight
    n_cell: np.ndarray  # R x C, with weight
    rows: int  # respondents, zero weights too (svychisq's N)
    nu: int  # PSUs - strata among them


def tables(con, model: str) -> Iterator[tuple[tuple, survey_design.Design, Variable, Variable]]:
    """The tables the registry asks for, study by study: ((study_id, lonely_psu,
    fieldwork_end), design, row variable, column variable), from the model's queries
    warehouse/queries/model_<model>_{studies,pairs,respondents,categories,answers}.sql.
    A pair a study lacks a variable of is skipped."""
    pairs = con.sql(store.query(f"model_{model}_pairs")).fetchall()
    for study_id, batch_id, lonely, fieldwork_end in con.sql(
            store.query(f"model_{model}_studies")).fetchall():
        wanted = list(dict.fromkeys((r, c) for s, r, c in pairs if s in (None, study_id)))
        if not wanted:
            continue
        rows = con.sql(store.query(f"model_{model}_respondents"),
                       params={"batch": batch_id}).to_arrow_table()
        design = survey_design.Design(rows, lonely)
        del rows
        declared = survey_domains.declare(con, design, study_id, batch_id)
        by_variable, labels = survey_design.codebook(con.sql(
            store.query(f"model_{model}_categories"), params={"study": study_id}
        ).to_arrow_table())
        found: dict[str, Variable] = {}
        for name in dict.fromkeys(name for pair in wanted for name in pair):
            if name in survey_design.DOMAIN_COLUMNS:
                ids, values = design.domains[name]
                found[name] = Variable(name, ids, [str(v) for v in values],
                                       [str(v) for v in values])
            elif name in by_variable:
                known = by_variable[name]
                answers = con.sql(store.query(f"model_{model}_answers"), params={
                    "batch": batch_id, "variable": name}).to_arrow_table()
                found[name] = Variable(
                    name, survey_design.chosen(design, answers, known),
                    [str(c) for c in known], [labels[(name, int(c))][2] for c in known])
            elif name in declared:  # a declared domain variable that is not a question
                ids, values = design.domains[name]
                found[name] = Variable(name, ids, values, values)
        for r, c in wanted:
            if r in found and c in found and r != c:
                yield (study_id, lonely, fieldwork_end), design, found[r], found[c]


def _weighted_levels(design: survey_design.Design, v: Variable, both: np.ndarray
                     ) -> tuple[Variable, np.ndarray]:
    """The variable restricted to its levels with weight among `both`; per respondent its
    new index (-1 outside)."""
    weight = np.bincount(v.ids[both], weights=design.weight[both], minlength=len(v.codes))
    kept = weight > 0
    new = np.cumsum(kept) - 1
    ids = np.where((v.ids >= 0) & kept[np.maximum(v.ids, 0)], new[np.maximum(v.ids, 0)], -1)
    return Variable(v.name, ids, [c for c, k in zip(v.codes, kept, strict=True) if k],
                    [c for c, k in zip(v.labels, kept, strict=True) if k]), ids


def crosstab(design: survey_design.Design, row: Variable, column: Variable) -> Crosstab | None:
    """The table of two variables (None: no respondent answered both with weight)."""
    answered = (row.ids >= 0) & (column.ids >= 0)
    row, row_ids = _weighted_levels(design, row, answered)
    column, column_ids = _weighted_levels(design, column, answered)
    positions = np.flatnonzero((row_ids >= 0) & (column_ids >= 0))
    R, C = len(row.codes), len(column.codes)
    if not len(positions) or R == 0 or C == 0:
        return None
    r, c = row_ids[positions], column_ids[positions]
    national = design.domains["national"]
    cells = survey_design.scores(design, national, design.groups["national"], positions,
                                 r + R * c, R * C)
    cov = survey_design.variances(design, cells.z, cells.group_dom, cells.group_stratum, 1,
                                  R * C, cross=True)[0]
    by_row = survey_design.scores(design, (row_ids, row.codes), design.group(row_ids),
                                  positions, c, C)
    by_column = survey_design.scores(design, (column_ids, column.codes),
                                     design.group(column_ids), positions, r, R)
    row_v = survey_design.variances(design, by_row.z, by_row.group_dom, by_row.group_stratum,
                                    R, C)
    column_v = survey_design.variances(design, by_column.z, by_column.group_dom,
                                       by_column.group_stratum, C, R)
    strata = np.unique(design.stratum[positions])
    return Crosstab(row, column, cells.p[0].reshape(C, R).T, cov, by_row.p, row_v,
                    by_column.p.T, column_v.T, int(cells.n[0]),
                    cells.n_category[0].reshape(C, R).T, len(positions),
                    len(np.unique(design.psu[positions])) - len(strata))


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b in numpy's own loops (no BLAS threads: the same bytes every time)."""
    return np.einsum("ij,jk->ik", a, b)


def rao_scott(t: Crosstab) -> dict[str, float]:
    """svychisq's statistics and p-values for the table (NaN where undefined: a table with a
    single row or column level, or no degrees of freedom)."""
    R, C = t.p.shape
    out = dict.fromkeys(("pearson_chisq", "mean_deff", "f_statistic", "f_ndf", "f_ddf",
                         "f_p_value", "chisq_statistic", "chisq_p_value"), np.nan)
    out["chisq_df"] = (R - 1) * (C - 1)
    if R < 2 or C < 2:
        return out
    N = t.rows
    p = t.p.T.reshape(-1)  # row fastest, as interaction(row, column)
    rows, cols = np.tile(np.arange(R), C), np.repeat(np.arange(C), R)
    main = np.column_stack([np.ones(R * C)] + [rows == i for i in range(1, R)]
                           + [cols == j for j in range(1, C)]).astype(np.float64)
    inter = np.column_stack([(rows == i) & (cols == j) for j in range(1, C)
                             for i in range(1, R)]).astype(np.float64)
    contrasts = inter - _mm(main, np.linalg.solve(_mm(main.T, main), _mm(main.T, inter)))
    inverse = np.diag(np.where(p == 0, 0.0, 1 / np.where(p == 0, 1.0, p)))
    denominator = _mm(_mm(contrasts.T, inverse / N), contrasts)
    numerator = _mm(_mm(_mm(_mm(contrasts.T, inverse), t.cov), inverse), contrasts)
    delta = np.linalg.solve(denominator, numerator)
    trace, trace2 = float(np.trace(delta)), float(np.trace(_mm(delta, delta)))
    observed = t.p * N
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / N
    pearson = float(((observed - expected) ** 2 / expected).sum())
    d0 = trace ** 2 / trace2
    mean = trace / out["chisq_df"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out.update(pearson_chisq=pearson, mean_deff=mean, f_statistic=pearson / trace,
                   f_ndf=d0, f_ddf=d0 * t.nu, chisq_statistic=pearson / mean)
        out["f_p_value"] = float(stats.f.sf(out["f_statistic"], d0, d0 * t.nu)) \
            if t.nu > 0 else np.nan
        out["chisq_p_value"] = float(stats.chi2.sf(pearson / mean, out["chisq_df"]))
    return out
