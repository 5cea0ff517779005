"""Tables of counts in long or wide layout, read the same way for every input kind.

A *long* table has one row per item (a confession, an indicator) with its value; a *wide* table
has one row per key (region, date) and one column per item. Headers are recognised through the
kind's contract (`datasets/contracts/<kind>.yaml`, any of kk/ru/en); the result is one text row
per key x item, with spreadsheet positions kept so every problem can name its row and column.
Nothing is interpreted here: the kind turns text into codes and numbers, and its GX suite
judges them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ahual.flows.problems import InputRejected, Problem
from ahual.flows.reading.vocabulary import normalise_label
from ahual.flows.resources import contract

DASHES = {"-", "–", "—"}
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]")


@dataclass(frozen=True)
class TableSpec:
    contract: str  # datasets/contracts/<contract>.yaml
    keys: tuple[str, ...]  # roles every row carries, e.g. ("as_of", "region")
    optional_keys: tuple[str, ...]  # roles that may be absent, e.g. ("round",)
    item: str  # the role that names the item in the long layout; wide headers are items
    value: str  # the role holding the value in the long layout
    output: dict[str, str]  # role -> name of the text column in the result


def header_roles(name: str) -> dict[str, str]:
    """Normalised header text -> contract column (as_of, region, confession, ...)."""
    return {normalise_label(header): column
            for column, spec in contract(name)["columns"].items()
            for header in spec["headers"]}


def melt(table: pd.DataFrame, file_name: str, spec: TableSpec) -> pd.DataFrame:
    """A read table -> text rows: source_row, source_column, one column per role."""
    roles = header_roles(spec.contract)
    role_of = {h: roles.get(normalise_label(h)) for h in table.columns}
    by_role = {role: h for h, role in role_of.items() if role}
    problems = [Problem(file_name, "one column per meaning",
                        f"several columns mean {r}: "
                        f"{', '.join(repr(h) for h, role in role_of.items() if role == r)}", row=1)
                for r in sorted({r for r in by_role if list(role_of.values()).count(r) > 1})]
    missing = [k for k in spec.keys if k not in by_role]
    if missing:
        problems.append(Problem(
            file_name, "required columns present",
            f"no column for {' and '.join(missing)}; headers found: "
            f"{', '.join(map(repr, table.columns))}. See datasets/contracts/{spec.contract}.yaml",
            row=1))
    if problems:
        raise InputRejected(problems)
    keys = [k for k in (*spec.keys, *spec.optional_keys) if k in by_role]
    if spec.item in by_role or spec.value in by_role:
        return _long(table, by_role, keys, file_name, spec)
    return _wide(table, role_of, by_role, keys, spec)


def _long(table, by_role, keys, file_name, spec) -> pd.DataFrame:
    absent = [c for c in (spec.item, spec.value) if c not in by_role]
    if absent:
        raise InputRejected([Problem(
            file_name, "required columns present",
            f"a long-layout file needs a column for {' and '.join(absent)}", row=1)])
    unknown = [h for h in table.columns if h not in by_role.values()]
    if unknown:  # silently ignoring a column could drop data the sender meant us to load
        raise InputRejected([Problem(
            file_name, "known columns",
            f"column «{h}» is not part of this kind of file; if it is free text, head it "
            "«note»", row=1, column=h) for h in unknown])
    out = pd.DataFrame({"source_row": table.index.astype("int64"), "source_column": None})
    for role in (*keys, spec.item, spec.value):
        out[spec.output[role]] = table[by_role[role]].to_numpy()
    return out


def _wide(table, role_of, by_role, keys, spec) -> pd.DataFrame:
    item_columns = [h for h, role in role_of.items() if role is None]
    melted = table.reset_index(names="source_row").melt(
        id_vars=["source_row", *(by_role[k] for k in keys)], value_vars=item_columns,
        var_name="source_column", value_name="__value")
    out = pd.DataFrame({"source_row": melted["source_row"].astype("int64"),
                        "source_column": melted["source_column"]})
    for role in keys:
        out[spec.output[role]] = melted[by_role[role]].to_numpy()
    out[spec.output[spec.item]] = melted["source_column"].to_numpy()
    out[spec.output[spec.value]] = melted["__value"].to_numpy()
    return out.sort_values(["source_row", "source_column"], kind="stable").reset_index(drop=True)


def clean_count_text(text: str) -> str:
    return _NUMBER_SPACES.sub("", text)


def parse_count(text: str) -> int | None:
    """«-» is none (0); empty is missing; a whole number (Excel may write 12.0) is itself."""
    if text in DASHES:
        return 0
    if re.fullmatch(r"\d{1,12}(\.0+)?", text):
        return int(float(text))
    return None


def counts(texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cleaned count texts and their values (nullable integers)."""
    cleaned = texts.map(clean_count_text)
    return cleaned, pd.Series(pd.array(cleaned.map(parse_count), dtype="Int64"),
                              index=texts.index)
