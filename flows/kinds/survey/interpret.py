"""Interpreting one study's file: what each column is (the column map, flows/kinds/survey/
columns.py), the design columns as the registry's design needs them, every answer checked
against the codebook, extra columns kept as text, and the per-respondent verdicts left for the
GX suite `expectations/survey.json` to judge. Answers are stored long (source row x variable x
code): the set of variables differs by study.

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
import pyarrow.compute as pc

from ahual.gate.vocabulary import normalise_key, normalise_label, vocabulary
from ahual.kinds.survey.columns import ColumnMap, Layout, lay_out
from ahual.kinds.survey.labels import age_group_name, age_range, reads_as_missing, year_groups
from ahual.kinds.survey.read import Microdata
from ahual.kinds.survey.registry import DESIGN_COLUMNS, population_margins, study_variables
from ahual.problems import InputRejected, Problem, shown
from ahual.resources import contract

SHOWN_PER_RESPONDENT = 5  # answers named per respondent in a problem; the count says the rest
SHOWN_IN_SUMMARY = 20  # names listed in a warning; the count says the rest
MAX_WEIGHT = 1e10  # no respondent stands for more people than there are (expectations/survey.json)


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
    _check_columns(file_name, study, layout)
    codebook = _question_codebook(book, layout, column_map, file_name)
    warnings += _missing_like(codebook, layout, study, file_name)
    labels = _labels(book)

    n = micro.rows
    respondents = pd.DataFrame(index=pd.RangeIndex(n))
    respondents["study_id"] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8),
                                                        [study["study_id"]])
    respondents["source_row"] = micro.source_rows
    roles = layout.roles
    respondents["respondent_id"] = _as_text(micro.column(roles["respondent_id"]))
    region_label = _as_text(micro.column(roles["region"]), labels.get(roles["region"]))
    respondents["region_label"] = region_label
    respondents["region_code"] = vocabulary("region").codes_of(region_label)
    respondents["sex"], respondents["sex_label"] = _sex(micro, roles, labels)
    respondents["age_group"], respondents["age_text"], age_problem = _age(micro, roles, labels,
                                                                         study)
    respondents["sex_unrecognised"] = respondents["sex_label"].where(
        respondents["sex"].isna() & (respondents["sex_label"] != ""))
    respondents["age_unrecognised"] = age_problem
    respondents["weight"] = _weight(micro, roles, study)
    for role in ("stratum", "psu"):
        respondents[role] = _as_text(micro.column(roles[role])) if role in roles else None
    respondents["design_missing"] = _design_missing(respondents, study)
    outside, answers = _answers(micro, layout, codebook)
    respondents["answers_outside_codebook"] = outside
    respondents["weight_design"] = respondents["weight"]
    respondents["weight_raked"] = np.nan
    if study.get("rake_to"):
        respondents["weight_raked"] = _raked(respondents, study["rake_to"], file_name)

    lonely, lonely_problems = _lonely_strata(respondents, study, file_name)
    zero = int((respondents["weight"] == 0).sum())
    if zero == n:
        raise InputRejected([Problem(file_name, "some respondent carries weight",
                                     "every respondent has weight 0: nothing to estimate")])
    if lonely_problems:
        raise InputRejected(lonely_problems)
    if lonely:
        warnings.append(Problem(file_name, "design as registered", _lonely_note(lonely, study)))
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
        "missing_like_codes": _missing_like_codes(codebook, layout),
        "column_map": column_map.file,
    }
    return Survey(respondents, answers, _categories(book, codebook, layout, study),
                  _variables(micro, layout, study), _extra_values(micro, layout), warnings,
                  summary)


# --- columns ----------------------------------------------------------------------------------

def _check_columns(file_name: str, study: dict, layout: Layout) -> None:
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
                                f"{why} (datasets/reference/studies/study_variables.csv)",
                                row=1, column=variable))
    if problems:
        raise InputRejected(problems)


def _question_codebook(book: pd.DataFrame, layout: Layout, column_map: ColumnMap,
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


def _missing_like(codebook: pd.DataFrame, layout: Layout, study: dict,
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


def _missing_like_codes(codebook: pd.DataFrame, layout: Layout) -> dict[str, list[int]]:
    rows = _missing_like_rows(codebook)
    return {v: [int(c) for c in g["code"]] for v, g in rows.groupby("variable", sort=True)}


def _labels(codebook: pd.DataFrame) -> dict[str, dict[int, str]]:
    """Every coded column's labels (code -> the label as in the file, else the English one)."""
    label = codebook["label"].where(codebook["label"] != "", codebook["label_en"])
    return {v: dict(zip(codebook.loc[g, "code"], label[g], strict=True))
            for v, g in codebook.groupby("variable").groups.items()}


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


# --- text -------------------------------------------------------------------------------------

def _as_text(values: pd.Series, labels: dict[int, str] | None = None) -> pd.Series:
    """Keys and labels as text (Arrow-backed str; NaN for an empty cell): 1021.0 -> "1021"; a
    labelled code -> its label; text through `normalise_key`, blank -> empty.

    Whole numbers without labels (ids) are converted by Arrow; anything else is interpreted
    once per distinct value and spread back to the rows. No Python object is made per row."""
    if not labels:
        whole = _whole_numbers(values)
        if whole is not None:
            return pd.Series(pd.array(pc.cast(pa.array(whole), pa.string()), dtype="str"),
                             index=values.index)
    codes, distinct = pd.factorize(values)  # empty cells get code -1
    text = _as_text_each(pd.Series(distinct, dtype=object), labels)
    table = pa.array(text.to_numpy(dtype=object), type=pa.string())
    taken = table.take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.array(taken, dtype="str"), index=values.index)


def _integers(values: pd.Series) -> np.ndarray | None:
    """The column as int64 if it is an integer column without empty cells, else None."""
    if pd.api.types.is_integer_dtype(values.dtype) and not values.hasnans:
        return values.to_numpy(dtype="int64")
    return None


def _whole_numbers(values: pd.Series) -> np.ndarray | None:
    """The column as int64 if every cell is a whole number (no empty cells), else None."""
    integers = _integers(values)
    if integers is not None:
        return integers
    if pd.api.types.is_float_dtype(values.dtype):
        numbers = values.to_numpy(dtype="float64")
        if (len(numbers) and np.isfinite(numbers).all() and (numbers % 1 == 0).all()
                and (np.abs(numbers) < 2**53).all()):
            return numbers.astype("int64")
    return None


def _keys(text: pd.Series) -> pd.Series:
    """`normalise_key` on every value that it could change (not plain ASCII, or spaces at an
    end): the rest are already their own key."""
    text = text.astype(object)
    present = text.notna()
    strings = text[present].astype(str)
    odd = ~strings.str.isascii() | strings.str.match(r"(?s)^\s|.*\s$")
    text.loc[strings.index[odd]] = [normalise_key(s) for s in strings[odd]]
    return text


def _as_text_each(values: pd.Series, labels: dict[int, str] | None = None) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    whole = numbers.notna() & np.isfinite(numbers) & (numbers % 1 == 0) & (numbers.abs() < 2**53)
    text = _keys(values.astype(object).where(values.notna(), None))
    as_int = numbers[whole].astype("int64")
    if labels:
        text[whole] = [labels.get(int(i), str(int(i))) for i in as_int]
    else:
        text[whole] = [str(int(i)) for i in as_int]
    finite = numbers.notna() & ~whole
    text[finite] = [repr(float(x)) for x in numbers[finite]]
    text = text.map(lambda t: t if isinstance(t, str) else (None if t is None or pd.isna(t)
                                                            else str(t)))
    return text.where(text.notna() & (text != ""), None)


def _sex(micro: Microdata, roles: dict, labels: dict) -> tuple[pd.Series, pd.Series]:
    n = micro.rows
    if "sex" not in roles:
        return pd.Series(None, index=range(n), dtype=object), pd.Series("", index=range(n))
    text = _as_text(micro.column(roles["sex"]), labels.get(roles["sex"]))
    known = {normalise_label(alias): sex for sex, aliases in contract("survey")["sex_values"]
             .items() for alias in aliases}
    codes, distinct = pd.factorize(text)  # empty cells get code -1
    sex = np.array([known.get(normalise_label(t)) for t in distinct] + [None], dtype=object)
    return pd.Series(sex[codes], dtype=object), text.fillna("")


def _age(micro: Microdata, roles: dict, labels: dict, study: dict
         ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(age group, the age as given, why it is not understood or None) per respondent.

    Age in completed years is grouped by the contract's groups fitted to the study's ages; an
    age group (text, or a code whose label is a range) keeps its own range, named "18-29" or
    "60+", and must lie within the study's ages."""
    n = micro.rows
    low_age, high_age = int(study["age_min"]), int(study["age_max"])
    span = f"{low_age}-{high_age}"
    none = pd.Series(None, index=range(n), dtype=object)
    if "age" in roles:
        values = micro.column(roles["age"])
        text = _as_text(values).fillna("")
        age = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
        groups = year_groups(contract("survey")["age_groups"], low_age, high_age)
        which = np.full(n, len(groups))  # no group: the None after the names
        for i, (_, low, high) in enumerate(groups):
            which[(age >= low) & (age <= high) & (age % 1 == 0)] = i
        group = pd.Series(np.array([g[0] for g in groups] + [None], dtype=object)[which])
        why = pd.Series(None, index=range(n), dtype=object)
        odd = np.flatnonzero((which == len(groups)) & (text != "").to_numpy())
        why.iloc[odd] = [f"age «{t}» is not a whole number of years within the study's ages "
                         f"{span}" for t in text.iloc[odd]]
        return group, text, why
    if "age_group" in roles:
        text = _as_text(micro.column(roles["age_group"]), labels.get(roles["age_group"]))
        codes, distinct = pd.factorize(text)
        named, reasons = [], []
        for label in distinct:
            found = age_range(label)
            if found is None:
                named.append(None)
                reasons.append(f"age group «{label}» is not an age range such as 18-29 or 60+")
            elif found[0] < low_age or (found[1] if found[1] is not None else high_age) > high_age:
                named.append(None)
                reasons.append(f"age group «{label}» is not within the study's ages {span}")
            else:
                named.append(age_group_name(*found))
                reasons.append(None)
        group = pd.Series(np.array(named + [None], dtype=object)[codes], dtype=object)
        why = pd.Series(np.array(reasons + [None], dtype=object)[codes], dtype=object)
        return group, text.fillna(""), why
    return none, pd.Series("", index=range(n)), none.copy()


def _weight(micro: Microdata, roles: dict, study: dict) -> pd.Series:
    if study["weights"] == "none":
        return pd.Series(1.0, index=range(micro.rows))
    values = micro.column(roles["weight"])
    if not pd.api.types.is_numeric_dtype(values.dtype):
        values = values.astype(object).where(values.notna(), None)
        values = values.map(lambda v: v.strip().replace(",", ".") if isinstance(v, str) else v)
    weight = pd.to_numeric(values, errors="coerce").astype("float64")
    return weight.where(np.isfinite(weight))


def _design_missing(respondents: pd.DataFrame, study: dict) -> pd.Series:
    """Per respondent: which design column the registry's design needs is empty (or None)."""
    needed = DESIGN_COLUMNS[study["design"]]
    empty = {role: respondents[role].isna().to_numpy() for role in needed}
    verdict = np.full(len(respondents), None, dtype=object)
    anything = np.zeros(len(respondents), dtype=bool)
    for role in needed:
        anything |= empty[role]
    for position in np.flatnonzero(anything):
        which = " and no ".join(role for role in needed if empty[role][position])
        verdict[position] = (f"no {which} (the registry's design of {study['study_id']} is "
                             f"{study['design']})")
    return pd.Series(verdict, index=respondents.index, dtype=object)


def _lonely_strata(respondents: pd.DataFrame, study: dict, file_name: str
                   ) -> tuple[list[str], list[Problem]]:
    """Strata with a single PSU (every respondent counts, weight 0 too, as R's survey counts
    them): their names, and the refusal when the registry's rule is `fail`."""
    needed = DESIGN_COLUMNS[study["design"]]
    stratum = (respondents["stratum"] if "stratum" in needed
               else pd.Series("", index=respondents.index))
    if "psu" in needed:
        psu = respondents["psu"]
    else:  # every respondent is its own PSU
        psu = pd.Series(np.arange(len(respondents)), index=respondents.index)
    known = stratum.notna() & psu.notna()
    if not known.any():
        return [], []
    s_codes, s_names = pd.factorize(stratum[known], sort=True)
    p_codes, _ = pd.factorize(psu[known])
    pairs = np.unique(s_codes.astype(np.int64) * (p_codes.max() + 1) + p_codes)
    per_stratum = np.bincount(pairs // (p_codes.max() + 1), minlength=len(s_names))
    lonely = [str(s) for s in np.asarray(s_names, dtype=object)[per_stratum == 1]]
    if not lonely or study["lonely_psu"] != "fail":
        return lonely, []
    return lonely, [Problem(
        file_name, "no single-PSU strata (lonely_psu = fail)",
        f"{_some(lonely)} {'has' if len(lonely) == 1 else 'have'} a single PSU, and the "
        f"registry's lonely_psu for {study['study_id']} is fail: no variance can be estimated "
        "for a stratum with one PSU. Send a file whose strata have two PSUs or more, or register "
        "another rule (datasets/reference/studies/README.md)")]


def _some(strata: list[str]) -> str:
    more = len(strata) - SHOWN_IN_SUMMARY
    names = ", ".join(f"«{shown(s, 40)}»" for s in strata[:SHOWN_IN_SUMMARY])
    return f"stratum {names}" if len(strata) == 1 else (
        f"{len(strata)} strata ({names}{f' and {more} more' if more > 0 else ''})")


def _lonely_note(lonely: list[str], study: dict) -> str:
    if study["design"] in ("simple", "clustered"):
        return (f"the whole sample is a single PSU: its variance follows lonely_psu = "
                f"{study['lonely_psu']}")
    return (f"{_some(lonely)} {'has' if len(lonely) == 1 else 'have'} a single PSU: "
            f"{'its' if len(lonely) == 1 else 'their'} variance follows lonely_psu = "
            f"{study['lonely_psu']} (datasets/reference/studies/README.md)")


# --- answers ----------------------------------------------------------------------------------

def _numbers(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(numbers as float64, NaN where not a number; given: the cell is not empty). A text cell
    of spaces is empty."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype):
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
        return numbers, ~np.isnan(numbers)
    codes, distinct = pd.factorize(values)
    text = pd.Series(distinct, dtype=object).map(lambda v: normalise_key(v) if isinstance(
        v, str) else v)
    blank = text.map(lambda v: v is None or (isinstance(v, str) and v == "")).to_numpy()
    parsed = pd.to_numeric(text.where(~blank, None), errors="coerce").to_numpy(dtype="float64")
    numbers = np.append(parsed, np.nan)[codes]
    given = np.append(~blank, False)[codes]
    return numbers, given


def _code_type(codebook: pd.DataFrame) -> pa.DataType:
    low, high = (int(codebook["code"].min()), int(codebook["code"].max())) if len(
        codebook) else (0, 0)
    for dtype in (pa.int8(), pa.int16(), pa.int32()):
        info = np.iinfo(dtype.to_pandas_dtype())
        if info.min <= low and high <= info.max:
            return dtype
    return pa.int32()  # read.py refuses codes that do not fit


def _answers(micro: Microdata, layout: Layout, codebook: pd.DataFrame
             ) -> tuple[pd.Series, pa.Table]:
    """Per respondent: "q07=9, q12=77" for answers that are not codebook codes (else None);
    and source_row x variable x code for every answer in the codebook (an empty answer is not a
    row). One column at a time; one Arrow chunk per variable, in the order of the variables;
    the variable is dictionary-encoded and a variable answered by everybody shares one
    source_row array with the others."""
    variables = list(layout.questions.values())
    rows = pa.array(micro.source_rows.astype("int32"))
    names = pa.array(variables, type=pa.string())
    index_type = np.int8 if len(variables) < 2**7 else np.int16 if len(variables) < 2**15 \
        else np.int32
    code_type = _code_type(codebook)
    codes_of = {v: np.asarray(g["code"], dtype="float64")
                for v, g in codebook.groupby("variable", sort=False)}
    found: dict[int, list[str]] = {}
    source_rows, variable_chunks, code_chunks = [], [], []
    for i, (source, variable) in enumerate(layout.questions.items()):
        values = micro.column(source)
        numbers, given = _numbers(values)
        inside = given & np.isin(numbers, codes_of[variable])
        for position in np.flatnonzero(given & ~inside):
            found.setdefault(int(position), []).append(
                f"{variable}={_display(values.iat[position])}")
        everybody = bool(inside.all())
        codes = (numbers if everybody else numbers[inside]).astype(code_type.to_pandas_dtype())
        source_rows.append(rows if everybody else rows.filter(pa.array(inside)))
        variable_chunks.append(pa.DictionaryArray.from_arrays(
            pa.array(np.full(len(codes), i, dtype=index_type)), names))
        code_chunks.append(pa.array(codes, type=code_type))
        del values, numbers, given, inside
    verdict = pd.Series(None, index=range(micro.rows), dtype=object)
    for position, items in found.items():
        more = len(items) - SHOWN_PER_RESPONDENT
        verdict.iat[position] = ", ".join(items[:SHOWN_PER_RESPONDENT]) + (
            f" and {more} more" if more > 0 else "")
    dictionary = pa.dictionary(pa.from_numpy_dtype(index_type), pa.string())
    return verdict, pa.table({
        "source_row": pa.chunked_array(source_rows, type=pa.int32()),
        "variable": pa.chunked_array(variable_chunks, type=dictionary),
        "code": pa.chunked_array(code_chunks, type=code_type)})


def _display(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return shown(value, 40)


def _extra_values(micro: Microdata, layout: Layout) -> pa.Table:
    """source_row x variable x value (text) of every non-empty cell of the extra columns."""
    names = pa.array(list(layout.extras), type=pa.string())
    index_type = np.int16 if len(names) < 2**15 else np.int32
    rows = pa.array(micro.source_rows.astype("int32"))
    source_rows, variable_chunks, value_chunks = [], [], []
    for i, column in enumerate(layout.extras):
        text = pa.array(_as_text(micro.column(column)), type=pa.string())
        given = text.is_valid()
        source_rows.append(rows.filter(given))
        value_chunks.append(text.filter(given))
        variable_chunks.append(pa.DictionaryArray.from_arrays(
            pa.array(np.full(len(value_chunks[-1]), i, dtype=index_type)), names))
    dictionary = pa.dictionary(pa.from_numpy_dtype(index_type), pa.string())
    if not layout.extras:
        return pa.table({"source_row": pa.array([], pa.int32()),
                         "variable": pa.array([], pa.string()),
                         "value": pa.array([], pa.string())})
    return pa.table({"source_row": pa.chunked_array(source_rows, type=pa.int32()),
                     "variable": pa.chunked_array(variable_chunks, type=dictionary),
                     "value": pa.chunked_array(value_chunks, type=pa.string())})


def _categories(book: pd.DataFrame, codebook: pd.DataFrame, layout: Layout,
                study: dict) -> pd.DataFrame:
    """raw.survey_categories: the whole codebook, lossless; the questions' codes under their
    variable names (with the map's missing codes), every other coded column under its own."""
    sources = set(layout.questions) | set(layout.questions.values())
    rest = book.loc[~book["variable"].isin(sources)]
    columns = ["variable", "code", "label", "label_kk", "label_ru", "label_en", "is_missing"]
    return pd.concat([codebook[columns], rest[columns]], ignore_index=True).assign(
        study_id=study["study_id"])


def _variables(micro: Microdata, layout: Layout, study: dict) -> pd.DataFrame:
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


# --- weights ----------------------------------------------------------------------------------

def _raked(respondents: pd.DataFrame, margins_name: str, file_name: str) -> pd.Series:
    """Design weights raked to the population's region x sex and age-group shares (those with
    weight 0 stay 0); left empty when the respondent data are invalid anyway (the suite
    rejects the file then)."""
    from ahual.kinds.survey.raking import rake

    weight = respondents["weight"]
    usable = (weight.notna().all() and (weight >= 0).all() and (weight <= MAX_WEIGHT).all()
              and (weight > 0).any() and respondents["region_code"].notna().all()
              and respondents["sex"].notna().all() and respondents["age_group"].notna().all())
    if not usable:
        return pd.Series(np.nan, index=respondents.index)
    population = population_margins(margins_name)
    region_sex = population.query("margin == 'region_sex'")
    age = population.query("margin == 'age_group'")
    total = region_sex["population"].sum()
    margins = {
        "region_sex": pd.Series(region_sex["population"].to_numpy() / total,
                                index=region_sex["region_code"] + "|" + region_sex["sex"]),
        "age_group": pd.Series(age["population"].to_numpy() / age["population"].sum(),
                               index=age["age_group"]),
    }
    carrying = respondents.loc[weight > 0]
    frame = pd.DataFrame({"weight": carrying["weight"],
                          "region_sex": carrying["region_code"] + "|" + carrying["sex"],
                          "age_group": carrying["age_group"]})
    present = {k: m[m.index.isin(frame[k])] for k, m in margins.items()}
    present = {k: m / m.sum() for k, m in present.items()}  # a study may cover part of the country
    try:
        raked = rake(frame, "weight", present)
    except ValueError as exc:
        raise InputRejected([Problem(file_name, "weights calibrate to population margins",
                                     f"raking to {margins_name} failed: {exc}")]) from exc
    return raked.reindex(respondents.index, fill_value=0.0)
