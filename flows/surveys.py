"""Survey microdata of one study: respondents, their coded answers and the codebook.

A file is read whole (SPSS .sav with pyreadstat, or CSV through DuckDB), its respondent columns
found through `datasets/contracts/survey.yaml`, and every answer checked against the codebook
with vectorised column operations; the per-respondent verdicts then go through the GX suite
`expectations/survey.json`, so every rule is reported with respondent, variable and value.
Answers are stored long (source row x variable x code): the set of variables differs by study.

Cost is linear in rows and no Python object is built per row (performance: bench/README.md):
text columns are interpreted once per distinct value, the long answers are Arrow columns built
from numpy (the source rows shared by every variable), and GX is handed the respondents that
some rule of the suite could refuse, found with vectorised pandas from the suite's own
expectations; GX then names and counts them exactly as it would on the whole frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from flows import config
from flows.parsed import Parsed
from flows.problems import InputRejected, Problem
from flows.readers import read_table
from flows.reference import normalise_label, vocabulary
from flows.tabular import contract, header_roles, refuse_if_larger
from flows.validation import load_suite

MAX_SURVEY_BYTES = 8 * 2**30
ROLES = ("respondent_id", "region", "weight", "stratum", "psu", "sex", "age", "age_group")
SHOWN_PER_RESPONDENT = 5  # answers named per respondent in a problem; the count says the rest


@cache
def studies() -> pd.DataFrame:
    return pd.read_csv(config.REFERENCE / "studies" / "studies.csv", dtype=str,
                       keep_default_na=False)


@cache
def study_variables() -> pd.DataFrame:
    return pd.read_csv(config.REFERENCE / "studies" / "study_variables.csv", dtype=str,
                       keep_default_na=False)


@cache
def population_margins(name: str) -> pd.DataFrame:
    return pd.read_csv(config.REFERENCE / "studies" / f"{name}.csv", dtype={"region_code": str},
                       keep_default_na=False)


@dataclass
class Microdata:
    """A study file as read: typed columns, the codebook and the variables' question texts."""

    data: pd.DataFrame  # one row per respondent; index = source row (CSV line / SPSS case)
    codebook: pd.DataFrame  # variable, code, label, label_kk, label_ru, label_en, is_missing
    questions: dict[str, str]  # variable -> question text


def parse_file(path: Path, options: dict) -> Parsed:
    study = _study(path.name, options.get("study"))
    refuse_if_larger(path, MAX_SURVEY_BYTES, "one study's microdata")
    codebook_path = options.get("codebook") and Path(options["codebook"])
    micro = read_microdata(path, codebook_path)
    respondents, answers = parse(micro, study, path.name)
    categories = micro.codebook.assign(study_id=study["study_id"])
    variables = pd.DataFrame({"variable": list(micro.questions),
                              "question": list(micro.questions.values())}
                             ).assign(study_id=study["study_id"])
    return Parsed(tables={"survey_respondents": respondents, "survey_answers": answers,
                          "survey_categories": categories, "survey_variables": variables},
                  checks=[("survey", rows_the_suite_could_refuse(respondents, "survey"))])


def _study(file_name: str, study_id: str | None) -> dict:
    known = studies().set_index("study_id", drop=False)
    if study_id not in known.index:
        raise InputRejected([Problem(
            file_name, "known study", f"study «{study_id}» is not in the study registry "
            f"({', '.join(known.index)}; datasets/reference/studies/studies.csv)")])
    return known.loc[study_id].to_dict()


# --- reading -----------------------------------------------------------------------------------

def read_microdata(path: Path, codebook_path: Path | None = None) -> Microdata:
    suffix = path.suffix.lower()
    if suffix == ".sav":
        micro = _read_sav(path)
    elif suffix in {".csv", ".txt"}:
        micro = Microdata(_read_csv(path), pd.DataFrame(), {})
    else:
        raise InputRejected([Problem(path.name, "file format", f"«{suffix or 'no extension'}» "
                                     "survey files are not accepted; send SPSS .sav or CSV")])
    beside = path.with_name(f"{path.stem}.codebook.csv")
    codebook_path = codebook_path or (beside if beside.is_file() else None)
    if codebook_path is not None:
        micro = _with_codebook_csv(micro, codebook_path)
    elif suffix != ".sav":
        raise InputRejected([Problem(path.name, "codebook given", "a CSV survey file needs its "
                                     f"codebook: {beside.name} beside it, or --codebook PATH")])
    if micro.data.empty:
        raise InputRejected([Problem(path.name, "file readable", "the file has no respondents")])
    return micro


def _read_sav(path: Path) -> Microdata:
    import pyreadstat

    try:
        data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat raises its own ReadstatError for broken files/labels
        raise InputRejected([Problem(path.name, "file readable",
                                     f"the SPSS file cannot be read ({exc})")]) from exc
    rows = []
    for variable, labels in meta.variable_value_labels.items():
        missing = meta.missing_ranges.get(variable, [])
        for code, label in labels.items():
            rows.append({"variable": variable, "code": code, "label": str(label),
                         "is_missing": any(r["lo"] <= code <= r["hi"] for r in missing)})
        for declared in missing:  # missing codes without a label are still missing codes
            for code in _codes_between(declared["lo"], declared["hi"], labels):
                rows.append({"variable": variable, "code": code, "label": "",
                             "is_missing": True})
    codebook = _typed_codebook(pd.DataFrame(rows), path.name)
    data.index = pd.RangeIndex(1, len(data) + 1)  # SPSS case numbers
    return Microdata(data, codebook, {k: v or "" for k, v in meta.column_names_to_labels.items()})


def _codes_between(lo, hi, labelled) -> list[float]:
    if not (float(lo).is_integer() and float(hi).is_integer()) or hi - lo > 1000:
        return []
    return [float(c) for c in range(int(lo), int(hi) + 1) if float(c) not in labelled]


def _read_csv(path: Path) -> pd.DataFrame:
    """Typed columns straight from DuckDB's CSV reader (fast); Windows-1251 through the text
    reader. A column DuckDB cannot type as numbers stays text and is judged per cell later.

    DuckDB types columns from a sample of rows first (one pass over the file); only when a
    later cell does not fit its column's type is the file read again with every row sniffed
    (sample_size = -1, a slower extra pass), so that column comes back as text."""
    import duckdb

    table = None
    for sample in ("", ", sample_size = -1"):
        try:
            with duckdb.connect() as con:
                table = con.sql(f"SELECT * FROM read_csv($1, header = true{sample})",
                                params=[str(path)]).to_arrow_table()
            break
        except duckdb.ConversionException:
            continue  # a cell beyond the sample does not fit: sniff every row
        except duckdb.Error:
            break
    if table is None:
        frame = read_table(path).replace("", np.nan)
        frame.index.name = None
        return frame
    # numeric columns without nulls become numpy views of the Arrow buffers (no copy)
    frame = table.to_pandas(split_blocks=True, self_destruct=True)
    del table
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # header is line 1
    return frame


def _with_codebook_csv(micro: Microdata, path: Path) -> Microdata:
    book = read_table(path)
    book.columns = [normalise_label(c).replace(" ", "_") for c in book.columns]
    absent = {"variable", "code"} - set(book.columns)
    if absent:
        raise InputRejected([Problem(path.name, "codebook readable", f"the codebook has no "
                                     f"column {' or '.join(sorted(absent))}", row=1)])
    book = book.assign(**{c: "" for c in ("label", "label_kk", "label_ru", "label_en",
                                          "missing") if c not in book})
    codes = pd.to_numeric(book["code"], errors="coerce")
    bad = book.index[codes.isna() | (codes % 1 != 0)]
    if len(bad):
        raise InputRejected([Problem(path.name, "codebook readable", f"code «{book.at[r, 'code']}"
                                     "» is not a whole number", row=int(r)) for r in bad[:20]])
    label = book["label"].where(book["label"] != "", book["label_en"])
    table = pd.DataFrame({"variable": book["variable"], "code": codes, "label": label,
                          "label_kk": book["label_kk"], "label_ru": book["label_ru"],
                          "label_en": book["label_en"],
                          "is_missing": book["missing"].str.casefold().isin(
                              {"yes", "y", "true", "1", "да", "иә"})})
    codebook = table if micro.codebook.empty else _merge_codebooks(micro.codebook, table)
    questions = dict(micro.questions)
    for column in ("question_en", "question", "question_ru", "question_kk"):
        if column in book:
            for variable, text in book.groupby("variable", sort=False)[column].first().items():
                if text and not questions.get(variable):
                    questions[variable] = text
    return Microdata(micro.data, _typed_codebook(codebook, path.name), questions)


def _merge_codebooks(from_file: pd.DataFrame, from_csv: pd.DataFrame) -> pd.DataFrame:
    """The codebook CSV adds translations to a .sav's labels; a code in either is known, and a
    code is a missing-value code if either says so."""
    merged = from_file.merge(from_csv, on=["variable", "code"], how="outer",
                             suffixes=("", "_csv"))
    for column in ("label_kk", "label_ru", "label_en"):
        merged[column] = merged[f"{column}_csv"] if f"{column}_csv" in merged else merged[column]
    merged["label"] = merged["label"].fillna(merged["label_csv"])
    merged["is_missing"] = merged["is_missing"].fillna(False) | merged["is_missing_csv"].fillna(
        False)
    return merged[list(from_csv.columns)]


def _typed_codebook(book: pd.DataFrame, file_name: str) -> pd.DataFrame:
    columns = ["variable", "code", "label", "label_kk", "label_ru", "label_en", "is_missing"]
    book = book.reindex(columns=columns)
    if book.empty:
        return book
    book["code"] = book["code"].astype("int64")
    for column in ("label", "label_kk", "label_ru", "label_en"):
        book[column] = book[column].astype("string").fillna("").astype(str)
    book["is_missing"] = book["is_missing"].fillna(False).astype(bool)
    doubled = book.duplicated(["variable", "code"])
    if doubled.any():
        first = book.loc[doubled].iloc[0]
        raise InputRejected([Problem(file_name, "codebook readable", f"code {first['code']} of "
                                     f"{first['variable']} is listed twice")])
    return book.reset_index(drop=True)


# --- interpreting ------------------------------------------------------------------------------

def parse(micro: Microdata, study: dict, file_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Respondent rows (with the per-respondent verdict on answers) and long answer rows."""
    data, codebook = micro.data, micro.codebook
    role_of = {c: header_roles("survey").get(normalise_label(c)) for c in data.columns}
    column = {}
    for name, role in role_of.items():
        if role:
            column.setdefault(role, name)
    variables = [c for c in data.columns if not role_of[c]]
    _check_columns(file_name, study, column, variables, set(codebook["variable"]))

    respondents = pd.DataFrame(index=data.index)
    respondents["study_id"] = study["study_id"]
    respondents["source_row"] = data.index.astype("int64")
    respondents["respondent_id"] = _as_text(data[column["respondent_id"]])
    labels = _labels(codebook)
    region_label = _as_text(data[column["region"]], labels.get(column["region"]))
    respondents["region_label"] = region_label
    respondents["region_code"] = vocabulary("region").codes_of(region_label)
    respondents["sex"], respondents["sex_label"] = _sex(data, column, labels)
    respondents["age_group"], respondents["age_text"] = _age(data, column)
    # what was given but not understood, for the suite to name (None when fine or not given)
    respondents["sex_unrecognised"] = respondents["sex_label"].where(
        respondents["sex"].isna() & (respondents["sex_label"] != ""))
    respondents["age_unrecognised"] = respondents["age_text"].where(
        respondents["age_group"].isna() & (respondents["age_text"] != ""))
    respondents["weight"] = _weight(data, column, study)
    for role in ("stratum", "psu"):
        respondents[role] = _as_text(data[column[role]]) if role in column else None
    respondents["answers_outside_codebook"] = _answers_outside_codebook(data, variables, codebook)
    respondents["weight_design"] = respondents["weight"]
    respondents["weight_raked"] = np.nan
    if study.get("rake_to"):
        respondents["weight_raked"] = _raked(respondents, study["rake_to"], file_name)
    respondents = respondents.reset_index(drop=True)
    return respondents, _long_answers(data, variables)


def _check_columns(file_name, study, column, variables, coded) -> None:
    required = ["respondent_id", "region"] + (["weight"] if study["weights"] != "none" else [])
    problems = [Problem(file_name, "required columns present",
                        f"no {role} column; see datasets/contracts/survey.yaml", row=1)
                for role in required if role not in column]
    wanted = study_variables().query("study_id == @study['study_id']")["variable"]
    problems += [Problem(file_name, "required variables present",
                         f"variable {v} of study {study['study_id']} is not in the file "
                         "(datasets/reference/studies/study_variables.csv)", row=1, column=v)
                 for v in wanted if v not in variables]
    problems += [Problem(file_name, "known columns",
                         f"column «{v}» is neither a respondent column nor in the codebook",
                         row=1, column=v) for v in variables if v not in coded]
    if problems:
        raise InputRejected(problems)


def _labels(codebook: pd.DataFrame) -> dict[str, dict[int, str]]:
    return {v: dict(zip(g["code"], g["label"], strict=True))
            for v, g in codebook.groupby("variable")}


def _as_text(values: pd.Series, labels: dict[int, str] | None = None) -> pd.Series:
    """Ids and labels as text: 1021.0 -> "1021"; a labelled code -> its label.

    Whole numbers without labels (ids) are converted by Arrow; anything else is interpreted
    once per distinct value and spread back to the rows."""
    if not labels:
        whole = _whole_numbers(values)
        if whole is not None:
            text = pc.cast(pa.array(whole), pa.string())
            return pd.Series(pd.array(text, dtype="str"), index=values.index)
    codes, distinct = pd.factorize(values)  # empty cells get code -1
    if len(distinct) == len(values):
        return _as_text_each(values, labels)
    text = _as_text_each(pd.Series(distinct), labels).to_numpy(dtype=object)
    return pd.Series(np.append(text, None)[codes], index=values.index, dtype=object)


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
        if len(numbers) and np.isfinite(numbers).all() and (numbers % 1 == 0).all():
            return numbers.astype("int64")
    return None


def _as_text_each(values: pd.Series, labels: dict[int, str] | None = None) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    whole = numbers.notna() & (numbers % 1 == 0)
    text = values.astype("string").str.strip()
    text = text.mask(whole, numbers[whole].astype("int64").astype("string"))
    if labels:
        text = text.mask(whole, numbers[whole].astype("int64").map(labels).fillna(text[whole]))
    return text.astype(object).where(text.notna() & (text != ""), None)


def _sex(data, column, labels) -> tuple[pd.Series, pd.Series]:
    if "sex" not in column:
        return pd.Series(None, index=data.index, dtype=object), pd.Series("", index=data.index)
    text = _as_text(data[column["sex"]], labels.get(column["sex"]))
    known = {normalise_label(alias): sex for sex, aliases in contract("survey")["sex_values"]
             .items() for alias in aliases}
    codes, distinct = pd.factorize(text)  # empty cells get code -1
    sex = np.array([known.get(normalise_label(t)) for t in distinct] + [None], dtype=object)
    return pd.Series(sex[codes], index=data.index, dtype=object), text.fillna("")


def _age(data, column) -> tuple[pd.Series, pd.Series]:
    groups = contract("survey")["age_groups"]
    if "age" in column:
        age = pd.to_numeric(data[column["age"]], errors="coerce")
        which = np.full(len(age), len(groups))  # no group: the None after the names
        for i, (low, high) in enumerate(groups.values()):  # a later group wins, as listed
            which[age.between(low, high).to_numpy()] = i
        group = np.array([*groups, None], dtype=object)[which]
        return pd.Series(group, index=data.index, dtype=object), \
            _as_text(data[column["age"]]).fillna("")
    if "age_group" in column:
        text = _as_text(data[column["age_group"]])
        return text.where(text.isin(list(groups))), text.fillna("")
    return pd.Series(None, index=data.index, dtype=object), pd.Series("", index=data.index)


def _weight(data, column, study) -> pd.Series:
    if study["weights"] == "none":
        return pd.Series(1.0, index=data.index)
    weight = pd.to_numeric(data[column["weight"]], errors="coerce").astype("float64")
    return weight.where(np.isfinite(weight))


def _answers_outside_codebook(data, variables, codebook) -> pd.Series:
    """Per respondent: "q07=9, q12=77" for answers that are not codebook codes, else None."""
    codes = codebook.groupby("variable")["code"].apply(lambda c: np.asarray(c, dtype="int64"))
    found: dict[int, list[str]] = {}
    for variable in variables:
        values = data[variable]
        integers = _integers(values)
        if integers is not None:  # no empty cells; integer lookup
            bad = ~np.isin(integers, codes[variable])
        else:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
            given = values.notna().to_numpy()
            bad = given & ~np.isin(numbers, codes[variable].astype("float64"))
        for position in np.flatnonzero(bad):
            found.setdefault(position, []).append(f"{variable}={values.iat[position]}")
    verdict = pd.Series(None, index=data.index, dtype=object)
    for position, items in found.items():
        more = len(items) - SHOWN_PER_RESPONDENT
        verdict.iat[position] = ", ".join(items[:SHOWN_PER_RESPONDENT]) + (
            f" and {more} more" if more > 0 else "")
    return verdict


def _long_answers(data: pd.DataFrame, variables: list[str]) -> pa.Table:
    """source_row x variable x code for every given answer (empty answers are not rows).

    An Arrow table with one chunk per variable, in the order of the variables: the variable is
    dictionary-encoded and a variable answered by everybody shares one source_row array with
    the others, so the long table costs little more than its codes."""
    rows = pa.array(data.index.to_numpy(dtype="int64").astype("int32"))
    names = pa.array(variables, type=pa.string())
    index_type = np.int16 if len(variables) < 2**15 else np.int32
    source_rows, variable_chunks, code_chunks = [], [], []
    for i, variable in enumerate(variables):
        values = data[variable]
        integers = _integers(values)
        if integers is not None:  # no empty cells
            given, codes = None, integers.astype("int32")
        else:
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
            given = ~np.isnan(numbers)
            codes = numbers[given].astype("int32")
        source_rows.append(rows if given is None else rows.filter(pa.array(given)))
        variable_chunks.append(pa.DictionaryArray.from_arrays(
            pa.array(np.full(len(codes), i, dtype=index_type)), names))
        code_chunks.append(pa.array(codes))
    dictionary = pa.dictionary(pa.from_numpy_dtype(index_type), pa.string())
    return pa.table({"source_row": pa.chunked_array(source_rows, type=pa.int32()),
                     "variable": pa.chunked_array(variable_chunks, type=dictionary),
                     "code": pa.chunked_array(code_chunks, type=pa.int32())})


# --- what GX must see --------------------------------------------------------------------------

# expectation type -> (kwargs understood here, rows it could refuse). Each test is a superset of
# GX's own (a row it flags may still pass); nulls are flagged wherever GX might object to them.
_REFUSABLE = {
    "expect_column_values_to_not_be_null": (
        {"column", "row_condition", "condition_parser"},
        lambda column, kw: column.isna().to_numpy()),
    "expect_column_values_to_be_null": (
        {"column", "row_condition", "condition_parser"},
        lambda column, kw: column.notna().to_numpy()),
    "expect_column_values_to_be_unique": (
        {"column", "row_condition", "condition_parser"},
        lambda column, kw: column.duplicated(keep=False).to_numpy() | column.isna().to_numpy()),
    "expect_column_values_to_be_between": (
        {"column", "min_value", "max_value", "strict_min", "strict_max", "row_condition",
         "condition_parser"},
        lambda column, kw: ~_within(column, kw)),
}


def rows_the_suite_could_refuse(frame: pd.DataFrame, suite: str) -> pd.DataFrame:
    """The rows of `frame` that some expectation of `expectations/<suite>.json` could fail, in
    their order. GX validating them reaches the same verdicts, failing rows, counts and messages
    as on the whole frame: every failing row is there (with all its duplicates for uniqueness)
    and a row that passes every rule changes none of them. Millions of respondents thus cost
    GX nothing when the file is good. An expectation this does not know (another type, `mostly`,
    a row condition that does not evaluate) hands GX the whole frame."""
    flagged = np.zeros(len(frame), dtype=bool)
    for expectation in load_suite(suite)["expectations"]:
        known = _REFUSABLE.get(expectation["type"])
        kwargs = expectation.get("kwargs", {})
        if known is None or set(kwargs) - known[0] or kwargs.get("column") not in frame:
            return frame
        applies = True  # a row outside the row condition cannot fail (a duplicate stays flagged)
        if kwargs.get("row_condition"):
            if kwargs.get("condition_parser") != "pandas":
                return frame
            try:
                applies = frame.eval(kwargs["row_condition"]).to_numpy(dtype=bool)
            except Exception:  # GX will judge (and report) it on the whole frame
                return frame
        flagged |= applies & known[1](frame[kwargs["column"]], kwargs)
    return frame.loc[flagged]


def _within(column: pd.Series, kwargs: dict) -> np.ndarray:
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64")
    inside = ~np.isnan(numbers)  # empty or not a number: flagged, GX decides
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None:
        inside &= numbers > low if kwargs.get("strict_min") else numbers >= low
    if high is not None:
        inside &= numbers < high if kwargs.get("strict_max") else numbers <= high
    return inside


def _raked(respondents: pd.DataFrame, margins_name: str, file_name: str) -> pd.Series:
    """Design weights raked to the population's region x sex and age-group shares; left empty
    when the respondent data are invalid anyway (the suite rejects the file then)."""
    from flows.raking import rake

    usable = (respondents["weight"].gt(0).all() and respondents["region_code"].notna().all()
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
    frame = respondents.assign(region_sex=respondents["region_code"] + "|" + respondents["sex"])
    present = {k: m[m.index.isin(frame[k])] for k, m in margins.items()}
    present = {k: m / m.sum() for k, m in present.items()}  # a study may cover part of the country
    try:
        return rake(frame, "weight", present)
    except ValueError as exc:
        raise InputRejected([Problem(file_name, "weights calibrate to population margins",
                                     f"raking to {margins_name} failed: {exc}")]) from exc
