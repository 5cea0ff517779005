"""One reader for CSV (three encodings, two separators) and XLSX; unreadable files say why."""

from __future__ import annotations

import pytest

from ahual.flows.problems import InputRejected
from ahual.flows.reading.readers import read_table
from tests.helpers import write_csv, write_xlsx

ROWS = [["Дата", "Регион", "Количество"], ["01.01.2008", "г. Алматы", "12"],
        ["01.01.2008", "Алматинская область", "-"]]


@pytest.mark.parametrize(("encoding", "delimiter"),
                         [("utf-8", ","), ("utf-8-sig", ","), ("cp1251", ";"), ("utf-8", ";")])
def test_csv_encodings_and_separators(tmp_path, encoding, delimiter):
    path = write_csv(tmp_path / "r.csv", ROWS, encoding=encoding, delimiter=delimiter)
    table = read_table(path)
    assert list(table.columns) == ROWS[0]
    assert table.loc[3].tolist() == ROWS[2]  # spreadsheet row numbers: header is row 1


def test_xlsx_cells_come_back_as_text(tmp_path):
    rows = [["Күні", "Өңір", "Ислам"], ["2008-01-01", "Астана", 12]]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    table = read_table(path)
    assert table.loc[2].tolist() == ["2008-01-01", "Астана", "12"]


@pytest.mark.parametrize(("name", "content", "says"), [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\n\n  \n", "empty"),
    ("fake.xlsx", b"as_of,region\n2008-01-01,11\n", "not an Excel workbook"),
    ("truncated.xlsx", b"PK\x03\x04\x14\x00\x00\x00", "cannot be opened"),
    ("report.pdf", b"%PDF-1.4", "not accepted"),
])
def test_unreadable_files_are_refused_with_a_reason(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputRejected) as refused:
        read_table(path)
    assert says in refused.value.problems[0].message
    assert refused.value.problems[0].file == name
