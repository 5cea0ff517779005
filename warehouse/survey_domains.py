"""Domains a study declares (datasets/reference/studies/study_domains.csv): any categorical
variable of its file - a question (its substantive codes) or an extra column (its values, as
text), such as confession, ethnicity or settlement type - becomes a domain of every study mart
beside national, region, sex and age group, under the same suppression rule. Its domains are
named `<variable>=<value>` (domain_kind = the variable, domain_value = the code or value).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ahual.warehouse import store, survey_design


def declare(con, design: survey_design.Design, study_id: str, batch_id: int
            ) -> list[str]:
    """Add the study's declared domain variables to `design` (its `domains` and `groups`, after
    the standard ones) from warehouse/queries/helper_survey_domains.sql; their names, in order.
    A database made without the registry's tables (a test's or the bench's hand-made core
    tables) has the standard domains only."""
    try:
        given = con.sql(store.query("helper_survey_domains"),
                        params={"study": study_id, "batch": batch_id}).to_arrow_table()
    except duckdb.CatalogException:  # no staging.stg_study_domains: core tables made by hand
        return []
    names = []
    for variable in pc.unique(given.column("variable")).to_pylist():
        if variable in design.domains:
            continue
        mine = given.filter(pc.equal(given.column("variable"), variable))
        text = np.full(len(design.source_row), None, dtype=object)
        rows = mine.column("source_row").to_numpy().astype(np.int64)
        text[design.positions(rows)] = mine.column("value").to_numpy(zero_copy_only=False)
        ids, values = survey_design.ids_of(pa.array(text, type=pa.string()))
        design.domains[variable] = (ids, values)
        design.groups[variable] = design.group(ids)
        names.append(variable)
    return names
