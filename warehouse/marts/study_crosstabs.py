"""marts.study_crosstabs: the two-way tables the registry names
(datasets/reference/studies/crosstabs.csv) for every study that has both variables: each
cell's share of the table, the row and column shares, each with its design-based standard
error (warehouse/survey_tables.py; R's svymean of interaction(row, column) and svyby). The
Rao-Scott tests of the same tables are marts.study_crosstab_tests.

A cell is `suppressed` when its row or its column has fewer than 30 respondents with weight
(the estimates' rule, applied to the domain each share is taken in). Checked against R
(tests/marts/test_study_crosstabs.py, tests/r/compare.R).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ahual.warehouse import survey_design, survey_tables

READS = ("core.survey_respondents", "core.survey_categories", "core.survey_batches",
         "staging.stg_survey_answers", "staging.stg_studies", "staging.stg_study_crosstabs",
         "staging.stg_study_domains", "staging.stg_survey_domain_values")

SCHEMA = pa.schema([
    ("study_id", pa.string()), ("row_variable", pa.string()), ("column_variable", pa.string()),
    ("row_code", pa.string()), ("column_code", pa.string()), ("row_label", pa.string()),
    ("column_label", pa.string()), ("estimate", pa.float64()), ("std_error", pa.float64()),
    ("row_share", pa.float64()), ("row_share_se", pa.float64()),
    ("column_share", pa.float64()), ("column_share_se", pa.float64()),
    ("n_unweighted", pa.int64()), ("n_cell_unweighted", pa.int64()),
    ("n_row_unweighted", pa.int64()), ("n_column_unweighted", pa.int64()),
    ("lonely_psu", pa.string()), ("suppressed", pa.bool_()), ("fieldwork_end", pa.date32()),
])


def build(con) -> pa.Table:
    columns: dict[str, list] = {f.name: [] for f in SCHEMA}
    for (study_id, lonely, fieldwork_end), design, row, column in survey_tables.tables(
            con, "study_crosstabs"):
        t = survey_tables.crosstab(design, row, column)
        if t is None:
            continue
        n_row, n_column = t.n_cell.sum(axis=1), t.n_cell.sum(axis=0)
        se, row_se, column_se = (np.sqrt(np.diag(t.cov)).reshape(t.p.shape[1], -1).T,
                                 np.sqrt(t.row_share_v), np.sqrt(t.column_share_v))
        for j in range(t.p.shape[1]):
            for i in range(t.p.shape[0]):
                values = {
                    "study_id": study_id, "row_variable": row.name,
                    "column_variable": column.name, "row_code": t.row.codes[i],
                    "column_code": t.column.codes[j], "row_label": t.row.labels[i],
                    "column_label": t.column.labels[j], "estimate": t.p[i, j],
                    "std_error": se[i, j], "row_share": t.row_share[i, j],
                    "row_share_se": row_se[i, j], "column_share": t.column_share[i, j],
                    "column_share_se": column_se[i, j], "n_unweighted": t.n,
                    "n_cell_unweighted": int(t.n_cell[i, j]),
                    "n_row_unweighted": int(n_row[i]), "n_column_unweighted": int(n_column[j]),
                    "lonely_psu": lonely,
                    "suppressed": bool(min(n_row[i], n_column[j])
                                       < survey_design.SUPPRESS_BELOW),
                    "fieldwork_end": fieldwork_end}
                for name, value in values.items():
                    columns[name].append(value)
    return pa.Table.from_arrays(
        [pa.array(columns[f.name], type=f.type, from_pandas=True) for f in SCHEMA],
        schema=SCHEMA)
