"""One reader per file format. Every cell comes back as text; interpreting it is the parser's job.

CSV: UTF-8, UTF-8 with BOM or Windows-1251; comma or semicolon. XLSX: read with calamine
(about 8x faster than openpyxl). Rows keep their spreadsheet numbers (header = row 1).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from flows.problems import InputRejected, Problem

ENCODINGS = ("utf-8-sig", "cp1251")
XLSX_MAGIC = b"PK\x03\x04"


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
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max(len(r) for r in rows)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=str)


def _read_xlsx(path: Path, raw: bytes) -> pd.DataFrame:
    if not raw.startswith(XLSX_MAGIC):
        raise InputRejected([Problem(path.name, "file readable",
                                     "the file is named .xlsx but is not an Excel workbook")])
    try:
        return pd.read_excel(path, engine="calamine", dtype=str, header=None, sheet_name=0)
    except Exception as exc:  # calamine raises its own types for truncated or corrupt archives
        raise InputRejected([Problem(path.name, "file readable",
                                     f"the workbook cannot be opened ({exc})")]) from exc


def _unique_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(header):
        h = h or f"column {i + 1}"
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out
