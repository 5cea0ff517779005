"""The report's section on what to watch (inside section 5; templates/watch.html.j2): the latest
round's improbable counts (marts.monitoring_warnings) and the forecasts of registered
associations with their intervals and backtests (marts.association_forecasts), in every
language, from a hand-made ReportData and from the demo's 2009H2 report."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from ahual.flows.cli import main
from ahual.flows.report.html import render_html
from ahual.flows.report.language import Language, placeholders
from tests.report.sample import DDE, LANGUAGES, SCRIPT, Page, record_labels, sample_report

HEADING = {"en": "What to watch: improbable counts and forecasts",
           "ru": "На что обратить внимание: маловероятные значения и прогнозы",
           "kk": "Назар аударатын жайттар: ықтималдығы төмен мәндер мен болжамдар"}


def _frame(rows: list[tuple], columns: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split())


def watching(**changes):
    forecasts = _frame([
        ("national", "00", "ALL", date(2008, 1, 1), 3969, "drift", 1, date(2009, 1, 1), 4171.4,
         4100.0, 4240.5, 4060.0, 4280.0, 0.21, 0.5, 1.0, 2),
        ("national", "00", "ALL", date(2008, 1, 1), 3969, "drift", 2, date(2010, 1, 1), 4372.0,
         4250.0, 4490.0, 4190.0, 4555.0, 0.21, 0.5, 1.0, 2),
        ("national", "00", "ISL", date(2008, 1, 1), 2249, "growth", 1, date(2009, 1, 1),
         2360.0, 2330.0, 2390.0, 2310.0, 2410.0, 0.4, 1.0, 1.0, 1),
        ("region", "35", "ALL", date(2008, 1, 1), 288, "pooled_growth", 1, date(2009, 1, 1),
         302.4, 298.0, 307.0, 296.0, 309.0, 0.03, 1.0, 1.0, 1),
        ("region", "31+75", "ALL", date(2008, 1, 1), 500, "pooled_growth", 1, date(2009, 1, 1),
         525.0, 519.0, 531.0, 515.0, 535.0, 0.05, 1.0, 1.0, 1),
    ], "level unit_code confession_family origin_date origin_value model horizon target_date "
       "forecast lo80 hi80 lo95 hi95 mase coverage_80 coverage_95 backtest_forecasts")
    gaps = _frame([("PRO", date(2008, 1, 1), 1204, 1, "2007-reclassification")],
                  "confession_family origin_date origin_value history_reports "
                  "history_after_break")
    warnings = _frame([
        (2, "75", "CONFLICTS", 9.0, 0.4, 2e-7, 13.3, "warning", True, 2.0, 4.0),
        (2, "15", "LIQUIDATED", 3.0, 0.6, 0.024, 3.1, "watch", False, 2.0, 4.0),
        (2, "31", "ADMIN_CASES", 7.0, 4.1, 0.2, 1.2, "expected", True, 8.0, 11.0),
    ], "round region_code indicator_code value expected p_value z_score level "
       "fixed_rule_warning limit_95 limit_998")
    families = _frame([("ALL", "Барлығы", "Всего", "Total"), ("ISL", "Ислам", "Ислам", "Islam"),
                       ("PRO", "Протестантизм", "Протестантизм", "Protestantism")],
                      "family_code name_kk name_ru name_en")
    return sample_report(forecasts=forecasts, forecast_gaps=gaps, count_warnings=warnings,
                         families=families, **changes)


@pytest.fixture(scope="module")
def pages():
    return {lang: render_html(watching(), lang) for lang in LANGUAGES}


def section(html: str) -> str:
    start = html.rindex("<h3", 0, html.index('id="watch"'))
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_section_is_inside_monitoring_in_every_language(pages, lang):
    page = Page(pages[lang])
    assert page.stack == []
    assert HEADING[lang] in page.headings["h3"]
    html = pages[lang]
    assert html.index('id="monitoring"') < html.index('id="watch"') < html.index(
        'id="not-reported"')


def test_improbable_counts_are_listed_by_probability_with_the_old_rule_beside(pages):
    part = section(pages["en"])
    rows = re.findall(r'<tr data-region="(\d+)" data-code="([A-Z_]+)" data-level="(\w+)">',
                      part)
    assert rows == [("75", "CONFLICTS", "warning"), ("15", "LIQUIDATED", "watch"),
                    ("31", "ADMIN_CASES", "expected")]
    text = Page(part).visible
    assert "below 0.001" in text and "0.024" in text
    # the old fixed rule, for comparison only: the warning, and a cell it alone would flag
    assert "Old rule" in text and text.count("would flag it") == 2


def test_forecasts_show_their_intervals_method_and_backtest(pages):
    text = Page(section(pages["en"])).visible
    assert "4,171" in text and "80%: 4,100–4,241" in text and "95%: 4,060–4,280" in text
    assert "trend of the changes" in text and "constant growth rate" in text
    assert "error 0.21 of the last-count method's; 95% range held 2 of 2" in text
    assert "no forecast yet: last report 2008-01-01 (1,204), 1 report since" in text
    ru = Page(section(pages["ru"])).visible
    number = Language.of("ru").number
    assert f"80%: {number(4100)}–{number(4241)}" in ru and "тренд изменений" in ru


def test_regions_summed_across_a_reform_are_named_by_their_parts(pages):
    part = section(pages["ru"])
    assert 'data-unit="31+75"' in part and 'data-unit="35"' in part
    row = part.split('data-unit="31+75"', 1)[1].split("</tr>", 1)[0]
    assert "город Алматы" in row and "+5 %" in row
    # the data's hostile region name stays text
    assert "<script>" not in part and DDE in Page(part).visible
    assert SCRIPT not in part  # escaped, never markup


def test_the_section_is_absent_without_forecasts_or_warnings():
    for lang in LANGUAGES:
        assert 'id="watch"' not in render_html(sample_report(), lang)


def test_every_label_of_the_section_gets_its_values(monkeypatch):
    given = record_labels(monkeypatch)
    for lang in LANGUAGES:
        render_html(watching(), lang)
    watch = {key for key in given if key.startswith("watch.")}
    assert len(watch) > 30
    for lang in LANGUAGES:
        for key in watch:
            text = Language.of(lang).label(key)
            assert placeholders(text) <= given[key], (lang, key)


# --- the demo's report --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_pages(demo_home):
    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(demo_home))
    try:
        assert main(["report", "--period", "2009H2", "--lang", "kk,ru"]) == 0
    finally:
        patch.undo()
    folder = demo_home / "reports" / "2009H2"
    return {lang: (folder / f"report-2009H2-{lang}.html").read_text(encoding="utf-8")
            for lang in ("kk", "ru")}


def test_the_demo_report_shows_what_to_watch(demo_pages, demo_con):
    part = section(demo_pages["ru"])
    assert HEADING["ru"] in Page(demo_pages["ru"]).headings["h3"]
    warnings = re.findall(r'data-region="(\d+)" data-code="([A-Z_]+)" data-level="(\w+)"', part)
    assert warnings[0] == ("43", "CONFLICTS", "warning")  # the planted one: Kyzylorda, round 3
    assert "Кызылординская область" in part
    regions = re.findall(r'<tr data-unit="([\d+]+)"', part)
    assert len(regions) == 16 and "61+79" in regions
    national = re.findall(r'<tr data-code="([A-Z]+)" data-model="(\w+)">', part)
    chosen = dict(demo_con.execute(
        "SELECT confession_family, model FROM marts.association_forecasts WHERE chosen AND "
        "level = 'national' AND origin_date = DATE '2009-01-01' AND horizon = 1").fetchall())
    assert dict(national) == chosen and national[0][0] == "ALL"
    assert "01.01.2010" in part and "01.01.2011" in part


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_demo_section_is_all_in_the_language(demo_pages, lang):
    text = Page(section(demo_pages[lang])).visible
    assert re.findall(r"[A-Za-z]{2,}", text) == []


def test_the_demo_report_s_early_warnings_are_the_mart_s(demo_pages, demo_con, demo_home,
                                                        monkeypatch):
    """Every early warning the report shows is a cell marts.monitoring_warnings marks 'warning'
    (the demo plants one: Kyzylorda, conflicts, round 3), and each one is shown: in the demo's
    2009H2 pages, and for every reporting half-year in the round its highlights come from."""
    from ahual.flows.periods import Period
    from ahual.flows.report.gather import gather
    from ahual.flows.report.sections import key_figures, monitoring

    marked = demo_con.execute("SELECT round, region_code, indicator_code FROM "
                              "marts.monitoring_warnings WHERE level = 'warning'").fetchall()
    assert marked == [(3, "43", "CONFLICTS")]
    for html in demo_pages.values():
        alerts = html.split('<ul class="alerts">', 1)[1].split("</ul>", 1)[0]
        assert re.findall(r'<li data-region="(\d+)" data-code="([A-Z_]+)"', alerts) == [
            ("43", "CONFLICTS")]
        assert html.count('class="flagged"') == 1
    monkeypatch.setenv("AHUAL_HOME", str(demo_home))
    periods = [row[0] for row in demo_con.execute(
        "SELECT DISTINCT period FROM marts.programme_measures ORDER BY 1").fetchall()]
    assert len(periods) >= 4
    for period in periods:
        data = gather(Period.parse(period))
        observed = monitoring.monitoring(data)
        shown = {(r.round, r.region, r.indicator) for r in monitoring.warnings(observed)}
        latest = monitoring.monitoring_round(observed)
        assert shown == {cell for cell in marked if cell[0] == latest}, period
        assert key_figures.key_figures(data).warnings == len(shown), period
