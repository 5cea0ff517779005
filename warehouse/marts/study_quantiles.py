"""marts.study_quantiles: the quartiles and median of every numeric variable the registry
declares (datasets/reference/studies/numeric_variables.csv) in every study, nationally and by
region, sex and age group: R's svyquantile with its defaults in survey 4.1 (qrule "math",
Woodruff's interval, interval.type "mean", on the domain's degrees of freedom), under the
study's lonely-PSU rule (warehouse/survey_numeric.py says how, and the one case where Ahual
keeps to the definition and R does not).

An interval bound is null where Woodruff's share interval leaves [0, 1] or the domain has no
degrees of freedom (R's NaN); the standard error is R's, (high - low) / (2 t(df)). A row is
`suppressed` when fewer than 30 respondents with weight are behind it. Checked against R
(tests/marts/test_study_means.py, tests/r/numeric.R).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ahual.warehouse import survey_design, survey_numeric

READS = ("core.survey_respondents", "core.survey_batches", "staging.stg_studies",
         "staging.stg_study_numeric_variables", "staging.stg_survey_numeric_values",
         "staging.stg_study_domains", "staging.stg_survey_domain_values")
INTERVAL = "woodruff (svyquantile: qrule math, interval.type mean)"

SCHEMA = pa.schema([
    ("study_id", pa.string()), ("variable", pa.string()), ("domain", pa.string()),
    ("domain_kind", pa.string()), ("domain_value", pa.string()), ("probability", pa.float64()),
    ("estimate", pa.float64()), ("std_error", pa.float64()), ("ci_low", pa.float64()),
    ("ci_high", pa.float64()), ("ci_method", pa.string()), ("df", pa.int64()),
    ("n_unweighted", pa.int64()), ("lonely_psu", pa.string()), ("suppressed", pa.bool_()),
    ("fieldwork_end", pa.date32()),
])


def build(con) -> pa.Table:
    columns: dict[str, list] = {f.name: [] for f in SCHEMA}
    P = len(survey_numeric.QUANTILES)
    for (study_id, lonely, _, fieldwork_end, _), design, variable, x in \
            survey_numeric.studies(con):
        for kind in (k for k in design.domains if k != variable):
            q = survey_numeric.quantiles(design, kind, x)
            if q is None:
                continue
            D = len(q.values)
            n = np.repeat(q.n, P)
            values = {
                "study_id": [study_id] * D * P, "variable": [variable] * D * P,
                "domain": np.repeat(["national" if kind == "national" else f"{kind}={v}"
                                     for v in q.values], P).tolist(),
                "domain_kind": [kind] * D * P,
                "domain_value": np.repeat(np.array(
                    [None if kind == "national" else v for v in q.values], dtype=object),
                    P).tolist(),
                "probability": list(survey_numeric.QUANTILES) * D,
                "estimate": q.estimate.reshape(-1).tolist(),
                "std_error": q.se.reshape(-1).tolist(), "ci_low": q.low.reshape(-1).tolist(),
                "ci_high": q.high.reshape(-1).tolist(), "ci_method": [INTERVAL] * D * P,
                "df": np.repeat(q.df, P).tolist(), "n_unweighted": n.tolist(),
                "lonely_psu": [lonely] * D * P,
                "suppressed": (n < survey_design.SUPPRESS_BELOW).tolist(),
                "fieldwork_end": [fieldwork_end] * D * P}
            for name, items in values.items():
                columns[name].extend(items)
    return pa.Table.from_arrays(
        [pa.array(columns[f.name], type=f.type, from_pandas=True) for f in SCHEMA],
        schema=SCHEMA)
