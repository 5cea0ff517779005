"""Interpreting one study's file: what each column is (the column map, flows/kinds/survey/
columns.py), the design columns as the registry's design needs them, every answer checked
against the codebook, extra columns kept as text, and the per-respondent verdicts left for the
GX suite `expectations/survey.json` to judge. Answers are stored long (source row x variable x
code): the set of variables differs by study.

    codebook.py     the file checked against the registry and its codebook; the raw codebook
                    and variables tables
    text.py         keys and labels as text, interpreted once per distinct value
    respondents.py  sex, age group and weight per respondent
    design.py       design columns missing per respondent; strata with a single PSU
    answers.py      the long answers and the extra columns' values
    calibration.py  design weights raked to the population's margins

Cost is linear in rows and no Python object is built per row (performance: bench/README.md,
bench/survey_memory.py): columns are taken from the file one at a time, text is interpreted
once per distinct value, and the long answers are Arrow columns built from numpy with the
smallest integer types their codes fit (DuckDB widens them on insert).

Every text key (respondent id, stratum, PSU, a label) goes through `normalise_key`: two ids
that differ only by an invisible character are one id. A blank text cell is an empty cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from ahual.flows.kinds.survey.answers import extra_values, long_answers
from ahual.flows.kinds.survey.calibration import raked
from ahual.flows.kinds.survey.codebook import (
    categories_table,
    check_columns,
    coded_labels,
    missing_like,
    missing_like_codes,
    question_codebook,
    variables_table,
)
from ahual.flows.kinds.survey.columns import ColumnMap, lay_out
from ahual.flows.kinds.survey.design import (
    SHOWN_IN_SUMMARY,
    design_missing,
    lonely_note,
    lonely_strata,
)
from ahual.flows.kinds.survey.read import Microdata
from ahual.flows.kinds.survey.respondents import read_age, read_sex, read_weight
from ahual.flows.kinds.survey.text import as_text
from ahual.flows.problems import InputRejected, Problem, shown
from ahual.flows.reading.vocabulary import vocabulary


@dataclass
class Survey:
    """One file, interpreted: the raw tables' rows and what the load summary says."""

    respondents: pd.DataFrame
    answers: pa.Table
    categories: pd.DataFrame
    variables: pd.DataFrame
    extra_values: pa.Table
    warnings: list[Problem] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def parse(micro: Microdata, study: dict, file_name: str,
          column_map: ColumnMap | None = None) -> Survey:
    column_map = column_map or ColumnMap()
    book = micro.codebook
    layout, warnings = lay_out(micro.columns, column_map, set(book["variable"]), study,
                               file_name)
    check_columns(file_name, study, layout)
    codebook = question_codebook(book, layout, column_map, file_name)
    warnings += missing_like(codebook, layout, study, file_name)
    labels = coded_labels(book)

    n = micro.rows
    respondents = pd.DataFrame(index=pd.RangeIndex(n))
    respondents["study_id"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8),
                                                        [study["study_id"]])
    respondents["source_row"] = micro.source_rows
    roles = layout.roles
    respondents["respondent_id"] = as_text(micro.column(roles["respondent_id"]))
    region_label = as_text(micro.column(roles["region"]), labels.get(roles["region"]))
    respondents["region_label"] = region_label
    respondents["region_code"] = vocabulary("region").codes_of(region_label)
    respondents["sex"], respondents["sex_label"] = read_sex(micro, roles, labels)
    respondents["age_group"], respondents["age_text"], age_problem = read_age(
        micro, roles, labels, study)
    respondents["sex_unrecognised"] = respondents["sex_label"].where(
        respondents["sex"].isna() & (respondents["sex_label"] != ""))
    respondents["age_unrecognised"] = age_problem
    respondents["weight"] = read_weight(micro, roles, study)
    for role in ("stratum", "psu"):
        respondents[role] = as_text(micro.column(roles[role])) if role in roles else None
    respondents["design_missing"] = design_missing(respondents, study)
    outside, answers = long_answers(micro, layout, codebook)
    respondents["answers_outside_codebook"] = outside
    respondents["weight_design"] = respondents["weight"]
    respondents["weight_raked"] = np.nan
    if study.get("rake_to"):
        respondents["weight_raked"] = raked(respondents, study["rake_to"], file_name)

    lonely, lonely_problems = lonely_strata(respondents, study, file_name)
    zero = int((respondents["weight"] == 0).sum())
    if zero == n:
        raise InputRejected([Problem(file_name, "some respondent carries weight",
                                     "every respondent has weight 0: nothing to estimate")])
    if lonely_problems:
        raise InputRejected(lonely_problems)
    if lonely:
        warnings.append(Problem(file_name, "design as registered", lonely_note(lonely, study)))
    if layout.extras:
        warnings.append(Problem(file_name, "extra columns kept, not estimated",
                                _listed(layout.extras)))
    summary = {
        "respondents": n,
        "questions": {source: variable for source, variable in layout.questions.items()},
        "not_estimated": layout.extras,
        "zero_weights": zero,
        "lonely_strata": len(lonely),
        "design": study["design"],
        "lonely_psu": study["lonely_psu"],
        "interval": study["interval"],
        "missing_like_codes": missing_like_codes(codebook, layout),
        "column_map": column_map.file,
    }
    return Survey(respondents, answers, categories_table(book, codebook, layout, study),
                  variables_table(micro, layout, study), extra_values(micro, layout), warnings,
                  summary)


def _listed(items: dict[str, str]) -> str:
    by_reason: dict[str, list[str]] = {}
    for column, why in items.items():
        by_reason.setdefault(why, []).append(column)
    parts = []
    for why, columns in by_reason.items():
        more = len(columns) - SHOWN_IN_SUMMARY
        names = ", ".join(shown(c, 60) for c in columns[:SHOWN_IN_SUMMARY])
        parts.append(f"{names}{f' and {more} more' if more > 0 else ''} ({why})")
    return (f"{len(items)} column(s) kept in the warehouse but not estimated: "
            + "; ".join(parts))
