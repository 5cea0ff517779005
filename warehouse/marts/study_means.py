"""marts.study_means: the mean and total of every numeric variable the registry declares
(datasets/reference/studies/numeric_variables.csv: the age, a count, an index...) in every
study, nationally and by region, sex and age group, with design-based standard errors and 95%
intervals: R's svymean and svytotal over svyby domains (warehouse/survey_numeric.py), under the
study's lonely-PSU rule.

The base is the domain's respondents with a value (missing values, and the numbers the registry
says mean no answer, are not in it). Intervals: t on the domain's degrees of freedom (PSUs -
strata with weight, R's degf), or z where the study's interval is `normal` (`ci_method`). A row
is `suppressed` when fewer than 30 respondents with weight are behind it (the estimates' rule).
Checked against R (tests/marts/test_study_means.py, tests/r/numeric.R).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ahual.warehouse import survey_design, survey_numeric

READS = ("core.survey_respondents", "core.survey_batches", "staging.stg_studies",
         "staging.stg_study_numeric_variables", "staging.stg_survey_numeric_values",
         "staging.stg_study_domains", "staging.stg_survey_domain_values")

SCHEMA = pa.schema([
    ("study_id", pa.string()), ("variable", pa.string()), ("domain", pa.string()),
    ("domain_kind", pa.string()), ("domain_value", pa.string()), ("mean", pa.float64()),
    ("mean_std_error", pa.float64()), ("mean_ci_low", pa.float64()),
    ("mean_ci_high", pa.float64()), ("total", pa.float64()), ("total_std_error", pa.float64()),
    ("total_ci_low", pa.float64()), ("total_ci_high", pa.float64()), ("ci_method", pa.string()),
    ("df", pa.int64()), ("n_unweighted", pa.int64()), ("weighted_base", pa.float64()),
    ("variance_method", pa.string()), ("lonely_psu", pa.string()),
    ("lonely_strata", pa.int64()), ("suppressed", pa.bool_()), ("fieldwork_end", pa.date32()),
])


def build(con) -> pa.Table:
    columns: dict[str, list] = {f.name: [] for f in SCHEMA}
    for (study_id, lonely, interval, fieldwork_end, lonely_strata), design, variable, x in \
            survey_numeric.studies(con):
        for kind in (k for k in design.domains if k != variable):
            m = survey_numeric.moments(design, kind, x)
            if m is None:
                continue
            method = "normal" if interval == "normal" else "t"
            q = survey_numeric.critical(m.df, normal=method == "normal")
            mean_se, total_se = np.sqrt(m.mean_v), np.sqrt(m.total_v)
            rows = {
                "study_id": study_id, "variable": variable,
                "domain": ["national" if kind == "national" else f"{kind}={v}"
                           for v in m.values],
                "domain_kind": kind,
                "domain_value": [None if kind == "national" else v for v in m.values],
                "mean": m.mean, "mean_std_error": mean_se, "mean_ci_low": m.mean - q * mean_se,
                "mean_ci_high": m.mean + q * mean_se, "total": m.total,
                "total_std_error": total_se, "total_ci_low": m.total - q * total_se,
                "total_ci_high": m.total + q * total_se, "ci_method": method, "df": m.df,
                "n_unweighted": m.n, "weighted_base": m.w,
                "variance_method": design.variance_method, "lonely_psu": lonely,
                "lonely_strata": lonely_strata,
                "suppressed": m.n < survey_design.SUPPRESS_BELOW,
                "fieldwork_end": fieldwork_end}
            _extend(columns, len(m.values), rows)
    return pa.Table.from_arrays(
        [pa.array(columns[f.name], type=f.type, from_pandas=True) for f in SCHEMA],
        schema=SCHEMA)


def _extend(columns: dict[str, list], n: int, values: dict) -> None:
    """Append n rows: each value an array or list of n, or a scalar for every row."""
    for name, value in values.items():
        if isinstance(value, np.ndarray):
            columns[name].extend(value.tolist())
        elif isinstance(value, list):
            columns[name].extend(value)
        else:
            columns[name].extend([value] * n)
