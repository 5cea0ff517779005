"""`ahual report` from the demo warehouse: an HTML page and a workbook per language, no network,
no formulas, no code shown where its name belongs, and a refusal for periods outside the
programme."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from ahual.flows.cli import main
from tests.browser import CHROMIUM, NO_CHROMIUM, assert_not_blank, keep, screenshot
from tests.helpers import REPO
from tests.report.sample import Page

FOLDER = Path("reports") / "2009H2"


def test_report_writes_html_and_xlsx_per_language(demo_copy):
    assert main(["report", "--period", "2008H2", "--lang", "ru,en"]) == 0
    folder = demo_copy / "reports" / "2008H2"
    assert sorted(p.name for p in folder.iterdir()) == [
        "report-2008H2-en.html", "report-2008H2-en.xlsx", "report-2008H2-ru.html",
        "report-2008H2-ru.xlsx"]
    page = Page((folder / "report-2008H2-en.html").read_text(encoding="utf-8"))
    assert not [v for _, k, v in page.attrs if k in {"src", "href"}]  # opens with no network
    assert "1. Progress by measure" in page.headings["h2"]
    assert "3. Scorecard" in page.headings["h2"]
    assert "Ministry of Justice of the Republic of Kazakhstan" in page.visible
    book = openpyxl.load_workbook(folder / "report-2008H2-ru.xlsx")
    assert {"Итоги", "Мероприятия", "Целевые показатели", "Финансирование"} <= set(
        book.sheetnames)
    formulas = [c.coordinate for s in book for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []
    scorecard = book["Целевые показатели"]
    # the demo's line (its figures are made up), the header, 12 targets + 2 outcomes
    assert len([c.value for c in scorecard[2]]) >= 4 and scorecard.max_row == 16


def test_report_refuses_a_period_outside_the_programme(in_demo_home, capsys):
    """A usage error (exit status 2): the command was asked for something that is not there."""
    assert main(["report", "--period", "2012H1"]) == 2
    assert "2012H1 is not a reporting half-year" in capsys.readouterr().err
    assert main(["report", "--period", "2008Q3"]) == 2


def test_report_refuses_an_unknown_language(in_demo_home, capsys):
    assert main(["report", "--period", "2009H2", "--lang", "kk,de"]) == 2


# --- no code where its name belongs ---------------------------------------------------------

def _codes(demo_con) -> dict[str, set[str]]:
    def column(sql: str) -> set[str]:
        return {row[0] for row in demo_con.sql(sql).fetchall()}

    contract = yaml.safe_load((REPO / "datasets" / "contracts" / "progress.yaml")
                              .read_text(encoding="utf-8"))
    return {
        "agency": column("select agency_code from staging.stg_agencies"),
        "output": set(contract["outputs"]),
        "target": column("select target_code from staging.stg_programme_targets"),
        "indicator": column("select indicator_code from staging.stg_indicators"),
        "region": column("select region_code from staging.stg_regions"),
    }


ENGLISH_STATUSES = ("done", "in progress", "not started", "not reported", "achieved",
                    "on track", "behind")
# Latin words a Kazakh or Russian page may show: the system's name, and the programme's own
# «WT компаниясы» (measure 4) and Roman numerals (II полугодие, VII ғасыр).
LATIN_ALLOWED = re.compile(r"Ahual|WT|[IVXLC]+")


@pytest.fixture(scope="module")
def demo_pages(demo_home, demo_con) -> dict[str, str]:
    """The demo's 2009H2 report written with --lang kk and with --lang ru."""
    pages = {}
    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(demo_home))
    try:
        for lang in ("kk", "ru"):
            assert main(["report", "--period", "2009H2", "--lang", lang]) == 0
            path = demo_home / FOLDER / f"report-2009H2-{lang}.html"
            pages[lang] = path.read_text(encoding="utf-8")
    finally:
        patch.undo()
    return pages


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_demo_report_shows_no_raw_codes(demo_pages, demo_con, lang):
    page = Page(demo_pages[lang])
    text = page.visible
    codes = _codes(demo_con)
    for kind in ("agency", "output", "target", "indicator"):
        for code in sorted(codes[kind]):
            assert not re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text), (kind, code)
    for status in ENGLISH_STATUSES:
        assert not re.search(rf"\b{status}\b", text), status
    assert not re.findall(r"\b[a-z]+_[a-z0-9_]+\b", text)  # q_believer-style variable names
    assert not re.findall(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", text)  # AKIMATS_OBLASTS-style codes
    latin = [w for w in re.findall(r"[A-Za-z]+", text) if not LATIN_ALLOWED.fullmatch(w)]
    assert latin == [], "English left on the page"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_demo_report_names_every_region_it_shows(demo_pages, demo_con, lang):
    """Every cell that stands for a region shows the region's name in the language, never its
    code (codes may sit in data-region attributes)."""
    names = dict(demo_con.sql(f"select region_code, region_name_{lang} from staging.stg_regions")
                 .fetchall())

    class Cells(Page):
        def __init__(self, text):
            self.region_cells: list[tuple[str, str]] = []
            self._row_region = None
            super().__init__(text)

        def handle_starttag(self, tag, attrs):
            super().handle_starttag(tag, attrs)
            attrs = dict(attrs)
            if tag in ("tr", "li") and "data-region" in attrs:
                self._row_region = attrs["data-region"]
                self.region_cells.append((self._row_region, ""))

        def handle_data(self, data):
            super().handle_data(data)
            if self._row_region and self.region_cells:
                code, seen = self.region_cells[-1]
                self.region_cells[-1] = (code, seen + data)

        def handle_endtag(self, tag):
            super().handle_endtag(tag)
            if tag in ("tr", "li"):
                self._row_region = None

    cells = Cells(demo_pages[lang]).region_cells
    assert cells, "the demo's monitoring highlights name regions"
    for code, text in cells:
        assert names[code] in text and not re.search(rf"(?<!\d){code}(?!\d)", text), (code, text)
    # who has not reported: a region's row holds its name
    page = demo_pages[lang]
    for code in re.findall(r'<tr data-code="(\d\d)">', page):
        row = page.split(f'<tr data-code="{code}">', 1)[1].split("</tr>", 1)[0]
        assert names[code] in row


def test_demo_report_is_in_the_language_it_was_asked_for(demo_pages):
    kk, ru = Page(demo_pages["kk"]), Page(demo_pages["ru"])
    assert kk.headings["h2"][1] == "1. Іс-шаралардың орындалу барысы"
    assert ru.headings["h2"][1] == "1. Ход исполнения мероприятий"
    assert "Министерство юстиции Республики Казахстан" in ru.visible
    assert "Қазақстан Республикасы Әділет министрлігі" in kk.visible
    assert "(каз.)" in ru.visible  # the measures' titles are Kazakh, marked
    assert "(каз.)" not in kk.visible


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_demo_report_renders_in_a_browser(demo_pages, demo_home, tmp_path, lang):
    page = demo_home / FOLDER / f"report-2009H2-{lang}.html"
    png = tmp_path / f"demo-report-2009H2-{lang}.png"
    screenshot(page, png, height=3000)
    assert_not_blank(png, (1300, 3000))
    keep(png)
