"""Registration reports: counts of registered religious associations by region and confession
as of a date. A table of text cells -> one typed row per date x region x confession.

Nothing is judged here: labels that do not resolve become empty codes and unreadable numbers
or dates become empty values, with the original text kept beside them. The GX suite
`expectations/registrations.json` then decides, so every rule lives in one reviewable place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import pandas as pd

from ahual.flows.kinds.base import CONFIRM_SMALLER, Kind, Options, Owed, Parsed, Supersedes
from ahual.flows.reading.readers import read_table
from ahual.flows.reading.tabular import TableSpec, counts, melt
from ahual.flows.reading.vocabulary import regions, vocabulary

DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y", "%d.%m.%Y %H:%M:%S")
SPEC = TableSpec(contract="registrations", keys=("as_of", "region"), optional_keys=(),
                 item="confession", value="associations",
                 output={"as_of": "as_of_text", "region": "region_label",
                         "confession": "confession_label", "associations": "count_text"})


@dataclass(frozen=True)
class RegistrationsOptions(Options):
    confirm_smaller: bool = field(default=False, metadata=CONFIRM_SMALLER)


def parse_file(path: Path, options: RegistrationsOptions) -> Parsed:
    """A registration report file -> rows for raw.registration_rows, checked by its suite."""
    rows = parse(read_table(path), path.name)
    return Parsed(tables={"registration_rows": rows}, checks=[("registrations", rows)],
                  summary={"file": path.name})


def parse(table: pd.DataFrame, file_name: str) -> pd.DataFrame:
    """Turn a read table (long or wide layout) into canonical registration rows."""
    out = melt(table, file_name, SPEC)
    out["as_of"] = pd.to_datetime(out["as_of_text"].map(parse_date))
    out["as_of_year"] = out["as_of"].dt.year.astype("Int64")
    out["days_since_as_of"] = (pd.Timestamp.today().normalize() - out["as_of"]).dt.days
    out["region_code"] = vocabulary("region").codes_of(out["region_label"])
    out["region_not_in_force"] = not_in_force(out["region_code"], out["as_of"])
    out["confession_code"] = vocabulary("confession").codes_of(out["confession_label"])
    out["count_text"], out["associations"] = counts(out["count_text"])
    return out


def not_in_force(codes: pd.Series, dates: pd.Series) -> pd.Series:
    """Why a region did not exist on a report's date (None when it did): it was abolished by
    then (South Kazakhstan became Turkistan Region on 19 June 2018), or made by a later reform
    (Shymkent city, Abai, Zhetysu, Ulytau). Regions in force since independence are taken as
    they were for the Soviet-era dates the programme quotes (1 January 1990)."""
    table = regions().set_index("region_code")
    start = pd.to_datetime(table["valid_from"])
    end = pd.to_datetime(table["valid_to"].replace("", None))
    reform = start > start.min()
    frame = pd.DataFrame({"code": codes, "date": dates})
    known = frame["code"].isin(table.index) & frame["date"].notna()
    why = pd.Series(None, index=codes.index, dtype=object)
    for i in frame.index[known]:
        code, day = frame.at[i, "code"], frame.at[i, "date"]
        if pd.notna(end[code]) and day >= end[code]:
            why[i] = f"it was reorganised on {end[code]:%Y-%m-%d}"
        elif reform[code] and day < start[code]:
            why[i] = f"it was formed on {start[code]:%Y-%m-%d}"
    return why


@cache  # a report repeats its date on every row
def parse_date(text: str) -> datetime | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    return None


KIND = Kind(
    name="registrations",
    title="Registration reports of religious associations",
    options=RegistrationsOptions,
    parse=parse_file,
    raw_tables=("registration_rows",),
    supersedes=Supersedes("registration_rows", ("as_of", "region_code"),
                          "registrations_current_cells", "region and date"),
    example="ahual ingest registrations 2008-01-01_akmola.csv 2008-01-01_almaty.xlsx",
    owed=Owed("regions", "registration reports as of {as_of}", "region(s)"),
)
