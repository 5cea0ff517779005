"""The answers stored long (source row x variable x code) and the extra columns' cells as text
(source row x variable x value): one column at a time, as Arrow columns built from numpy with
the smallest integer types their codes fit (DuckDB widens them on insert); an answer outside
the codebook is named in its respondent's verdict instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from ahual.flows.kinds.survey.columns import Layout
from ahual.flows.kinds.survey.read import Microdata
from ahual.flows.kinds.survey.text import as_text
from ahual.flows.problems import shown
from ahual.flows.reading.vocabulary import normalise_key

SHOWN_PER_RESPONDENT = 5  # answers named per respondent in a problem; the count says the rest


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


def long_answers(micro: Microdata, layout: Layout, codebook: pd.DataFrame
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


def extra_values(micro: Microdata, layout: Layout) -> pa.Table:
    """source_row x variable x value (text) of every non-empty cell of the extra columns."""
    names = pa.array(list(layout.extras), type=pa.string())
    index_type = np.int16 if len(names) < 2**15 else np.int32
    rows = pa.array(micro.source_rows.astype("int32"))
    source_rows, variable_chunks, value_chunks = [], [], []
    for i, column in enumerate(layout.extras):
        text = pa.array(as_text(micro.column(column)), type=pa.string())
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
