"""`ahual report` on the demo: the religious situation in kk, ru and en with names, not codes;
a sheet for every section of the page; the demo's mark on the page and on every sheet; and,
after one region's partial report for 1 July 2009 is ingested through the CLI into a copy of
the demo's home, the 2009H1 report names the 15 regions that did not report and prints no
national figure, and no national forecast starts from that date."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ahual.flows.cli import main
from ahual.flows.report.language import Language
from tests.browser import CHROMIUM, NO_CHROMIUM, assert_not_blank, keep, screenshot
from tests.report.sample import Page

LANGS = ("kk", "ru", "en")
# The page's sections (section, h3 and h4 ids) and the sheet (labels xlsx.<key>) that holds
# each one's figures. A new section of the page fails test_every_section_has_a_sheet until it is
# given its sheet here.
SHEET_OF = {
    "summary": "summary", "progress": "progress", "overdue": "overdue",
    "scorecard": "scorecard", "budget": "budget", "situation": "registrations",
    "registrations": "registrations", "rates": "rates", "surveys": "surveys",
    "surveys-regions": "surveys", "monitoring": "monitoring", "monitoring-index": "index",
    "watch": "improbable", "watch-counts": "improbable", "watch-national": "forecasts",
    "watch-regions": "forecasts", "not-reported": "not_reported",
}


@pytest.fixture(scope="module")
def written(demo_home: Path) -> Path:
    """The demo's 2009H2 report in every language."""
    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(demo_home))
    try:
        assert main(["report", "--period", "2009H2", "--lang", ",".join(LANGS)]) == 0
    finally:
        patch.undo()
    return demo_home / "reports" / "2009H2"


def _names(demo_con, what: str) -> dict[str, dict[str, str]]:
    sql = {"regions": "select region_code, region_name_kk, region_name_ru, region_name_en "
                      "from staging.stg_regions",
           "studies": "select study_id, title_kk, title_ru, title_en from staging.stg_studies"}
    return {code: dict(zip(LANGS, names, strict=True))
            for code, *names in demo_con.sql(sql[what]).fetchall()}


@pytest.mark.parametrize("lang", LANGS)
def test_the_situation_is_in_every_language_with_names_not_codes(written, demo_con, lang):
    html = (written / f"report-2009H2-{lang}.html").read_text(encoding="utf-8")
    page = Page(html)
    t = Language.of(lang).t
    assert f"5. {t('section.situation')}" in page.headings["h2"]
    for part in ('id="registrations"', 'id="rates"', 'id="surveys"', 'id="surveys-regions"'):
        assert part in html
    regions, studies = _names(demo_con, "regions"), _names(demo_con, "studies")
    loaded = {row[0] for row in demo_con.sql(
        "select distinct study_id from marts.study_estimates").fetchall()}
    studies = {study: names for study, names in studies.items() if study in loaded}
    assert len(studies) >= 2
    rows = re.findall(r'<tr[^>]* data-kato="(\d\d)"[^>]*>(.*?)</tr>', html, flags=re.S)
    assert len({code for code, _ in rows}) == 17  # 16 regions and the Republic
    for code, row in rows:
        first = re.sub(r"<[^>]+>", "", row.split("</td>")[0])
        assert first.strip() == regions[code][lang], (code, first)
    latest = max(demo_con.sql("select study_id, fieldwork_end from staging.stg_studies "
                              "where fieldwork_end <= date '2009-12-31'").fetchall(),
                 key=lambda r: r[1])[0]
    assert t("surveys.by_region", study=studies[latest][lang]) in page.headings["h3"]
    visible = page.visible
    for study, names in studies.items():
        assert names[lang] in visible and not re.search(rf"\b{study}\b", visible)
    assert not re.search(r"\bq_[a-z]+", visible)  # a question by its text, never its variable


@pytest.mark.parametrize("lang", LANGS)
def test_every_section_has_a_sheet(written, lang):
    html = (written / f"report-2009H2-{lang}.html").read_text(encoding="utf-8")
    ids = re.findall(r'<(?:section|h2|h3|h4) id="([^"]+)"', html)
    assert {"situation", "monitoring-index", "watch-national"} <= set(ids)
    assert set(ids) <= set(SHEET_OF), "a section without a sheet in SHEET_OF"
    book = openpyxl.load_workbook(written / f"report-2009H2-{lang}.xlsx")
    t = Language.of(lang).t
    assert {t(f"xlsx.{SHEET_OF[i]}") for i in ids} <= set(book.sheetnames)
    # the new sheets hold the figures, by name
    registrations = list(book[t("xlsx.registrations")].iter_rows(values_only=True))
    assert len(registrations) == 2 + 17  # the demo's line, the header, 16 regions, the Republic
    assert not any(re.fullmatch(r"\d\d", str(row[1])) for row in registrations[2:])
    assert len(list(book[t("xlsx.forecasts")].iter_rows())) > 2
    assert len(list(book[t("xlsx.index")].iter_rows())) == 2 + 16


@pytest.mark.parametrize("lang", LANGS)
def test_the_demo_says_its_figures_are_made_up_on_the_page_and_every_sheet(written, lang):
    banner = Language.of(lang).t("document.demo")
    html = (written / f"report-2009H2-{lang}.html").read_text(encoding="utf-8")
    assert banner in Page(html.split('<header class="masthead">')[0] + "</main></body></html>"
                          ).visible
    book = openpyxl.load_workbook(written / f"report-2009H2-{lang}.xlsx")
    for sheet in book:
        assert sheet["A1"].value == banner, sheet.title


ZHAMBYL = "31"


@pytest.fixture
def partial_copy(demo_copy: Path, tmp_path: Path, demo_con) -> Path:
    """A copy of the demo's home after Zhambyl's report for 1 July 2009 (three confessions,
    nobody else's) was ingested through the CLI."""
    assert ZHAMBYL in _names(demo_con, "regions")
    path = tmp_path / "zhambyl-2009-07-01.csv"
    path.write_text("as_of,region,confession,associations\n"
                    "2009-07-01,Zhambyl Region,ISL-SAMK,201\n"
                    "2009-07-01,Zhambyl Region,ORT-ROC,12\n"
                    "2009-07-01,Zhambyl Region,PRO-BAP,9\n", encoding="utf-8")
    assert main(["ingest", "registrations", str(path)]) == 0
    return demo_copy


def test_a_partial_date_names_the_missing_regions_and_has_no_national_figure(partial_copy,
                                                                           demo_con):
    assert main(["report", "--period", "2009H1", "--lang", ",".join(LANGS)]) == 0
    assert main(["report", "--period", "2009H2", "--lang", "ru"]) == 0
    regions = _names(demo_con, "regions")
    in_force = [code for (code,) in demo_con.sql(
        "select region_code from staging.stg_regions where region_level <> 'national' "
        "and valid_from <= date '2009-07-01' "
        "and (valid_to is null or valid_to > date '2009-07-01')").fetchall() if code != ZHAMBYL]
    assert len(in_force) == 15
    folder = partial_copy / "reports" / "2009H1"
    for lang in LANGS:
        lang_ = Language.of(lang)
        html = (folder / f"report-2009H1-{lang}.html").read_text(encoding="utf-8")
        situation = html.split('id="situation"')[1].split('id="rates"')[0]
        assert lang_.t("registrations.heading", date=lang_.date(date(2009, 7, 1))) in situation
        coverage = re.search(r'<p class="coverage partial"[^>]*>(.*?)</p>', situation).group(1)
        assert lang_.number(1) in coverage and lang_.number(16) in coverage
        for code in in_force:
            assert regions[code][lang] in coverage
        assert 'data-kato="00"' not in html  # no national row, no smaller sum
        assert lang_.number(201 + 12 + 9) in situation  # Zhambyl's own total is shown
        book = openpyxl.load_workbook(folder / f"report-2009H1-{lang}.xlsx")
        sheet = list(book[lang_.t("xlsx.registrations")].iter_rows(values_only=True))
        assert regions["00"][lang] not in [row[1] for row in sheet]
    # the 2009H2 report's national forecasts start from the last complete date, not 1 July
    html = (partial_copy / "reports" / "2009H2" / "report-2009H2-ru.html").read_text(
        encoding="utf-8")
    national = html.split('id="watch-national"')[1].split("</table>")[0]
    assert "01.07.2009" not in national or "1 из 16" in national
    assert "01.01.2009" in national


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_the_russian_report_renders_in_a_browser(written, tmp_path):
    png = tmp_path / "demo-report-2009H2-ru-situation.png"
    screenshot(written / "report-2009H2-ru.html", png, height=7000)
    assert_not_blank(png, (1300, 7000))
    keep(png)
