"""Agencies' half-year progress reports on the programme's measures.

One row per agency x measure x half-year: status and money spent go to raw.progress_reports,
and every output column (conferences held, bulletin copies, ...) becomes rows of
raw.progress_outputs. As for every kind, the parser only interprets; the GX suite
`expectations/progress.json` judges.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pandas as pd

from ahual.flows import resources
from ahual.flows.kinds.base import Kind, Options, Owed, Parsed
from ahual.flows.problems import InputRejected, Problem
from ahual.flows.reading.readers import read_table
from ahual.flows.reading.tabular import DASHES, clean_count_text, counts, header_roles
from ahual.flows.reading.vocabulary import agencies, normalise_label, vocabulary
from ahual.flows.resources import contract

_ROMAN = {"i": 1, "ii": 2, "1": 1, "2": 2}
_HALF = re.compile(r"(?:(?P<y1>\d{4})\s*[-/ ]?\s*(?:h|п|полугодие)?\s*(?P<h1>ii|i|[12])"
                   r"|(?P<h2>ii|i|[12])\s*(?:h|полугодие|жартыжылдық|half(?:-year)?)\s*(?P<y2>\d{4}))"
                   r"(?:\s*(?:года|г|жыл|жылғы))?")


def parse_file(path: Path, options: Options) -> Parsed:
    reports, outputs = parse(read_table(path), path.name)
    return Parsed(tables={"progress_reports": reports, "progress_outputs": outputs},
                  checks=[("progress", reports)])


@cache
def measures() -> pd.DataFrame:
    return pd.read_csv(resources.reference() / "programme" / "measures.csv", dtype=str,
                       keep_default_na=False)


@cache
def reporting_periods() -> list[str]:
    table = pd.read_csv(resources.reference() / "programme" / "reporting_periods.csv", dtype=str)
    return list(table["period"])


@cache
def _output_codes() -> dict[str, str]:
    """Normalised header -> output kind (the target codes and their kk/ru/en names)."""
    known = {}
    for code, aliases in contract("progress")["outputs"].items():
        for label in (code, *aliases):
            known[normalise_label(label)] = code
    return known


def parse(table: pd.DataFrame, file_name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    roles = header_roles("progress")
    role_of = {h: roles.get(normalise_label(h)) for h in table.columns}
    column = {}
    for header, role in role_of.items():
        if role:
            column.setdefault(role, header)
    outputs = {h: _output_codes().get(normalise_label(h)) for h, r in role_of.items() if not r}
    problems = [Problem(file_name, "required columns present", f"no {role} column; see "
                        "datasets/contracts/progress.yaml", row=1)
                for role in ("agency", "measure", "period", "status") if role not in column]
    problems += [Problem(file_name, "known columns", f"column «{h}» is not a field or a kind of "
                         "output of a progress report (datasets/contracts/progress.yaml)",
                         row=1, column=h) for h, kind in outputs.items() if kind is None]
    if problems:
        raise InputRejected(problems)

    reports = pd.DataFrame({"source_row": table.index.astype("int64")}, index=table.index)
    reports["agency_label"] = table[column["agency"]]
    reports["agency_code"] = vocabulary("agency").codes_of(reports["agency_label"])
    reports["measure_text"] = table[column["measure"]]
    reports["measure_no"] = pd.array(reports["measure_text"].map(_measure), dtype="Int64")
    reports["period_text"] = table[column["period"]]
    reports["period"] = reports["period_text"].map(half_year)
    reports["status_text"] = table[column["status"]]
    reports["status"] = reports["status_text"].map(_status)
    spent_text = table[column["spent"]] if "spent" in column else pd.Series("", index=table.index)
    reports["spent_text"] = spent_text.map(clean_count_text).str.replace(",", ".", regex=False)
    reports["spent_mln_tenge"] = reports["spent_text"].map(_money)
    reports["responsible"] = [_responsible(a, m) for a, m in
                              zip(reports["agency_code"], reports["measure_no"], strict=True)]

    melted = []
    for header, kind in outputs.items():
        texts, values = counts(table[header])
        melted.append(pd.DataFrame({"source_row": table.index.astype("int64"),
                                    "output_kind": kind, "quantity_text": texts,
                                    "quantity": values, "header": header}))
    outputs_long = (pd.concat(melted, ignore_index=True) if melted else
                    pd.DataFrame(columns=["source_row", "output_kind", "quantity_text",
                                          "quantity", "header"]))
    bad = outputs_long.loc[(outputs_long["quantity_text"] != "") & outputs_long["quantity"].isna()]
    reports["outputs_invalid"] = (bad.assign(item=bad["header"] + "=«" + bad["quantity_text"] + "»")
                                  .groupby("source_row")["item"].agg(", ".join)
                                  .reindex(reports["source_row"]).to_numpy())
    given = outputs_long.loc[outputs_long["quantity"].notna(),
                             ["source_row", "output_kind", "quantity"]]
    return reports.reset_index(drop=True), given.reset_index(drop=True)


def half_year(text: str) -> str | None:
    """«2008H2», «2008 II», «2 полугодие 2008 года», «II жартыжылдық 2008» -> "2008H2", if the
    programme has that half-year."""
    match = _HALF.fullmatch(normalise_label(text))
    if not match:
        return None
    year = match["y1"] or match["y2"]
    half = _ROMAN[match["h1"] or match["h2"]]
    period = f"{year}H{half}"
    return period if period in reporting_periods() else None


def _measure(text: str) -> int | None:
    text = text.strip().rstrip(".")
    numbers = set(measures()["measure_no"])
    return int(text) if text in numbers else None


def _status(text: str) -> str | None:
    known = {normalise_label(alias): status for status, aliases in
             contract("progress")["status_values"].items() for alias in (status, *aliases)}
    return known.get(normalise_label(text))


def _money(text: str) -> Decimal | None:
    """Millions of tenge as written (exact: sums of money never depend on their order)."""
    if text in DASHES:
        return Decimal(0)
    return Decimal(text) if re.fullmatch(r"\d{1,6}(\.\d{1,6})?", text) else None


def _responsible(agency: str | None, measure: int | None) -> bool:
    if agency is None or pd.isna(measure):
        return True  # unknown agency or measure is its own rule
    row = measures().loc[measures()["measure_no"] == str(measure)]
    listed = row.iloc[0]["agencies"].split(";")
    return agency in listed or _group_of(agency) in listed


def _group_of(agency: str) -> str | None:
    """The group the plan names an agency by (each akimat reports for itself, but the plan
    lists "the oblasts' akimats")."""
    found = agencies().loc[agencies()["agency_code"] == agency, "member_of"]
    return found.iloc[0] or None if len(found) else None


KIND = Kind(
    name="progress",
    title="Agencies' half-year progress reports on the programme's measures",
    options=Options,
    parse=parse_file,
    raw_tables=("progress_reports", "progress_outputs"),
    example="ahual ingest progress progress-2008H2_agencies_ru.csv",
    owed=Owed("agencies", "progress reports", "agency(ies)"),
)
