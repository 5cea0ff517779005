"""Extracts of the register of religious associations: one row per association, branch or
representation as the register stood on the extract's date -> one typed row per record.

A person's data is refused before anything is kept (personal.py). Otherwise nothing is judged
here: labels that do not resolve become empty codes, unreadable dates empty values, with the
original text kept beside them, and the GX suite `expectations/register.json` decides. Records
of one association across extracts are linked in the warehouse (core.register_links).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from ahual.flows import resources
from ahual.flows.kinds.base import Kind, Options, Parsed
from ahual.flows.kinds.register.bin import bin_problem
from ahual.flows.kinds.register.personal import personal_columns
from ahual.flows.kinds.registrations import not_in_force, parse_date
from ahual.flows.problems import InputRejected, Problem
from ahual.flows.reading.readers import read_table
from ahual.flows.reading.tabular import header_roles
from ahual.flows.reading.vocabulary import normalise_key, normalise_label, vocabulary

CONTRACT = "register"
REQUIRED = ("as_of", "legal_form", "confession", "region", "registered_on")
TEXT_COLUMNS = ("bin", "old_number", "name_kk", "name_ru", "short_name_kk", "short_name_ru",
                "legal_form", "confession", "region", "kato", "as_of", "registered_on",
                "reregistered_on", "liquidated_on", "liquidation_reason")
DATES = ("as_of", "registered_on", "reregistered_on", "liquidated_on")


@dataclass(frozen=True)
class RegisterOptions(Options):
    """No options: an extract says its own date."""


@cache
def legal_forms() -> dict[str, str]:
    """Normalised legal-form label -> code (the contract's `legal_forms`)."""
    return {normalise_label(label): code
            for code, labels in resources.contract(CONTRACT)["legal_forms"].items()
            for label in (code, *labels)}


def parse_file(path: Path, options: RegisterOptions) -> Parsed:
    """A register extract -> rows for raw.register_records, checked by its suite."""
    records = parse(read_table(path), path.name)
    return Parsed(tables={"register_records": records}, checks=[(CONTRACT, records)],
                  summary={"file": path.name})


def columns_by_role(table: pd.DataFrame, file_name: str) -> dict[str, str]:
    """Contract meaning -> header; refuses personal data, unknown, doubled or missing columns."""
    roles = header_roles(CONTRACT)
    role_of = {h: roles.get(normalise_label(h)) for h in table.columns}
    unknown = table[[h for h, role in role_of.items() if role is None]]
    problems = personal_columns(table, file_name, {h for h, r in role_of.items() if r},
                                {h for h, role in role_of.items() if role == "bin"})
    if problems:  # before anything else: the file is refused and nothing of it is kept
        raise InputRejected(problems)
    problems += [Problem(file_name, "known columns",
                         f"column «{h}» is not part of a register extract; if it is free text, "
                         "head it «note»", row=1, column=str(h)) for h in unknown.columns]
    doubled = sorted({r for r in role_of.values() if r and list(role_of.values()).count(r) > 1})
    problems += [Problem(file_name, "one column per meaning", f"several columns mean {r}",
                         row=1) for r in doubled]
    by_role = {role: h for h, role in role_of.items() if role}
    missing = [r for r in REQUIRED if r not in by_role]
    if missing or not ({"name_kk", "name_ru"} & set(by_role)):
        missing += [] if {"name_kk", "name_ru"} & set(by_role) else ["name_kk or name_ru"]
        problems.append(Problem(file_name, "required columns present",
                                f"no column for {', '.join(missing)}. See "
                                "datasets/contracts/register.yaml", row=1))
    if problems:
        raise InputRejected(problems)
    return by_role


def parse(table: pd.DataFrame, file_name: str) -> pd.DataFrame:
    """Turn a read extract into canonical register records (text kept beside each value)."""
    by_role = columns_by_role(table, file_name)
    out = pd.DataFrame({"source_row": table.index.astype("int64")})
    for role in TEXT_COLUMNS:
        values = table[by_role[role]] if role in by_role else pd.Series("", index=table.index)
        out[f"{role}_text"] = values.map(normalise_key).to_numpy()
    out = out.rename(columns={f"{c}_text": c for c in ("name_kk", "name_ru", "short_name_kk",
                                                       "short_name_ru", "liquidation_reason",
                                                       "old_number")})
    for column in ("name_kk", "name_ru", "short_name_kk", "short_name_ru",
                   "liquidation_reason", "old_number"):
        out[column] = out[column].replace("", None)
    out["name_text"] = out["name_ru"].fillna(out["name_kk"])
    out["bin"] = out["bin_text"].str.replace(r"\s", "", regex=True).replace("", None)
    out["bin_problem"] = out["bin"].map(lambda b: bin_problem(b) if isinstance(b, str) else None)
    out["kato"] = out["kato_text"].replace("", None)
    for role in DATES:
        out[role] = pd.to_datetime(out[f"{role}_text"].map(
            lambda text: parse_date(text) if text else None))
        unreadable = out[f"{role}_text"].ne("") & out[role].isna()
        out[f"{role}_unreadable"] = unreadable.map(lambda bad: True if bad else None)
    today = pd.Timestamp.today().normalize()
    out["earliest_year"] = out[list(DATES)].min(axis=1).dt.year.astype("Int64")
    out["days_after_today"] = (out[list(DATES)].max(axis=1) - today).dt.days
    out["days_registered_to_liquidated"] = (out["liquidated_on"] - out["registered_on"]).dt.days
    out["reregistration_out_of_life"] = (
        (out["reregistered_on"] < out["registered_on"])
        | (out["reregistered_on"] > out["liquidated_on"])).map(lambda bad: True if bad else None)
    out["legal_form"] = out["legal_form_text"].map(lambda t: legal_forms().get(normalise_label(t)))
    out["region_code"] = vocabulary("region").codes_of(out["region_text"])
    # The register lists an association under the region it was in on the extract's date (a
    # liquidated one: on its last day), so that is when its region must have existed.
    liquidated = out["liquidated_on"].notna() & (out["liquidated_on"] <= out["as_of"])
    out["region_checked_on"] = out["as_of"].where(
        ~liquidated, out["liquidated_on"] - pd.Timedelta(days=1))
    out["region_not_in_force"] = not_in_force(out["region_code"], out["region_checked_on"])
    out["confession_code"] = vocabulary("confession").codes_of(out["confession_text"])
    return out.rename(columns={"region_text": "region_label",
                               "confession_text": "confession_label"})


KIND = Kind(
    name="register",
    title="Extracts of the register of religious associations",
    options=RegisterOptions,
    parse=parse_file,
    raw_tables=("register_records",),
    example="ahual ingest register 2013-01-01_register_kostanay.xlsx",
    home_files=("register_decisions",),  # analysts' decisions on pairs (commands.py)
    commands=(("register", "ahual.flows.kinds.register.commands:app"),),
)
