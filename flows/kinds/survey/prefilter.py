"""Handing GX only the respondents some rule could refuse.

GX validating them reaches the same verdicts, failing rows, counts and messages as on the whole
frame: every failing row is there (with all its duplicates for uniqueness) and a row that
passes every rule changes none of them. Millions of respondents thus cost GX nothing when the
file is good.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ahual.flows.gate.validation import load_suite

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


