"""Registration reports: a table of text cells -> one typed row per date x region x confession.

Nothing is judged here: labels that do not resolve become empty codes and unreadable numbers
or dates become empty values, with the original text kept beside them. The GX suite
`expectations/registrations.json` then decides, so every rule lives in one reviewable place.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from flows import config
from flows.parsed import Parsed
from flows.problems import InputRejected, Problem
from flows.readers import read_table
from flows.reference import normalise_label, vocabulary

MAX_REPORT_BYTES = 20 * 2**20
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%d.%m.%Y %H:%M:%S")
DASHES = {"-", "–", "—"}
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]")


@cache
def contract() -> dict:
    return yaml.safe_load((config.CONTRACTS / "registrations.yaml").read_text(encoding="utf-8"))


def _header_roles() -> dict[str, str]:
    """Normalised header text -> contract column (as_of, region, confession, ...)."""
    roles = {}
    for column, spec in contract()["columns"].items():
        for header in spec["headers"]:
            roles[normalise_label(header)] = column
    return roles


def parse_file(path: Path, options: dict) -> Parsed:
    """A registration report file -> rows for raw.registration_rows, checked by its suite."""
    size = path.stat().st_size
    if size > MAX_REPORT_BYTES:
        raise InputRejected([Problem(
            path.name, "file size",
            f"the file is {size / 2**20:.0f} MB; a registration report is at most "
            f"{MAX_REPORT_BYTES // 2**20} MB (16 regions x ~50 confessions is a few KB). "
            "Is this the right file?")])
    rows = parse(read_table(path), path.name)
    return Parsed(tables={"registration_rows": rows}, checks=[("registrations", rows)])


def parse(table: pd.DataFrame, file_name: str) -> pd.DataFrame:
    """Turn a read table (long or wide layout) into canonical registration rows."""
    roles = _header_roles()
    role_of = {h: roles.get(normalise_label(h)) for h in table.columns}
    by_role = {role: h for h, role in role_of.items() if role}
    doubled = sorted({r for r in by_role if list(role_of.values()).count(r) > 1})
    if doubled:
        raise InputRejected([Problem(
            file_name, "one column per meaning",
            f"several columns mean {r}: "
            f"{', '.join(repr(h) for h, role in role_of.items() if role == r)}", row=1)
            for r in doubled])
    missing = [c for c in ("as_of", "region") if c not in by_role]
    if missing:
        raise InputRejected([Problem(
            file_name, "required columns present",
            f"no column for {' and '.join(missing)}; headers found: "
            f"{', '.join(map(repr, table.columns))}. See datasets/contracts/registrations.yaml",
            row=1)])
    if "confession" in by_role or "associations" in by_role:
        long = _long(table, by_role, file_name)
    else:
        long = _melt_wide(table, role_of)
    return _interpret(long)


def _long(table: pd.DataFrame, by_role: dict[str, str], file_name: str) -> pd.DataFrame:
    absent = [c for c in ("confession", "associations") if c not in by_role]
    if absent:
        raise InputRejected([Problem(
            file_name, "required columns present",
            f"a long-layout report needs a column for {' and '.join(absent)}", row=1)])
    unknown = [h for h in table.columns if h not in by_role.values()]
    if unknown:  # silently ignoring a column could drop data the sender meant us to load
        raise InputRejected([Problem(
            file_name, "known columns",
            f"column «{h}» is not part of a registration report; if it is free text, head it "
            "«note»", row=1, column=h) for h in unknown])
    return pd.DataFrame({
        "source_row": table.index.astype("int64"),
        "source_column": None,  # named only in the wide layout, where it is the confession
        "as_of_text": table[by_role["as_of"]].to_numpy(),
        "region_label": table[by_role["region"]].to_numpy(),
        "confession_label": table[by_role["confession"]].to_numpy(),
        "count_text": table[by_role["associations"]].to_numpy(),
    })


def _melt_wide(table: pd.DataFrame, role_of: dict[str, str | None]) -> pd.DataFrame:
    keys = {role: h for h, role in role_of.items() if role in ("as_of", "region")}
    confession_columns = [h for h, role in role_of.items() if role is None]
    melted = table.reset_index(names="source_row").melt(
        id_vars=["source_row", keys["as_of"], keys["region"]],
        value_vars=confession_columns, var_name="source_column", value_name="count_text")
    return pd.DataFrame({
        "source_row": melted["source_row"].astype("int64"),
        "source_column": melted["source_column"],
        "as_of_text": melted[keys["as_of"]],
        "region_label": melted[keys["region"]],
        "confession_label": melted["source_column"],
        "count_text": melted["count_text"],
    })


def _interpret(rows: pd.DataFrame) -> pd.DataFrame:
    regions, confessions = vocabulary("region"), vocabulary("confession")
    out = rows.sort_values(["source_row", "source_column"], kind="stable").reset_index(drop=True)
    out["as_of"] = pd.to_datetime(out["as_of_text"].map(parse_date))
    out["as_of_year"] = out["as_of"].dt.year.astype("Int64")
    out["days_since_as_of"] = (pd.Timestamp.today().normalize() - out["as_of"]).dt.days
    out["region_code"] = out["region_label"].map(regions.resolve)
    out["confession_code"] = out["confession_label"].map(confessions.resolve)
    out["count_text"] = out["count_text"].map(lambda t: _NUMBER_SPACES.sub("", t))
    out["associations"] = pd.array(out["count_text"].map(parse_count), dtype="Int64")
    return out


def parse_date(text: str) -> datetime | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


def parse_count(text: str) -> int | None:
    """«-» is none (0); empty is missing; a whole number (Excel may write 12.0) is itself."""
    if text in DASHES:
        return 0
    if re.fullmatch(r"\d{1,12}(\.0+)?", text):
        return int(float(text))
    return None
