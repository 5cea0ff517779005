"""The file checked against the registry and its codebook, and the codebook and variables as
the raw tables keep them: the required, design and registered columns present, every question
coded (with the column map's missing codes declared), codes labelled like "don't know" that
nobody declared missing, raw.survey_categories and raw.survey_variables.
"""

from __future__ import annotations

import pandas as pd

from ahual.flows.kinds.survey.columns import ColumnMap, Layout
from ahual.flows.kinds.survey.labels import reads_as_missing
from ahual.flows.kinds.survey.read import Microdata
from ahual.flows.kinds.survey.registry import DESIGN_COLUMNS, study_variables
from ahual.flows.problems import InputRejected, Problem, shown


def check_columns(file_name: str, study: dict, layout: Layout) -> None:
    roles = layout.roles
    required = ["respondent_id", "region"] + (["weight"] if study["weights"] != "none" else [])
    problems = [Problem(file_name, "required columns present",
                        f"no {role} column; see datasets/contracts/survey.yaml (or name it in a "
                        "column map, FILE.map.yaml)", row=1)
                for role in required if role not in roles]
    needed = DESIGN_COLUMNS[study["design"]]
    absent = [role for role in needed if role not in roles]
    if absent:
        problems.append(Problem(
            file_name, "design columns present",
            f"the registry's design of {study['study_id']} is {study['design']}, which needs "
            f"{' and '.join(f'a {r} column' for r in needed)}; the file has no "
            f"{' and no '.join(absent)} column (name it in a column map, FILE.map.yaml, or "
            "correct the registry)", row=1))
    wanted = study_variables().query("study_id == @study['study_id']")["variable"]
    have = set(layout.questions.values())
    extra_names = {c: why for c, why in layout.extras.items()}
    for variable in wanted:
        if variable in have:
            continue
        why = (f"column {variable} is in the file but {extra_names[variable]}"
               if variable in extra_names else f"variable {variable} of study "
               f"{study['study_id']} is not in the file")
        problems.append(Problem(file_name, "required variables present",
                                f"{why} (the study registry's study_variables.csv, "
                                "shipped or AHUAL_HOME/studies/)",
                                row=1, column=variable))
    if problems:
        raise InputRejected(problems)


def question_codebook(book: pd.DataFrame, layout: Layout, column_map: ColumnMap,
                       file_name: str) -> pd.DataFrame:
    """The codebook of the questions, under their variable names, with the map's missing
    codes declared (variable, code, label..., is_missing, source_column)."""
    parts, problems = [], []
    by_variable = dict(tuple(book.groupby("variable", sort=False)))
    for source, variable in layout.questions.items():
        rows = by_variable.get(source)
        if rows is None:
            rows = by_variable.get(variable)
        if rows is None or rows.empty:
            problems.append(Problem(file_name, "questions have a codebook",
                                    f"question {variable} (column «{source}») has no codes in "
                                    "the codebook: its answers cannot be read", column=source))
            continue
        parts.append(rows.assign(variable=variable, source_column=source))
    unknown = sorted(set(column_map.missing) - set(layout.questions.values()))
    problems += [Problem(column_map.file or file_name, "column map matches the file",
                         f"missing: {v} is not a question of the file") for v in unknown]
    if problems:
        raise InputRejected(problems)
    codebook = (pd.concat(parts, ignore_index=True) if parts else
                book.head(0).assign(source_column=pd.Series(dtype=str)))
    source_of = {v: s for s, v in layout.questions.items()}
    for variable, codes in column_map.missing.items():
        known = codebook["variable"] == variable
        codebook.loc[known & codebook["code"].isin(codes), "is_missing"] = True
        new = sorted(set(codes) - set(codebook.loc[known, "code"]))
        if new:
            codebook = pd.concat([codebook, pd.DataFrame({
                "variable": variable, "code": new, "label": "", "label_kk": "", "label_ru": "",
                "label_en": "", "is_missing": True, "source_column": source_of[variable]})],
                ignore_index=True)
    return codebook.sort_values(["variable", "code"], kind="stable").reset_index(drop=True)


def missing_like(codebook: pd.DataFrame, layout: Layout, study: dict,
                  file_name: str) -> list[Problem]:
    """Codes labelled like "don't know" that nobody declared missing: a warning each variable
    (registry missing_labels = warn), or the file refused (= refuse)."""
    problems = []
    for variable, rows in _missing_like_rows(codebook).groupby("variable", sort=False):
        codes = ", ".join(f"{c} «{shown(lab, 60)}»" for c, lab in
                          zip(rows["code"], rows["shown_label"], strict=True))
        source = rows["source_column"].iloc[0]
        message = (f"{variable}: {codes} read as no answer but are not declared missing, so "
                   "they count as answers in every proportion; declare them missing in the "
                   f"file, in the codebook (missing = yes) or in a column map (missing: "
                   f"{{{variable}: [{', '.join(str(c) for c in rows['code'])}]}})")
        if study["missing_labels"] == "refuse":
            message += f"; the registry's missing_labels for {study['study_id']} is refuse"
        problems.append(Problem(file_name, "missing codes declared", message, column=source))
    if problems and study["missing_labels"] == "refuse":
        raise InputRejected(problems)
    return problems


def _missing_like_rows(codebook: pd.DataFrame) -> pd.DataFrame:
    labels = codebook[["label", "label_en", "label_ru", "label_kk"]]
    like = labels.apply(lambda column: column.map(reads_as_missing)).any(axis=1)
    rows = codebook.loc[like & ~codebook["is_missing"]]
    return rows.assign(shown_label=rows["label"].where(rows["label"] != "", rows["label_en"]))


def missing_like_codes(codebook: pd.DataFrame, layout: Layout) -> dict[str, list[int]]:
    rows = _missing_like_rows(codebook)
    return {v: [int(c) for c in g["code"]] for v, g in rows.groupby("variable", sort=True)}


def coded_labels(codebook: pd.DataFrame) -> dict[str, dict[int, str]]:
    """Every coded column's labels (code -> the label as in the file, else the English one)."""
    label = codebook["label"].where(codebook["label"] != "", codebook["label_en"])
    return {v: dict(zip(codebook.loc[g, "code"], label[g], strict=True))
            for v, g in codebook.groupby("variable").groups.items()}


def categories_table(book: pd.DataFrame, codebook: pd.DataFrame, layout: Layout,
                study: dict) -> pd.DataFrame:
    """raw.survey_categories: the whole codebook, lossless; the questions' codes under their
    variable names (with the map's missing codes), every other coded column under its own."""
    sources = set(layout.questions) | set(layout.questions.values())
    rest = book.loc[~book["variable"].isin(sources)]
    columns = ["variable", "code", "label", "label_kk", "label_ru", "label_en", "is_missing"]
    return pd.concat([codebook[columns], rest[columns]], ignore_index=True).assign(
        study_id=study["study_id"])


def variables_table(micro: Microdata, layout: Layout, study: dict) -> pd.DataFrame:
    """raw.survey_variables: the questions (estimated) and the extra columns (kept, not)."""
    question_of = {**micro.questions}
    asked = [question_of.get(s) or question_of.get(v) or "" for s, v in layout.questions.items()]
    return pd.DataFrame({
        "study_id": study["study_id"],
        "variable": list(layout.questions.values()) + list(layout.extras),
        "source_column": list(layout.questions) + list(layout.extras),
        "question": asked + [question_of.get(c) or "" for c in layout.extras],
        "estimated": [True] * len(layout.questions) + [False] * len(layout.extras),
        "note": [None] * len(layout.questions) + list(layout.extras.values())})
