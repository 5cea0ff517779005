"""Reading one study's file: SPSS .sav with its value labels and user-missing codes
(pyreadstat), or CSV through DuckDB with a codebook CSV beside it. Nothing is interpreted here:
the columns come back typed as the file holds them, one at a time, with the codebook and the
question texts.

A CSV is read by DuckDB into a table of a scratch database under AHUAL_HOME/work/ (on disk,
compressed, within a small memory limit) and its columns are handed out one by one, so a
million respondents x 40 questions never sit in memory as one frame (bench/survey_memory.py).
A .sav is read whole by pyreadstat (it has no column-wise reader).

The codebook: one row per (variable, code) with its labels (`label` as the file writes it,
kk/ru/en translations), `is_missing` and `declared_by` (file, codebook, or both). Codes are
whole numbers that fit a 32-bit integer (raw.survey_answers.code); a codebook CSV beside a .sav
adds translations and missing-value declarations, and must not contradict the file's labels.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ahual.flows.kinds.survey.labels import reads_as_missing
from ahual.flows.problems import InputRejected, Problem
from ahual.flows.reading.readers import read_table
from ahual.flows.reading.vocabulary import normalise_key, normalise_label

CODE_RANGE = (-(2**31), 2**31 - 1)  # raw.survey_answers.code is an INTEGER
SCRATCH_MEMORY = "256MB"  # DuckDB's memory for the scratch copy of a CSV; the rest spills
YES = {"yes", "y", "true", "1", "да", "иә", "x"}
NO = {"no", "n", "false", "0", "нет", "жоқ"}
CODEBOOK_COLUMNS = ["variable", "code", "label", "label_kk", "label_ru", "label_en",
                    "is_missing", "codebook_row"]


@dataclass
class Microdata:
    """A study file as read: its columns (handed out one at a time), the codebook and the
    variables' question texts. Close it (or use it as a context manager) to drop the scratch
    copy of a CSV."""

    file_name: str
    columns: list[str]
    source_rows: np.ndarray  # int64: CSV line (header = 1) or SPSS case number, per row
    codebook: pd.DataFrame  # CODEBOOK_COLUMNS
    questions: dict[str, str]  # variable -> question text
    _frame: pd.DataFrame | None = None  # .sav / text-reader CSV: the whole frame
    _con: object | None = None  # CSV: DuckDB connection holding the table `data`
    _scratch: Path | None = None
    _cache: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.source_rows)

    def column(self, name: str) -> pd.Series:
        """One column, positionally indexed (0 .. rows-1): numbers as int64 or float64 (an
        empty cell is NaN), text as str."""
        if self._frame is not None:
            return self._frame[name].reset_index(drop=True)
        quoted = '"' + name.replace('"', '""') + '"'
        table = self._con.sql(f"SELECT {quoted} FROM data ORDER BY rowid").to_arrow_table()
        return table.column(0).to_pandas()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None
        self._frame = None

    def __enter__(self) -> Microdata:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_microdata(path: Path, codebook_path: Path | None = None) -> Microdata:
    suffix = path.suffix.lower()
    if suffix == ".sav":
        micro = _read_sav(path)
    elif suffix in {".csv", ".txt"}:
        micro = _read_csv(path)
    else:
        raise InputRejected([Problem(path.name, "file format", f"«{suffix or 'no extension'}» "
                                     "survey files are not accepted; send SPSS .sav or CSV")])
    try:
        beside = path.with_name(f"{path.stem}.codebook.csv")
        codebook_path = codebook_path or (beside if beside.is_file() else None)
        if codebook_path is not None:
            micro = _with_codebook_csv(micro, codebook_path)
        elif suffix != ".sav":
            raise InputRejected([Problem(path.name, "codebook given", "a CSV survey file needs "
                                         f"its codebook: {beside.name} beside it, or "
                                         "--codebook PATH")])
        if micro.rows == 0:
            raise InputRejected([Problem(path.name, "file readable",
                                         "the file has no respondents")])
    except BaseException:
        micro.close()
        raise
    return micro


# --- SPSS -------------------------------------------------------------------------------------

def _read_sav(path: Path) -> Microdata:
    import pyreadstat

    try:
        data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat raises its own ReadstatError for broken files/labels
        raise InputRejected([Problem(path.name, "file readable",
                                     f"the SPSS file cannot be read ({exc})")]) from exc
    rows, problems = [], []
    for variable, labels in meta.variable_value_labels.items():
        if not all(isinstance(code, int | float) for code in labels):
            continue  # labels of a text variable: not answer codes
        missing = meta.missing_ranges.get(variable, [])
        for code, label in labels.items():
            problem = _code_problem(code, variable, path.name)
            if problem:
                problems.append(problem)
                continue
            rows.append({"variable": variable, "code": int(code), "label": str(label),
                         "is_missing": any(r["lo"] <= code <= r["hi"] for r in missing)})
        for declared in missing:  # missing codes without a label are still missing codes
            for code in _codes_between(declared["lo"], declared["hi"], labels):
                rows.append({"variable": variable, "code": code, "label": "",
                             "is_missing": True})
    if problems:
        raise InputRejected(problems[:20])
    codebook = _typed_codebook(pd.DataFrame(rows), path.name)
    data.columns = [normalise_key(c) for c in data.columns]
    codebook["variable"] = codebook["variable"].map(normalise_key)
    return Microdata(path.name, list(data.columns), np.arange(1, len(data) + 1, dtype=np.int64),
                     codebook, {normalise_key(k): v or ""
                                for k, v in meta.column_names_to_labels.items()},
                     _frame=data.reset_index(drop=True))


def _code_problem(code, variable: str, file_name: str) -> Problem | None:
    """Why `code` cannot be an answer code (None: it can)."""
    if not np.isfinite(code) or float(code) != int(code):
        return Problem(file_name, "codebook readable", f"code {code!r} of {variable} is not a "
                       "whole number", column=variable)
    if not CODE_RANGE[0] <= int(code) <= CODE_RANGE[1]:
        return Problem(file_name, "codebook readable", f"code {int(code)} of {variable} is too "
                       f"large: answer codes are whole numbers from {CODE_RANGE[0]:,} to "
                       f"{CODE_RANGE[1]:,}", column=variable, value=str(int(code)))
    return None


def _codes_between(lo, hi, labelled) -> list[int]:
    if not (float(lo).is_integer() and float(hi).is_integer()) or hi - lo > 1000:
        return []
    if lo < CODE_RANGE[0] or hi > CODE_RANGE[1]:
        return []
    return [c for c in range(int(lo), int(hi) + 1) if float(c) not in labelled]


# --- CSV --------------------------------------------------------------------------------------

def _scratch_folder() -> Path:
    from ahual.flows import settings

    work = settings.home().root / "work"
    work.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="survey-read-", dir=work))


def _read_csv(path: Path) -> Microdata:
    """The CSV as a table of a scratch DuckDB database: typed by DuckDB's reader (fast, one
    pass); a column DuckDB cannot type as numbers stays text and is judged per cell later.
    DuckDB types columns from a sample of rows first; only when a later cell does not fit its
    column's type is the file read again with every row sniffed (sample_size = -1), so that
    column comes back as text. What DuckDB cannot read at all (Windows-1251) goes through the
    text reader, whole."""
    import duckdb

    scratch = _scratch_folder()
    con = duckdb.connect(str(scratch / "read.duckdb"), config={
        "memory_limit": SCRATCH_MEMORY, "temp_directory": str(scratch / "spill"),
        "preserve_insertion_order": True})
    loaded = False
    try:
        for sample in ("", ", sample_size = -1"):
            try:
                con.execute("CREATE OR REPLACE TABLE data AS SELECT * FROM "
                            f"read_csv($1, header = true{sample})", [str(path)])
                loaded = True
                break
            except duckdb.ConversionException:
                continue  # a cell beyond the sample does not fit: sniff every row
            except duckdb.Error:
                break
        if loaded:
            columns = [r[0] for r in con.execute("DESCRIBE data").fetchall()]
            rows = con.execute("SELECT count(*) FROM data").fetchall()[0][0]
            names = [normalise_key(c) for c in columns]
            if names != columns:
                for old, new in zip(columns, names, strict=True):
                    if old != new:
                        con.execute(f'ALTER TABLE data RENAME "{old.replace(chr(34), 2 * chr(34))}"'
                                    f' TO "{new.replace(chr(34), 2 * chr(34))}"')
            return Microdata(path.name, names, np.arange(2, rows + 2, dtype=np.int64),
                             _typed_codebook(pd.DataFrame(), path.name), {},
                             _con=con, _scratch=scratch)
    except BaseException:
        con.close()
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    con.close()
    shutil.rmtree(scratch, ignore_errors=True)
    frame = read_table(path)
    frame.columns = [normalise_key(c) for c in frame.columns]
    return Microdata(path.name, list(frame.columns), frame.index.to_numpy(dtype=np.int64),
                     _typed_codebook(pd.DataFrame(), path.name), {},
                     _frame=frame.reset_index(drop=True))


# --- the codebook CSV -------------------------------------------------------------------------

def _with_codebook_csv(micro: Microdata, path: Path) -> Microdata:
    book = read_table(path)
    book.columns = [normalise_label(c).replace(" ", "_") for c in book.columns]
    absent = {"variable", "code"} - set(book.columns)
    if absent:
        raise InputRejected([Problem(path.name, "codebook readable", f"the codebook has no "
                                     f"column {' or '.join(sorted(absent))}", row=1)])
    book = book.assign(**{c: "" for c in ("label", "label_kk", "label_ru", "label_en",
                                          "missing") if c not in book})
    book["variable"] = book["variable"].map(normalise_key)
    text = book["code"].astype(str).str.strip()
    whole = text.str.fullmatch(r"[+-]?\d{1,30}(\.0*)?")
    bad = book.index[~whole]
    if len(bad):
        raise InputRejected([Problem(path.name, "codebook readable", f"code «{book.at[r, 'code']}"
                                     "» is not a whole number", row=int(r), column="code")
                             for r in bad[:20]])
    codes = text.str.replace(r"\.0*$", "", regex=True).map(int)
    out_of_range = book.index[(codes < CODE_RANGE[0]) | (codes > CODE_RANGE[1])]
    if len(out_of_range):
        raise InputRejected([Problem(
            path.name, "codebook readable", f"code {codes[r]} of {book.at[r, 'variable']} is "
            f"too large: answer codes are whole numbers from {CODE_RANGE[0]:,} to "
            f"{CODE_RANGE[1]:,}", row=int(r), column="code", value=str(codes[r]))
            for r in out_of_range[:20]])
    missing = book["missing"].astype(str).str.strip().str.casefold()
    label = book["label"].where(book["label"] != "", book["label_en"])
    table = pd.DataFrame({"variable": book["variable"], "code": codes.astype("int64"),
                          "label": label, "label_kk": book["label_kk"],
                          "label_ru": book["label_ru"], "label_en": book["label_en"],
                          "is_missing": missing.isin(YES), "says_not_missing": missing.isin(NO),
                          "codebook_row": book.index.astype("int64")})
    if micro.codebook.empty:
        codebook = table.drop(columns="says_not_missing")
    else:
        codebook = _merge_codebooks(micro.codebook, table, micro.file_name, path.name)
    questions = dict(micro.questions)
    for column in ("question_en", "question", "question_ru", "question_kk"):
        if column in book:
            for variable, text in book.groupby("variable", sort=False)[column].first().items():
                if text and not questions.get(variable):
                    questions[variable] = text
    micro.codebook = _typed_codebook(codebook, path.name)
    micro.questions = questions
    return micro


def _script(text: str) -> str:
    if re.search(r"[\u0400-\u04ff]", text):
        return "cyrillic"
    if re.search(r"[A-Za-z]", text):
        return "latin"
    return ""


def _merge_codebooks(from_file: pd.DataFrame, from_csv: pd.DataFrame, file_name: str,
                     csv_name: str) -> pd.DataFrame:
    """The codebook CSV adds translations and missing-value declarations to a .sav's labels; a
    code in either is known, and a missing-value code if either says so. Where both give a
    code, the CSV must not contradict the file (`_contradictions`)."""
    merged = from_file.drop(columns="codebook_row").merge(
        from_csv, on=["variable", "code"], how="outer", suffixes=("", "_csv"), indicator=True)
    problems = _contradictions(merged, from_csv, file_name, csv_name)
    if problems:
        raise InputRejected(problems[:20])
    for column in ("label_kk", "label_ru", "label_en"):
        merged[column] = merged[f"{column}_csv"]
    merged["label"] = merged["label"].where(merged["label"].notna() & (merged["label"] != ""),
                                            merged["label_csv"])
    merged["is_missing"] = (merged["is_missing"].fillna(False).astype(bool)
                            | merged["is_missing_csv"].fillna(False).astype(bool))
    return merged[CODEBOOK_COLUMNS]


def _contradictions(merged: pd.DataFrame, from_csv: pd.DataFrame, file_name: str,
                    csv_name: str) -> list[Problem]:
    """Where the codebook CSV says otherwise than the .sav of a code both give:

    - a label in the script of the file's label that is not that label;
    - a code the file declares missing that the CSV says is not (`missing` = no, or left
      blank where the CSV declares the variable's missing codes itself);
    - a code the file gives as an answer that the CSV declares missing, unless the file's own
      label reads as no answer ("Refused": the CSV then completes the file's declarations).
    A substantive answer taken as missing leaves the base, and its share silently goes to 0.
    """
    declares = set(from_csv.loc[from_csv["is_missing"] | from_csv["says_not_missing"],
                                "variable"])
    both = merged[merged["_merge"] == "both"]
    file_missing = both[both["is_missing"].map(_true)].groupby("variable")["code"].agg(list)
    csv_missing = from_csv[from_csv["is_missing"]].groupby("variable")["code"].agg(list)
    problems = []
    for row in both.itertuples(index=False):
        said = str(row.label or "")
        others = [str(x) for x in (row.label_csv, row.label_en_csv, row.label_ru_csv,
                                   row.label_kk_csv) if isinstance(x, str) and x.strip()]
        alike = [x for x in others if _script(x) == _script(said)] if said else []
        line, code = int(row.codebook_row), f"code {row.code}"
        if alike and normalise_label(said) not in {normalise_label(x) for x in alike}:
            problems.append(Problem(
                csv_name, "codebook agrees with the file", f"{code} of {row.variable} "
                f"is «{said}» in {file_name} but «{alike[0]}» in {csv_name}; which is it? "
                "Correct one of them and send both again", row=line, column=row.variable))
        named = f"{code} ({f'«{said}»' if said else 'no label'}) of {row.variable}"
        in_file = f"{file_name} declares {_codes(file_missing.get(row.variable))} missing"
        in_csv = f"{csv_name} declares {_codes(csv_missing.get(row.variable))} missing"
        if _true(row.is_missing) and (_true(row.says_not_missing) or (
                row.variable in declares and not _true(row.is_missing_csv))):
            problems.append(Problem(
                csv_name, "codebook agrees with the file", f"{named} is a missing-value code "
                f"in {file_name} but an answer in {csv_name} ({in_file}; {in_csv}); correct "
                "one of them and send both again", row=line, column=row.variable,
                value=str(row.code)))
        elif (not _true(row.is_missing) and _true(row.is_missing_csv)
              and not reads_as_missing(said)):
            problems.append(Problem(
                csv_name, "codebook agrees with the file", f"{named} is an answer in "
                f"{file_name} but a missing-value code in {csv_name} ({in_file}; {in_csv}); "
                "as missing it would leave the base and its share would read 0. Correct one "
                "of them and send both again", row=line, column=row.variable,
                value=str(row.code)))
    return problems


def _codes(codes: list | None) -> str:
    return ", ".join(str(c) for c in sorted(codes)) if codes else "no code"


def _true(value) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _typed_codebook(book: pd.DataFrame, file_name: str) -> pd.DataFrame:
    book = book.reindex(columns=CODEBOOK_COLUMNS)
    if book.empty:
        return book.astype({"code": "int64", "is_missing": bool})
    book["code"] = book["code"].astype("int64")
    for column in ("label", "label_kk", "label_ru", "label_en"):
        book[column] = book[column].astype("string").fillna("").astype(str)
    book["is_missing"] = book["is_missing"].fillna(False).astype(bool)
    doubled = book.duplicated(["variable", "code"])
    if doubled.any():
        first = book.loc[doubled].iloc[0]
        raise InputRejected([Problem(file_name, "codebook readable", f"code {first['code']} of "
                                     f"{first['variable']} is listed twice")])
    return book.sort_values(["variable", "code"], kind="stable").reset_index(drop=True)
