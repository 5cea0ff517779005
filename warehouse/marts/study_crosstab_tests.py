"""marts.study_crosstab_tests: is the row variable independent of the column variable? For
each table of marts.study_crosstabs, Pearson's X2 of the weighted table and R's svychisq with
the Rao-Scott corrections (warehouse/survey_tables.py): the F test (statistic = "F", second
order: X2 / tr(Delta) on d0 and d0 nu degrees of freedom) and the chi-square test
(statistic = "Chisq", first order: X2 / mean eigenvalue on (r - 1)(c - 1)).

A table is `suppressed` when fewer than 30 respondents with weight answered both. Checked
against R (tests/marts/test_study_crosstabs.py, tests/r/compare.R).
"""

from __future__ import annotations

import pyarrow as pa

from ahual.warehouse import survey_design, survey_tables

READS = ("core.survey_respondents", "core.survey_categories", "core.survey_batches",
         "staging.stg_survey_answers", "staging.stg_studies", "staging.stg_study_crosstabs",
         "staging.stg_study_domains", "staging.stg_survey_domain_values")

SCHEMA = pa.schema([
    ("study_id", pa.string()), ("row_variable", pa.string()), ("column_variable", pa.string()),
    ("row_levels", pa.int64()), ("column_levels", pa.int64()), ("n_unweighted", pa.int64()),
    ("pearson_chisq", pa.float64()), ("mean_deff", pa.float64()),
    ("f_statistic", pa.float64()), ("f_ndf", pa.float64()), ("f_ddf", pa.float64()),
    ("f_p_value", pa.float64()), ("chisq_statistic", pa.float64()), ("chisq_df", pa.int64()),
    ("chisq_p_value", pa.float64()), ("design_df", pa.int64()), ("lonely_psu", pa.string()),
    ("suppressed", pa.bool_()), ("fieldwork_end", pa.date32()),
])


def build(con) -> pa.Table:
    columns: dict[str, list] = {f.name: [] for f in SCHEMA}
    for (study_id, lonely, fieldwork_end), design, row, column in survey_tables.tables(
            con, "study_crosstab_tests"):
        t = survey_tables.crosstab(design, row, column)
        if t is None:
            continue
        values = survey_tables.rao_scott(t) | {
            "study_id": study_id, "row_variable": row.name, "column_variable": column.name,
            "row_levels": t.p.shape[0], "column_levels": t.p.shape[1], "n_unweighted": t.n,
            "design_df": t.nu, "lonely_psu": lonely,
            "suppressed": t.n < survey_design.SUPPRESS_BELOW, "fieldwork_end": fieldwork_end}
        for name, value in values.items():
            columns[name].append(value)
    return pa.Table.from_arrays(
        [pa.array(columns[f.name], type=f.type, from_pandas=True) for f in SCHEMA],
        schema=SCHEMA)
