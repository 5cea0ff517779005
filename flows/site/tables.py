"""A mart's rows for people: codes shown by their names in the page's language, the downloads
(CSV, XLSX, Parquet) and its lineage through the models down to the input kinds."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from ahual.flows import datapackage
from ahual.flows.report.xlsx import neutralise
from ahual.warehouse import runner

MAX_ROWS = 2000  # rows a page holds (and filters); the downloads hold them all
XLSX_MAX_ROWS = 1_048_575  # Excel's limit less the header
# Columns that only repeat another column's English name or are file bookkeeping: the table on
# the page leaves them out (the downloads keep every column).
HIDDEN = re.compile(r"(_name_en|^name_en|^title_en|^description_en|^label_(kk|ru|en)"
                    r"|^file_sha256|batches)$")


@cache
def names() -> dict[str, dict[str, dict[str, str]]]:
    """reference name -> code -> {lang: name}, from the codebooks the data package ships."""
    return {ref: {c["value"]: c["labels"] for c in datapackage.codebook(ref)}
            for ref in datapackage.REFERENCE}


@cache
def _token_pattern() -> re.Pattern:
    """Codes with a letter in them (ISL-SAMK, LIQUIDATED, MI3, S04): replaced by their names
    wherever they stand as words in a text cell; bare digits (region codes) only in the
    columns that hold them."""
    codes = sorted({code for ref in names().values() for code in ref
                    if re.search(r"[A-Za-z]", code) and code.upper() == code},
                   key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, codes)) + r")(?![\w-])")


def name_of(code: str, lang: str, reference: str | None = None) -> str:
    tables = [reference] if reference else list(names())
    for ref in tables:
        found = names()[ref].get(code)
        if found:
            return found[lang]
    return code


def shown(value: object, column: str, lang: str, words: dict[str, str]) -> object:
    """A cell as the page shows it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return words.get(str(value).lower(), str(value).lower())
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float | int):
        return value
    text = str(value)
    reference = datapackage.CODED_COLUMNS.get(column)
    if column in ("unit_code", "unit_2007_code", "member_codes", "domain_value") or (
            reference == "regions"):
        parts = re.split(r"([+,] ?)", text)
        return "".join(name_of(p, lang, "regions") if p in names()["regions"] else p
                       for p in parts)
    if reference:
        return name_of(text, lang, reference)
    if text in words:
        return words[text]
    return _token_pattern().sub(lambda m: name_of(m.group(1), lang), text)


def page_rows(table: pa.Table, lang: str, words: dict[str, str]) -> tuple[list[str], list[list]]:
    columns = [c for c in table.column_names if not HIDDEN.search(c)]
    head = table.slice(0, MAX_ROWS).select(columns)
    data = []
    for name, column in zip(columns, head.columns, strict=True):
        memo: dict = {}  # a column repeats its codes: each is named once
        data.append([shown(v, name, lang, words) if isinstance(v, list | dict)
                     else memo[v] if v in memo else memo.setdefault(v, shown(v, name, lang, words))
                     for v in column.to_pylist()])
    return columns, [list(row) for row in zip(*data, strict=True)] if data else []


def write_downloads(table: pa.Table, mart: str, folder: Path, parquet: Path | None) -> None:
    """<mart>.csv, .xlsx and .parquet into the site's data/ folder."""
    folder.mkdir(parents=True, exist_ok=True)
    if parquet is not None:  # a snapshot's own files (its CSV copy is the same rows)
        shutil.copyfile(parquet, folder / f"{mart}.parquet")
        shutil.copyfile(parquet.with_suffix(".csv"), folder / f"{mart}.csv")
    else:
        datapackage.write_csv(table, folder / f"{mart}.csv")
        pq.write_table(table, folder / f"{mart}.parquet", compression="zstd")
    book = Workbook(write_only=True)  # streamed: a few seconds for the largest mart
    sheet = book.create_sheet(mart[:31])
    sheet.append(table.column_names)
    for row in table.slice(0, XLSX_MAX_ROWS).to_pylist():
        sheet.append([_xlsx_cell(sheet, value) for value in row.values()])
    book.properties.created = datetime(2000, 1, 1)  # fixed: same rows, same bytes
    book.properties.modified = datetime(2000, 1, 1)
    book.save(folder / f"{mart}.xlsx")


def _xlsx_cell(sheet, value: object) -> object:
    if isinstance(value, list | dict):
        value = datapackage.cell(value)
    if isinstance(value, Decimal):
        value = float(value)
    value, formula_like = neutralise(value)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would take "=..." for a formula
    cell.quotePrefix = formula_like
    return cell


@cache
def lineage(mart: str) -> tuple[list[str], list[str], list[str]]:
    """(input kinds, reference tables, models) upstream of a mart, from the models' reads."""
    models = runner.discover()
    kinds, references, seen = set(), set(), []
    todo = [f"marts.{mart}"]
    while todo:
        table = todo.pop()
        if table in seen:
            continue
        seen.append(table)
        model = models.get(table)
        if model is None:
            if table.startswith("reference."):
                references.add(table.removeprefix("reference."))
            continue
        if model.layer == "staging" and model.folder and model.folder != "reference":
            kinds.add(model.folder)
        todo.extend(model.reads)
    return sorted(kinds), sorted(references), [t for t in seen[1:] if t in models]
