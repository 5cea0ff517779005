"""The religious situation from hand-made frames (situation_sample.py), in kk, ru and en: a
partial date is worded, names who did not report and has no national figure (never the smaller
sum); a complete date has the Republic's row and its change; a date nothing has arrived for
falls back to the latest complete one and says so; survey findings with their intervals, none
where the mart has no estimate; forecasts never shown from a partial origin; the demo's mark on
the page and on every sheet."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import openpyxl
import pandas as pd
import pytest

from ahual.flows.report.html import render_html
from ahual.flows.report.language import Language, labels, placeholders
from ahual.flows.report.sections import registrations
from ahual.flows.report.xlsx import write_xlsx
from tests.report.sample import LANGUAGES, Page, record_labels, sample_report
from tests.report.situation_sample import (
    COMPLETE,
    PARTIAL,
    coverage,
    situation_report,
)
from tests.report.situation_sample import registrations as registrations_frame
from tests.report.test_labels import leaves

ASTANA = {"kk": "Астана қаласы", "ru": "город Астана", "en": "Astana city"}
REPUBLIC = {"kk": "Қазақстан Республикасы", "ru": "Республика Казахстан",
            "en": "Republic of Kazakhstan"}


@pytest.fixture(scope="module")
def prefect_harness():
    """These tests never touch Prefect."""
    yield None


def report(partial: bool = True, **changes):
    data = situation_report(partial, **changes)
    regions = pd.concat([data.regions, pd.DataFrame(
        [("00", REPUBLIC["kk"], REPUBLIC["ru"], REPUBLIC["en"])], columns=data.regions.columns)],
        ignore_index=True)
    return replace(data, regions=regions)


def section(html: str, start: str, end: str) -> str:
    """The text a reader sees between two anchors of the page."""
    part = html[html.index(start):html.index(end)]
    return re.sub(r"[ \n]+", " ", re.sub(r"<[^>]+>", " ", part))  # no-break spaces stay


def total(day: date, region: str) -> int | None:
    """A region's (or the Republic's) total in the frame the report is given (complete: with
    Astana's report and the national row)."""
    frame = registrations_frame(partial=False)
    found = frame[(frame.as_of == day) & (frame.region_code == region)
                  & (frame.confession_code == "ALL")]
    return int(found.associations.iloc[0]) if len(found) else None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_partial_date_names_who_did_not_report_and_has_no_national_figure(lang):
    html = render_html(report(partial=True), lang)
    text = section(html, 'id="registrations"', 'id="rates"')
    lang_ = Language.of(lang)
    words = {"kk": "4 өңірдің 3 өңірі", "ru": "3 из 4 регионов", "en": "3 of 4 regions"}
    assert words[lang] in text and ASTANA[lang] in text
    assert 'data-kato="00"' not in html and REPUBLIC[lang] not in section(
        html, 'id="situation"', 'id="monitoring"')
    reported = [total(PARTIAL, r) for r in ("15", "35", "75")]
    assert lang_.number(sum(reported)) not in html  # the smaller sum is nowhere
    assert 'data-complete="false"' in html
    # Astana's row says it has not reported; the others show their change since 01.01.2008
    astana = html.split('<tr data-kato="71" data-status="not reported">')[1].split("</tr>")[0]
    assert ASTANA[lang] in astana and "badge bad" in astana
    change = total(PARTIAL, "15") - total(COMPLETE, "15")
    karaganda = html.split('<tr data-kato="15">')[1].split("</tr>")[0]
    assert lang_.signed(change) in karaganda
    summary = section(html, 'id="summary"', 'class="tiles"')
    assert words[lang] in summary


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_complete_date_has_the_republics_row_and_its_change(lang):
    html = render_html(report(partial=False), lang)
    row = html.split('<tr class="strong" data-kato="00">')[1].split("</tr>")[0]
    national, before = total(PARTIAL, "00"), total(COMPLETE, "00")
    lang_ = Language.of(lang)
    assert REPUBLIC[lang] in row and lang_.number(national) in row
    assert lang_.signed(national - before) in row
    assert 'data-complete="true"' in html
    summary = section(html, 'id="summary"', 'class="tiles"')
    assert lang_.number(national) in summary and lang_.date(COMPLETE) in summary


def test_the_workbook_shows_the_same_figures_and_no_partial_national_total(tmp_path):
    for partial in (True, False):
        path = tmp_path / f"{partial}.xlsx"
        write_xlsx(report(partial), "ru", path)
        book = openpyxl.load_workbook(path)
        rows = list(book["Религиозные объединения"].iter_rows(values_only=True))
        regions = [row[1] for row in rows[1:]]
        assert ("Республика Казахстан" in regions) is not partial
        assert ("город Астана" in regions)
        summary = dict(row[:2] for row in book["Итоги"].iter_rows(values_only=True))
        coverage_words = summary["Религиозные объединения: представление сведений"]
        assert ("город Астана" in coverage_words) is partial
        assert ("Зарегистрировано объединений в республике" in summary) is not partial
        rates = {row[1]: row for row in book["На 100 000 жителей"].iter_rows(values_only=True)}
        assert "город Астана" in rates or partial
        population = rates["Актюбинская область"][2]
        assert rates["Актюбинская область"][4] == pytest.approx(
            100_000 * total(PARTIAL, "15") / population, abs=1e-3)


def test_nothing_arrived_for_the_reporting_date_shows_the_latest_complete_one():
    data = report(partial=True, period="2009H1", period_start=date(2009, 1, 1),
                  period_end=date(2009, 6, 30))
    found = registrations.registrations(data)
    assert found.reporting == date(2009, 7, 1) and not found.arrived
    assert found.shown.as_of == COMPLETE and found.previous is None
    html = render_html(data, "ru")
    assert "Сведения по состоянию на 01.07.2009 пока не поступили" in html
    assert "на 01.01.2008" in html


@pytest.mark.parametrize("rows, reporting, expected", [
    ([], date(2009, 1, 1), (None, None)),
    ([(COMPLETE, True)], date(2009, 1, 1), (COMPLETE, None)),
    ([(COMPLETE, True), (PARTIAL, False)], date(2009, 1, 1), (PARTIAL, COMPLETE)),
    ([(COMPLETE, True), (PARTIAL, False)], date(2009, 7, 1), (COMPLETE, None)),
    ([(date(2007, 1, 1), True), (COMPLETE, False), (PARTIAL, True)], date(2009, 7, 1),
     (PARTIAL, date(2007, 1, 1))),
])
def test_the_shown_date_and_the_previous_complete_one(rows, reporting, expected):
    frame = pd.DataFrame([(day, 4, 4 if done else 3, "" if done else "71", done)
                          for day, done in rows],
                         columns=["as_of", "units_expected", "units_reported", "missing_units",
                                  "complete"])
    assert registrations.dates(frame, reporting) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_survey_findings_with_their_intervals_and_none_where_suppressed(lang):
    html = render_html(report(), lang)
    text = section(html, 'id="surveys"', 'id="surveys-regions"')
    lang_ = Language.of(lang)
    assert lang_.percent(0.7312, 1) in text
    assert lang_.t("surveys.interval", low=lang_.number(71.01, 1),
                   high=lang_.number(75.14, 1)) in text
    assert text.index("S02") < text.index("S01")  # the latest study first
    regional = section(html, 'id="surveys-regions"', 'id="monitoring"')
    assert lang_.percent(0.81, 1) in regional and 'data-kato="35"' not in html.split(
        'id="surveys-regions"')[1].split("</table>")[0]  # region 35's estimate was suppressed
    assert "q_believer" not in html and "q_freedom" not in html


def _forecasts(origin: date) -> pd.DataFrame:
    return pd.DataFrame([
        ("national", "00", "ALL", origin, 313.0, "drift", h, date(2009 + h, 1, 1), 300.0 + h,
         250.0, 350.0, 200.0, 400.0, 0.8, 0.8, 0.95, 20) for h in (1, 2)],
        columns="level unit_code confession_family origin_date origin_value model horizon "
                "target_date forecast lo80 hi80 lo95 hi95 mase coverage_80 coverage_95 "
                "backtest_forecasts".split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_national_forecast_from_a_partial_date_shows_the_coverage_not_a_number(lang, tmp_path):
    lang_ = Language.of(lang)
    for partial in (True, False):
        data = report(partial, forecasts=_forecasts(PARTIAL))
        html = render_html(data, lang)
        national = html.split('id="watch-national"')[1].split("</table>")[0]
        assert (lang_.number(313) in national) is not partial
        assert (ASTANA[lang] in national) is partial
        write_xlsx(data, lang, tmp_path / "book.xlsx")
        book = openpyxl.load_workbook(tmp_path / "book.xlsx")
        rows = list(book[lang_.t("xlsx.forecasts")].iter_rows(values_only=True))[1:]
        assert all((row[4] is None) is partial for row in rows)
        assert all((ASTANA[lang] in (row[-1] or "")) is partial for row in rows)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_demo_says_its_figures_are_made_up_on_the_page_and_every_sheet(lang, tmp_path):
    lang_ = Language.of(lang)
    banner = lang_.t("document.demo")
    for demo in (True, False):
        data = report(forecasts=_forecasts(COMPLETE), demo=demo)
        html = render_html(data, lang)
        assert (banner in Page(html).visible) is demo
        assert ('class="demo-banner"' in html.split('<header class="masthead">')[0]) is demo
        path = tmp_path / f"{demo}.xlsx"
        write_xlsx(data, lang, path)
        book = openpyxl.load_workbook(path)
        assert len(book.sheetnames) == 12  # every sheet of sample.py's report and these
        for sheet in book:
            first = [c.value for c in sheet[1] if c.value is not None]
            assert (first == [banner]) is demo, sheet.title
            assert sheet.freeze_panes == ("A3" if demo else "A2")
            assert sheet.auto_filter.ref.startswith("A2:" if demo else "A1:")


def test_no_registrations_and_no_studies_leave_the_section_out():
    html = render_html(sample_report(registration_coverage=coverage().iloc[0:0]), "en")
    assert 'id="situation"' not in html and "5. Monitoring" in html


def test_the_new_labels_ask_only_for_what_their_callers_give(monkeypatch, tmp_path):
    """As test_labels.py checks for the rest of the report: every placeholder of a label these
    sections use is a value its caller fills in, in every language."""
    given = record_labels(monkeypatch)
    for lang in LANGUAGES:
        for data in (report(True, forecasts=_forecasts(PARTIAL)), report(False, demo=True),
                     report(True, period="2009H1", period_start=date(2009, 1, 1),
                            period_end=date(2009, 6, 30))):
            render_html(data, lang)
            write_xlsx(data, lang, tmp_path / f"{lang}.xlsx")
    checked = 0
    for lang in LANGUAGES:
        for key, value in leaves(labels(lang)).items():
            if isinstance(value, str) and key in given and key.startswith(
                    ("coverage.", "registrations.", "rates.", "surveys.", "summary.registrations",
                     "document.demo", "xlsx.")):
                assert placeholders(value) <= given[key], (lang, key)
                checked += 1
    assert checked > 3 * 40
