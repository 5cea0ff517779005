"""The report renderer: a self-contained, escaped HTML page and a formula-free workbook, from a
hand-made ReportData that carries hostile cells, a Kazakh title, missing values and empty frames.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from flows.report_data import ReportData
from flows.report_render import SECTIONS, neutralise, render_html, write_xlsx

DDE = "=cmd|' /C calc'!A0"
PLUS, MINUS, AT = "+1+1", "-2+3", "@SUM(A1)"
SCRIPT = "<script>alert(1)</script>"
SPACED = '  =HYPERLINK("http://evil.example/x","open")'
KAZAKH = "Дінтану мамандарының біліктілігін арттыру"
HOSTILE = (DDE, PLUS, MINUS, AT, SPACED)  # all formula-like; SCRIPT is not


def _progress() -> pd.DataFrame:
    rows = [
        (1, "5.1", "Draft amendments to the Law on freedom of religion",
         "Ministry of Justice, Agency for Religious Affairs", date(2008, 6, 30), "by 30 June 2008",
         "done", "Ministry of Justice", "Draft law sent to the Mazhilis",
         None, None),
        (2, "5.1", DDE, MINUS, date(2008, 9, 30), "3rd quarter 2008", "in progress", AT, PLUS,
         12.5, 4.25),
        (3, "5.1", SCRIPT, "Ministry of Culture and Information", None, "", "not reported",
         "", None, None, None),
        (4, "5.2", KAZAKH, "Ministry of Education and Science", date(2008, 12, 20),
         "annually, by 20 December", "in progress", "Ministry of Education and Science",
         "2 regional conferences; 1 bulletin issue (1,500 copies)", 1234.5, 987.25),
        (5, "5.2", "Expert review of religious literature imported into the country",
         "Agency for Religious Affairs", date(2008, 7, 10), "by 10 July", "not started", "",
         SPACED, 3.0, 0.0),
        (6, "5.10", "Round tables with religious associations in every region",
         "Regional akimats", date(2009, 12, 20), "2007–2009, annually", "done",
         "Regional akimats", "16 round tables; 640 participants", None, None),
    ]
    columns = ["measure_no", "section", "title_en", "agencies", "due_date", "deadline_note",
               "status", "reported_by", "outputs", "planned_mln_tenge", "spent_mln_tenge"]
    return pd.DataFrame(rows, columns=columns)


def _monitoring() -> pd.DataFrame:
    rows = [
        (2, "ALA", "Almaty city", "CONFLICTS", "Conflicts on religious grounds", 9.0, 6.0, True),
        (2, "ALA", "Almaty city", "OUTREACH", "Outreach events", 42.0, -3.0, False),
        (2, "AKT", "Aktobe region", "ADMIN_CASES", SCRIPT, 7.0, 5.0, True),
        (2, "KAR", "Karaganda region", "LIQUIDATIONS", "Liquidations", None, None, False),
        (2, "ZHA", DDE, "MEDIA", "Media materials", 1520.0, 120.0, False),
    ]
    columns = ["round", "region_code", "region_name_en", "indicator_code", "indicator_name_en",
               "value", "change_vs_previous", "early_warning"]
    return pd.DataFrame(rows, columns=columns)


def sample_report(**changes) -> ReportData:
    """A small report for 2008H2; keyword arguments replace fields (e.g. an empty frame)."""
    progress = _progress()
    overdue = progress[progress["measure_no"].isin([2, 5])][
        ["measure_no", "title_en", "agencies", "due_date", "status"]].reset_index(drop=True)
    scorecard = pd.DataFrame(
        [("T1", "Regional round tables held", "events", 16.0, 16.0, "achieved"),
         ("T2", "Specialists in religious studies trained", "people", 300.0, 185.0, "on track"),
         ("T3", PLUS, "issues", 12.0, 3.0, "behind"),
         ("T4", "Share of registered associations re-registered", "%", 100.0, 0.0,
          "not started")],
        columns=["target_code", "description_en", "unit", "planned", "achieved", "status"])
    budget = pd.DataFrame(
        [(2, 2008, "amount", 12.5, 4.25, MINUS), (2, 2009, "amount", 20.0, None, ""),
         (4, 2007, "amount", 400.0, 400.0, ""), (4, 2008, "amount", 834.5, 587.25, ""),
         (4, 2009, "state_order", None, None, "within the Ministry's state order"),
         (5, 2008, "not_required", None, None, ""), (6, 2008, "none", None, None, DDE)],
        columns=["measure_no", "year", "funding_kind", "planned_mln_tenge", "spent_mln_tenge",
                 "funding_note"])
    budget_totals = pd.DataFrame(
        [("2007", 400.0, 400.0, 400.0), ("2008", 847.0, 850.0, 591.5),
         ("2009", 20.0, 20.0, None), ("total", 1267.0, 1270.0, 991.5)],
        columns=["year", "planned_mln_tenge", "printed_mln_tenge", "spent_mln_tenge"])
    monitoring = _monitoring()
    not_reported = pd.DataFrame(
        [("agency", "MCI", "Ministry of Culture and Information", "progress report 2008H2",
          date(2009, 1, 10)),
         ("region", "ZHA", AT, "monitoring round 2", date(2009, 1, 10))],
        columns=["kind", "code", "name_en", "what", "due"])
    data = ReportData(
        period="2008H2", period_start=date(2008, 7, 1), period_end=date(2008, 12, 31),
        generated_at=datetime(2009, 1, 15, 9, 30, tzinfo=UTC),
        warehouse_build="build 7 of 2009-01-15 09:00 UTC",
        progress=progress, overdue=overdue, scorecard=scorecard, budget=budget,
        budget_totals=budget_totals, monitoring=monitoring,
        warnings=monitoring[monitoring["early_warning"]].reset_index(drop=True),
        not_reported=not_reported)
    return replace(data, **changes)


def empty_like(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[0:0]


class Page(HTMLParser):
    """Collects what the tests look at, and checks that every element is closed in order."""

    VOID = {"meta", "br", "img", "hr", "link", "input"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags, self.attrs, self.text = [], [], [], []
        self.headings: dict[str, list[str]] = {}
        self._heading: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, name, value or "") for name, value in attrs]
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag in ("h1", "h2", "h3"):
            self._heading = tag
            self.headings.setdefault(tag, []).append("")

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        if tag == self._heading:
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._heading:
            self.headings[self._heading][-1] += data


@pytest.fixture(scope="module")
def page_html() -> str:
    return render_html(sample_report(overdue=empty_like(_progress())))


def test_html_is_well_formed_and_has_every_section(page_html: str):
    page = Page(page_html)
    assert page.stack == [], "unclosed elements"
    assert page_html.startswith("<!DOCTYPE html>")
    for heading in SECTIONS:
        assert heading in page.headings["h2"]
    assert "Summary" in page.headings["h2"]
    text = "".join(page.text)
    assert "Бағдарлама: Қазақстан Республикасында дін бостандығын қамтамасыз ету" in text
    assert "Government Resolution No. 1185 of 5 December 2007" in text
    assert "2008H2" in text and "2009-01-15 09:30 UTC" in text and "build 7" in text
    assert KAZAKH in text


def test_html_is_self_contained_and_escapes_the_data(page_html: str):
    page = Page(page_html)
    lower = page_html.lower()
    assert "<script" not in lower and "script" not in page.tags
    assert not {"link", "img", "iframe", "object", "embed", "base"} & set(page.tags)
    assert not [a for a in page.attrs if a[1] in ("src", "href", "srcset", "action")
                or a[1].startswith("on")]
    assert "@import" not in lower and "url(" not in lower
    # Hostile cells are shown as their text, and only as text.
    text = "".join(page.text)
    for hostile in (*HOSTILE, SCRIPT, KAZAKH):
        assert hostile.strip() in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in page_html
    assert "http://evil.example" not in "".join(value for _, _, value in page.attrs)


def test_html_shows_missing_values_and_funding_kinds_as_words(page_html: str):
    text = "".join(Page(page_html).text)
    for junk in ("nan", "None", "NaT", "<NA>"):
        assert junk not in text.split()
    assert "not required" in text and "within the state order" in text
    assert "1,234.5" in text and "1,520" in text  # thousands separators
    assert "−3" in text and "+6" in text  # change vs previous round, signed
    assert "Nothing to report: no measure is past its due date." in text
    assert "16 of 16" in page_html and "185 of 300" in page_html  # the bars' numbers


def test_html_empty_report_says_nothing_to_report_instead_of_tables():
    data = sample_report()
    empty = replace(data, **{name: empty_like(getattr(data, name)) for name in (
        "progress", "overdue", "scorecard", "budget", "budget_totals", "monitoring", "warnings",
        "not_reported")})
    page_html = render_html(empty)
    Page(page_html)
    assert "<table" not in page_html
    assert page_html.count("Nothing to report") >= 8


def test_html_is_deterministic():
    assert render_html(sample_report()) == render_html(sample_report())


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
def workbook_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report-2008H2.xlsx"
    write_xlsx(sample_report(), path)
    return path


def test_xlsx_has_a_sheet_per_section_with_frozen_filtered_headers(workbook_path: Path):
    book = openpyxl.load_workbook(workbook_path)
    assert book.sheetnames == ["Summary", "Progress", "Overdue", "Scorecard", "Budget",
                               "Monitoring", "Not reported"]
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.font.b for cell in sheet[1])


def test_xlsx_has_no_formulas_and_hostile_text_stays_text(workbook_path: Path):
    with zipfile.ZipFile(workbook_path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
    book = openpyxl.load_workbook(workbook_path)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    by_value: dict[object, list] = {}
    for cell in cells:
        by_value.setdefault(cell.value, []).append(cell)
    for hostile in HOSTILE:
        assert by_value.get(hostile), f"{hostile!r} missing from the workbook"
        for cell in by_value[hostile]:
            assert cell.data_type == "s" and cell.quotePrefix, (hostile, cell.coordinate)
    assert all(not cell.quotePrefix for cell in by_value[SCRIPT])
    assert by_value[KAZAKH][0].data_type == "s"


def test_xlsx_keeps_numbers_numeric_and_funding_kinds_as_words(workbook_path: Path):
    book = openpyxl.load_workbook(workbook_path)
    progress = book["Progress"]
    header = [cell.value for cell in progress[1]]
    planned = header.index("Planned, mln tenge") + 1
    values = [progress.cell(row=r, column=planned).value for r in range(2, progress.max_row + 1)]
    assert values == [None, 12.5, None, 1234.5, 3, None]
    assert progress.cell(row=2, column=1).value == 1
    assert progress.cell(row=2, column=planned).data_type == "n"
    assert progress.cell(row=2, column=5).value == datetime(2008, 6, 30)
    assert progress.cell(row=2, column=5).number_format == "yyyy-mm-dd"
    monitoring = book["Monitoring"]
    change = monitoring.cell(row=3, column=7)
    assert change.value == -3 and change.data_type == "n" and not change.quotePrefix
    budget = {(row[0], row[1]): row for row in book["Budget"].iter_rows(min_row=2,
                                                                         values_only=True)}
    assert budget[(5, 2008)][2:5] == ("not required", None, None)
    assert budget[(4, 2009)][2:5] == ("within the state order", None, None)
    assert budget[(6, 2008)][2:5] == ("–", None, None)
    assert budget[(4, 2008)][2:5] == ("amount", 834.5, 587.25)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# LibreOffice's CSV filter: comma, double quote, UTF-8, ..., the last field -1 = every sheet.
CSV_EVERY_SHEET = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; the "
                    "workbook's cells are checked with openpyxl above")
def test_libreoffice_reads_hostile_cells_as_text(workbook_path: Path, tmp_path: Path):
    """LibreOffice opens the workbook and exports every sheet to CSV: hostile cells come out
    as the same text, not evaluated."""
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", CSV_EVERY_SHEET, "--outdir", str(tmp_path), str(workbook_path)],
        check=True, capture_output=True, timeout=180)
    exported = {}
    for path in sorted(tmp_path.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            exported[path.stem] = [cell for row in csv.reader(handle) for cell in row]
    progress = next(cells for name, cells in exported.items() if name.endswith("Progress"))
    for hostile in (DDE, PLUS, MINUS, AT, SPACED):
        assert hostile in progress
    everything = " ".join(cell for cells in exported.values() for cell in cells)
    assert "Err:" not in everything and "#NAME?" not in everything
