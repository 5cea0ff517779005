"""marts.study_differences: is a share different, and by more than sampling noise? Every
difference of one answer category's proportion, with its standard error, 95% interval, test
statistic and p-value, of two kinds (`comparison`):

- `domains`: two domains of one study (region A against region B, men against women, one age
  group against another, two values of a domain variable the study declares), for every
  question. Both estimates come from the same design, so they
  are correlated: the variance is that of the PSU scores z_A - z_B (warehouse/survey_design.py
  `contrast`), as R's svyby(covariance = TRUE) + svycontrast computes it, and the test is
  svyttest's: t on the degrees of freedom of the two domains (PSUs - strata - 1).
- `studies`: the same question in two studies (a group of
  datasets/reference/studies/comparable_questions.csv: the registry says the wording and codes
  are the same; equal names are not enough), later minus earlier, in the same domain, from
  marts.study_estimates. Independent samples: SE = sqrt(se1^2 + se2^2), and the test is a
  z test.

A cell is `suppressed` when either side has fewer than 30 respondents with an answer (the
estimates' rule). Checked against R (tests/marts/test_study_differences.py, tests/r/).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ahual.warehouse import store, survey_design, survey_domains

READS = ("core.survey_respondents", "core.survey_categories", "core.survey_batches",
         "staging.stg_survey_answers", "staging.stg_studies",
         "staging.stg_study_comparable_questions", "staging.stg_study_domains",
         "staging.stg_survey_domain_values", "marts.study_estimates")
TESTS = {"domains": "t, same design (svyttest)", "studies": "z, independent samples"}

SCHEMA = pa.schema([
    ("comparison", pa.string()), ("study_id", pa.string()), ("variable", pa.string()),
    ("category_code", pa.int32()), ("category", pa.string()), ("domain", pa.string()),
    ("domain_kind", pa.string()), ("base_study_id", pa.string()),
    ("base_variable", pa.string()), ("base_domain", pa.string()),
    ("question_group", pa.string()), ("estimate", pa.float64()),
    ("base_estimate", pa.float64()), ("difference", pa.float64()), ("std_error", pa.float64()),
    ("ci_low", pa.float64()), ("ci_high", pa.float64()), ("statistic", pa.float64()),
    ("df", pa.int64()), ("p_value", pa.float64()), ("test", pa.string()),
    ("n_unweighted", pa.int64()), ("base_n_unweighted", pa.int64()),
    ("suppressed", pa.bool_()), ("fieldwork_end", pa.date32()),
])


def build(con) -> pa.Table:
    columns: dict[str, list] = {f.name: [] for f in SCHEMA}
    for study in con.sql(store.query("model_study_differences_studies")).fetchall():
        _domains(con, columns, *study)
    _studies(con, columns)
    return pa.Table.from_arrays(
        [pa.array(columns[f.name], type=f.type, from_pandas=True) for f in SCHEMA],
        schema=SCHEMA)


def _domains(con, columns: dict[str, list], study_id, batch_id, lonely, fieldwork_end) -> None:
    rows = con.sql(store.query("model_study_differences_respondents"),
                   params={"batch": batch_id}).to_arrow_table()
    design = survey_design.Design(rows, lonely)
    del rows
    survey_domains.declare(con, design, study_id, batch_id)
    categories = con.sql(store.query("model_study_differences_categories"),
                         params={"study": study_id}).to_arrow_table()
    by_variable, labels = survey_design.codebook(categories)
    answers_sql = store.query("model_study_differences_answers")
    for variable, known in by_variable.items():
        answers = con.sql(answers_sql,
                          params={"batch": batch_id, "variable": variable}).to_arrow_table()
        chosen = survey_design.chosen(design, answers, known)
        positions = np.flatnonzero(chosen >= 0)
        for kind in [k for k in design.domains if k not in ("national", variable)]:
            s = survey_design.scores(design, design.domains[kind], design.groups[kind],
                                     positions, chosen[positions], len(known))
            present = np.flatnonzero(s.w > 0) if s is not None else []
            if len(present) < 2:
                continue
            pairs = np.array([(a, b) for i, a in enumerate(present) for b in present[i + 1:]])
            v, df = survey_design.contrast(design, s, pairs)
            a, b = pairs[:, 0], pairs[:, 1]
            difference = s.p[a] - s.p[b]  # P x C
            se = np.sqrt(v)
            statistic, p_value, low, high = survey_design.significance(
                difference, se, np.repeat(df[:, None], len(known), axis=1))
            P, C = len(pairs), len(known)
            _extend(columns, P * C, comparison="domains", study_id=study_id, variable=variable,
                    category_code=np.tile(known, P),
                    category=[labels[(variable, int(code))][2] for code in known] * P,
                    domain=np.repeat([f"{kind}={s.values[i]}" for i in a], C),
                    domain_kind=kind, base_study_id=study_id, base_variable=variable,
                    base_domain=np.repeat([f"{kind}={s.values[j]}" for j in b], C),
                    question_group=None, estimate=s.p[a], base_estimate=s.p[b],
                    difference=difference, std_error=se, ci_low=low, ci_high=high,
                    statistic=statistic, df=np.repeat(df, C), p_value=p_value,
                    n_unweighted=np.repeat(s.n[a], C), base_n_unweighted=np.repeat(s.n[b], C),
                    fieldwork_end=fieldwork_end)


def _studies(con, columns: dict[str, list]) -> None:
    cells = con.sql(store.query("model_study_differences_between")).to_arrow_table()
    if not cells.num_rows:
        return
    get = {name: cells.column(name).to_numpy(zero_copy_only=False)
           for name in ("estimate", "base_estimate", "std_error", "base_std_error")}
    difference = get["estimate"] - get["base_estimate"]
    se = np.sqrt(get["std_error"] ** 2 + get["base_std_error"] ** 2)
    statistic, p_value, low, high = survey_design.significance(difference, se, None)
    given = {name: values for name, values in cells.to_pydict().items()
             if name not in ("std_error", "base_std_error")}
    _extend(columns, cells.num_rows, comparison="studies", base_domain=given["domain"],
            difference=difference, std_error=se, ci_low=low, ci_high=high,
            statistic=statistic, df=None, p_value=p_value, **given)


def _extend(columns: dict[str, list], n: int, **values) -> None:
    """Append n rows: each value is a scalar (the same in every row) or n values (arrays
    flattened row-major: pair by pair, then category)."""
    values["test"] = TESTS[values["comparison"]]
    smaller = np.minimum(np.asarray(values["n_unweighted"]),
                         np.asarray(values["base_n_unweighted"]))
    values["suppressed"] = smaller < survey_design.SUPPRESS_BELOW
    for name, value in values.items():
        if isinstance(value, np.ndarray):
            columns[name].extend(value.reshape(-1).tolist())
        elif isinstance(value, list):
            columns[name].extend(value)
        else:
            columns[name].extend([value] * n)
