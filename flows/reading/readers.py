"""One reader per file format. Every cell comes back as text; interpreting it is the parser's job.

CSV: UTF-8, UTF-8 with BOM or Windows-1251; comma or semicolon. XLSX: read with calamine
(about 8x faster than openpyxl). Rows keep their spreadsheet numbers (header = row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd

from ahual.flows.problems import InputRejected, Problem, shown

ENCODINGS = ("utf-8-sig", "cp1251")
XLSX_MAGIC = b"PK\x03\x04"
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell
# An XLSX is a zip archive: it is refused by what it would expand to, before it is opened.
MAX_XLSX_EXPANDED_BYTES = 200 * 2**20
MAX_XLSX_RATIO = 100  # expanded / compressed, per member; real sheets compress 5-20x


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or XLSX file into a frame of strings (empty cells are "").

    The index is the spreadsheet row number of each data row. Raises InputRejected with a
    plain reason when the file cannot be read at all.
    """
    name = path.name
    raw = path.read_bytes()
    if not raw.strip():
        raise InputRejected([Problem(name, "file readable", "the file is empty")])
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        frame = _read_xlsx(path, raw)
    elif suffix in {".csv", ".txt"}:
        frame = _read_csv(name, raw)
    else:
        raise InputRejected(
            [Problem(name, "file format", f"«{suffix or 'no extension'}» files are not accepted; "
                     "send CSV or XLSX")]
        )
    frame = frame.fillna("").astype(str).map(str.strip)
    long_cells = frame.map(len).to_numpy() > MAX_CELL_CHARS
    if long_cells.any():
        row, column = (int(i[0]) for i in long_cells.nonzero())
        raise InputRejected([Problem(name, "cells of a readable length",
                                     f"a cell has {len(frame.iat[row, column]):,} characters; "
                                     f"a cell holds at most {MAX_CELL_CHARS:,}", row=row + 1)])
    frame = frame.loc[~(frame == "").all(axis=1)]  # blank lines between blocks are not rows
    if frame.empty:
        raise InputRejected([Problem(name, "file readable", "the file has no rows")])
    header, body = frame.iloc[0].tolist(), frame.iloc[1:]
    if body.empty:
        raise InputRejected([Problem(name, "file readable",
                                     "the file has a header but no data rows")])
    body.columns = _unique_headers(header)
    body.index = body.index + 1  # 0-based position -> spreadsheet row number
    return body


def _read_csv(name: str, raw: bytes) -> pd.DataFrame:
    text = None
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:  # cp1251 decodes almost anything; this is a safety net
        raise InputRejected([Problem(name, "file readable", "the text encoding is not UTF-8 "
                                     "or Windows-1251")])
    if "\x00" in text:
        raise InputRejected([Problem(name, "file readable", "the file is binary, not CSV text")])
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # No cell can be longer than the file; the length rule then names the cell.
    csv.field_size_limit(max(len(text) + 1, 131_072))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise InputRejected([Problem(name, "file readable", "the CSV cannot be read near line "
                                     f"{reader.line_num}: {shown(error)} (is a quote mark left "
                                     "open?)", row=reader.line_num)]) from error
    width = max(len(r) for r in rows)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)


def _read_xlsx(path: Path, raw: bytes) -> pd.DataFrame:
    if not raw.startswith(XLSX_MAGIC):
        raise InputRejected([Problem(path.name, "file readable",
                                     "the file is named .xlsx but is not an Excel workbook")])
    refuse_zip_bomb(path, raw)
    try:
        return pd.read_excel(path, engine="calamine", dtype=str, header=None, sheet_name=0)
    except Exception as exc:  # calamine raises its own types for truncated or corrupt archives
        raise InputRejected([Problem(path.name, "file readable",
                                     f"the workbook cannot be opened ({exc})")]) from exc


def refuse_zip_bomb(path: Path, raw: bytes) -> None:
    """Refuse an archive by what it would expand to, read from its directory (nothing is
    decompressed): 200 MB in all, or a member that expands over 100 times."""
    try:
        members = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise InputRejected([Problem(path.name, "file readable", "the workbook cannot be "
                                     f"opened ({shown(error)})")]) from error
    expanded = sum(m.file_size for m in members)
    worst = max(members, key=lambda m: m.file_size / max(m.compress_size, 1), default=None)
    ratio = worst.file_size / max(worst.compress_size, 1) if worst else 0
    if expanded > MAX_XLSX_EXPANDED_BYTES or (ratio > MAX_XLSX_RATIO
                                              and worst.file_size > 2**20):
        raise InputRejected([Problem(
            path.name, "archive within size", f"the workbook would expand to "
            f"{expanded / 2**20:,.0f} MB ({shown(worst.filename)} {ratio:,.0f} times its "
            f"packed size); a workbook is refused above {MAX_XLSX_EXPANDED_BYTES // 2**20} MB "
            f"or {MAX_XLSX_RATIO} times")])


def _unique_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h or f"column {i + 1}"
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out
