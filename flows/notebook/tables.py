"""A frame as the analyst reads it in a notebook: headed and written in the notebook's language.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ahual.flows.notebook.words import WORDS, Words


def table(frame: pd.DataFrame, words: Words, columns: dict[str, str] | None = None):
    """A frame as the analyst reads it (a pandas Styler): each column headed by `columns`' name
    for it, else its WORDS name, else its own; numbers, dates and yes/no written in the
    language; «–» for nothing; no index."""
    columns = columns or {}

    def shown(value, decimals: int | None = None) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return "–"
        if pd.api.types.is_bool(value):
            return words.report.yes_no(bool(value))
        if isinstance(value, date):
            return words.date(value)
        if pd.api.types.is_number(value):
            return words.number(value, decimals)
        return str(value)

    formats = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_float_dtype(column) and not (column.dropna() % 1 == 0).all():
            # a column of fractions keeps as many places as its most precise value (up to 3)
            places = max(len(f"{v:.3f}".rstrip("0").split(".")[1]) for v in column.dropna())
            formats[name] = lambda v, places=places: shown(v, places)
        else:
            formats[name] = shown
    texts = [name for name in frame.columns
             if pd.api.types.is_string_dtype(frame[name]) or frame[name].dtype == object]
    headers = [columns[c] if c in columns else (words(c) if c in WORDS else c)
               for c in frame.columns]
    styled = frame.style.format(formats).hide(axis="index")
    styled = styled.set_properties(subset=texts, **{"text-align": "left"})
    styled = styled.set_table_styles([{"selector": "th", "props": "text-align: left"}])
    return styled.relabel_index(headers, axis="columns")
