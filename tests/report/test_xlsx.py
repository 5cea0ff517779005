"""The report's workbook from a hand-made ReportData, in each language: a sheet per section,
no formulas, hostile text kept as text (and flagged so a spreadsheet never evaluates it), numbers
numeric, dates as dates in the language's order, funding kinds as words."""

from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from ahual.flows.report.xlsx import neutralise, write_xlsx
from tests.report.sample import (
    AT,
    DDE,
    HOSTILE,
    KAZAKH,
    LANGUAGES,
    MINUS,
    PLUS,
    SCRIPT,
    SPACED,
    empty_report,
    sample_report,
)


@pytest.fixture(scope="module")
def prefect_harness():
    """These tests never touch Prefect."""
    yield None


@pytest.mark.parametrize("value, quote", [
    (DDE, True), (PLUS, True), (MINUS, True), (AT, True), ("\t=1+1", True), ("\r=1", True),
    (" \t=1+1", True), (SPACED, True), ("＝1+1", True), (SCRIPT, False), (KAZAKH, False),
    ("1,500 copies", False), ("", False)])
def test_neutralise_flags_text_that_starts_like_a_formula(value, quote):
    assert neutralise(value) == (value, quote)


@pytest.mark.parametrize("value", [-2.5, -3, 0, 12.5, None, date(2008, 1, 1), True])
def test_neutralise_leaves_other_values_alone(value):
    assert neutralise(value) == (value, False)


def test_neutralise_drops_characters_xml_cannot_hold():
    assert neutralise("a\x01b") == ("a\ufffdb", False)
    assert neutralise(float("nan")) == (None, False)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("report")
    paths = {}
    for lang in LANGUAGES:
        paths[lang] = folder / f"report-2008H2-{lang}.xlsx"
        write_xlsx(sample_report(), lang, paths[lang])
    return paths


SHEETS = {
    "en": ["Summary", "Progress", "Overdue", "Scorecard", "Budget", "Monitoring",
           "Not reported"],
    "ru": ["Итоги", "Мероприятия", "Не исполнено в срок", "Целевые показатели",
           "Финансирование", "Мониторинг", "Нет отчетности"],
    "kk": ["Жиынтық", "Іс-шаралар", "Мерзімі өткен", "Нысаналы көрсеткіштер", "Қаржыландыру",
           "Мониторинг", "Есеп ұсынылмаған"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sheet_per_section_with_frozen_filtered_headers(workbooks, lang):
    book = openpyxl.load_workbook(workbooks[lang])
    assert book.sheetnames == SHEETS[lang]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.font.b for cell in sheet[1])


def _cells(path: Path) -> list:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_formulas_and_hostile_text_stays_text(workbooks, lang):
    with zipfile.ZipFile(workbooks[lang]) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    cells = _cells(workbooks[lang])
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    by_value: dict[object, list] = {}
    for cell in cells:
        by_value.setdefault(cell.value, []).append(cell)
    for hostile in HOSTILE:
        if hostile == PLUS and lang != "en":
            continue  # a target's English description
        starting = [c for c in cells if isinstance(c.value, str) and c.value.startswith(hostile)]
        assert starting, f"{hostile!r} missing from the workbook"
        for cell in starting:  # the cell itself, or a cell that begins with it
            assert cell.data_type == "s" and cell.quotePrefix, (hostile, cell.coordinate)
    assert [c.value for c in by_value[AT + ": 3"]] == [AT + ": 3"]  # an output's name
    assert all(not cell.quotePrefix for cell in by_value[SCRIPT])
    assert by_value[KAZAKH][0].data_type == "s"


def _rows(path: Path, sheet: int) -> list[tuple]:
    return list(openpyxl.load_workbook(path).worksheets[sheet].iter_rows(values_only=True))


def test_numbers_stay_numeric_and_dates_are_dates_in_the_languages_order(workbooks):
    for lang, day_format in (("en", "yyyy-mm-dd"), ("ru", "dd.mm.yyyy"), ("kk", "dd.mm.yyyy")):
        progress = openpyxl.load_workbook(workbooks[lang]).worksheets[1]
        header = [cell.value for cell in progress[1]]
        planned = len(header) - 1  # planned for the year, then spent
        values = [progress.cell(row=r, column=planned).value
                  for r in range(2, progress.max_row + 1)]
        assert values == [None, 12.5, None, 1234.5, 3, None]
        assert progress.cell(row=3, column=planned).data_type == "n"
        assert progress.cell(row=2, column=1).value == 1
        due = progress.cell(row=2, column=5)
        assert due.value == datetime(2008, 6, 30) and due.number_format == day_format
        monitoring = openpyxl.load_workbook(workbooks[lang]).worksheets[5]
        change = monitoring.cell(row=3, column=5)
        assert change.value == -3 and change.data_type == "n" and not change.quotePrefix


def test_names_statuses_and_funding_kinds_are_words_of_the_language(workbooks):
    budget = {(row[0], row[2]): row[3:6] for row in _rows(workbooks["ru"], 4)[1:]}
    assert budget[(5, 2008)] == ("Не требуется", None, None)
    assert budget[(4, 2009)] == ("В рамках государственного заказа", None, None)
    assert budget[(6, 2008)] == ("–", None, None)
    assert budget[(4, 2008)] == ("сумма", 834.5, 587.25)
    kk_budget = {(row[0], row[2]): row[3] for row in _rows(workbooks["kk"], 4)[1:]}
    assert kk_budget[(5, 2008)] == "Талап етілмейді"
    assert kk_budget[(4, 2009)] == "Мемлекеттік тапсырыс шеңберінде"
    progress = _rows(workbooks["ru"], 1)
    assert progress[0][2] == "Мероприятие (каз.)"  # the titles are Kazakh, and say so
    assert progress[4][2] == KAZAKH
    assert progress[1][3] == ("Министерство юстиции Республики Казахстан; Министерство "
                              "культуры и информации Республики Казахстан")
    assert progress[1][6] == "выполнено" and progress[2][6] == "исполняется"
    assert progress[1][5] == "II квартал 2008 года"
    assert progress[4][8] == ("Региональные конференции: 2; Выпуски бюллетеня: 1; "
                              "Тираж бюллетеня: 1\u00a0500")
    assert _rows(workbooks["en"], 1)[0][2] == "Measure (in Kazakh)"  # measure 4 has no English
    monitoring = _rows(workbooks["ru"], 5)
    assert monitoring[1][1:3] == ("город Алматы", "Конфликты на религиозной почве")
    assert monitoring[1][5] == "да" and monitoring[2][5] == "нет"
    missing = _rows(workbooks["kk"], 6)
    assert missing[1][:2] == ("Мемлекеттік орган",
                              "Қазақстан Республикасы Мәдениет және ақпарат министрлігі")
    scorecard = _rows(workbooks["ru"], 3)
    assert [row[0] for row in scorecard[1:]] == [
        "Социологические исследования", "Региональные конференции", "Выпуски бюллетеня",
        "Тираж бюллетеня"]
    assert scorecard[1][1] == "исследования" and scorecard[1][5] == "по графику"


def test_an_empty_report_still_has_every_sheet(tmp_path):
    path = tmp_path / "empty.xlsx"
    write_xlsx(empty_report(), "kk", path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS["kk"]
    assert [sheet.max_row for sheet in book][1:] == [1, 1, 1, 1, 1, 1]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# LibreOffice's CSV filter: comma, double quote, UTF-8, ..., the last field -1 = every sheet.
CSV_EVERY_SHEET = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; the "
                    "workbook's cells are checked with openpyxl above")
def test_libreoffice_reads_hostile_cells_as_text(workbooks, tmp_path: Path):
    """LibreOffice opens the workbook and exports every sheet to CSV: hostile cells come out
    as the same text, not evaluated."""
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", CSV_EVERY_SHEET, "--outdir", str(tmp_path), str(workbooks["en"])],
        check=True, capture_output=True, timeout=180)
    exported = []
    for path in sorted(tmp_path.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            exported += [cell for row in csv.reader(handle) for cell in row]
    for hostile in (DDE, PLUS, MINUS, AT + ": 3", SPACED):
        assert hostile in exported
    everything = " ".join(exported)
    assert "Err:" not in everything and "#NAME?" not in everything
