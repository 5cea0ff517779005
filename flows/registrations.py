"""Registration reports: a table of text cells -> one typed row per date x region x confession.

Nothing is judged here: labels that do not resolve become empty codes and unreadable numbers
or dates become empty values, with the original text kept beside them. The GX suite
`expectations/registrations.json` then decides, so every rule lives in one reviewable place.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd

from flows.parsed import Parsed
from flows.readers import read_table
from flows.reference import vocabulary
from flows.tabular import TableSpec, counts, melt, refuse_if_larger

MAX_REPORT_BYTES = 20 * 2**20  # 16 regions x ~50 confessions is a few KB
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%d.%m.%Y %H:%M:%S")
SPEC = TableSpec(contract="registrations", keys=("as_of", "region"), optional_keys=(),
                 item="confession", value="associations",
                 output={"as_of": "as_of_text", "region": "region_label",
                         "confession": "confession_label", "associations": "count_text"})


def parse_file(path: Path, options: dict) -> Parsed:
    """A registration report file -> rows for raw.registration_rows, checked by its suite."""
    refuse_if_larger(path, MAX_REPORT_BYTES, "a registration report")
    rows = parse(read_table(path), path.name)
    return Parsed(tables={"registration_rows": rows}, checks=[("registrations", rows)])


def parse(table: pd.DataFrame, file_name: str) -> pd.DataFrame:
    """Turn a read table (long or wide layout) into canonical registration rows."""
    out = melt(table, file_name, SPEC)
    out["as_of"] = pd.to_datetime(out["as_of_text"].map(parse_date))
    out["as_of_year"] = out["as_of"].dt.year.astype("Int64")
    out["days_since_as_of"] = (pd.Timestamp.today().normalize() - out["as_of"]).dt.days
    out["region_code"] = vocabulary("region").codes_of(out["region_label"])
    out["confession_code"] = vocabulary("confession").codes_of(out["confession_label"])
    out["count_text"], out["associations"] = counts(out["count_text"])
    return out


@cache  # a report repeats its date on every row
def parse_date(text: str) -> datetime | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None
