"""Cells as text keys and labels, interpreted once per distinct value: 1021.0 -> "1021", a
labelled code -> its label, text through `normalise_key` (two ids that differ only by an
invisible character are one id), a blank cell -> empty. No Python object is made per row
(performance: bench/README.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ahual.flows.reading.vocabulary import normalise_key


def as_text(values: pd.Series, labels: dict[int, str] | None = None) -> pd.Series:
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
