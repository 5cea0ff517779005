"""The report page from a hand-made ReportData, in each language: well formed, self-contained,
escaped by the templates, every section there, missing values and funding kinds as words,
numbers and dates as the language writes them, and the same bytes for the same data."""

from __future__ import annotations

import re

import pytest

from ahual.flows.report.html import STYLESHEET, render_html
from tests.report.sample import (
    DDE,
    HOSTILE,
    KAZAKH,
    LANGUAGES,
    PLUS,
    SCRIPT,
    Page,
    empty_report,
    sample_report,
)


@pytest.fixture(scope="module")
def prefect_harness():
    """These tests never touch Prefect."""
    yield None


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    data = sample_report()
    return {lang: render_html(data, lang) for lang in LANGUAGES}


SECTIONS = {
    "en": ["1. Progress by measure", "2. Overdue measures", "3. Scorecard", "4. Budget",
           "5. Monitoring highlights and early warnings", "6. Who has not reported"],
    "ru": ["1. Ход исполнения мероприятий", "2. Мероприятия, не исполненные в срок",
           "3. Достижение целевых показателей", "4. Финансирование",
           "5. Мониторинг: основные изменения и сигналы раннего предупреждения",
           "6. Непредставленная отчетность"],
    "kk": ["1. Іс-шаралардың орындалу барысы", "2. Мерзімінде орындалмаған іс-шаралар",
           "3. Нысаналы көрсеткіштерге қол жеткізу", "4. Қаржыландыру",
           "5. Мониторинг: негізгі өзгерістер және ерте ескерту белгілері",
           "6. Ұсынылмаған есептілік"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_is_well_formed_and_has_every_section(pages, lang):
    html = pages[lang]
    page = Page(html)
    assert page.stack == [], "unclosed elements"
    assert html.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in html
    assert page.headings["h2"][1:] == SECTIONS[lang]
    assert len(page.headings["h1"]) == 1


def test_masthead_names_the_programme_and_the_resolution_in_each_language(pages):
    en, ru, kk = (Page(pages[lang]).visible for lang in ("en", "ru", "kk"))
    assert "Government Resolution No. 1185 of 5 December 2007" in en
    assert "second half of 2008 (2008-07-01 – 2008-12-31)" in en
    assert "2009-01-15 09:30 UTC" in en and "warehouse build 7 of 2009-01-15 09:00" in en
    assert "жетілдіру жөніндегі 2007–2009 жылдарға арналған бағдарлама" in en  # official name
    assert "Постановление Правительства Республики Казахстан от 5 декабря 2007 года № 1185" in ru
    assert "Программы по обеспечению свободы вероисповедания" in ru
    assert "II полугодие 2008 года (01.07.2008 – 31.12.2008)" in ru
    assert "15.01.2009 09:30 UTC" in ru and "версия хранилища № 7 от 15.01.2009 09:00" in ru
    assert "Қазақстан Республикасы Үкіметінің 2007 жылғы 5 желтоқсандағы № 1185 қаулысы" in kk
    assert "бағдарламаның іске асырылу барысы туралы жиынтық ақпарат" in kk
    assert "2008 жылдың II жартыжылдығы (01.07.2008 – 31.12.2008)" in kk


@pytest.mark.parametrize("lang", LANGUAGES)
def test_page_is_self_contained_and_escapes_the_data(pages, lang):
    html = pages[lang]
    page = Page(html)
    lower = html.lower()
    assert "<script" not in lower and "script" not in page.tags
    assert not {"link", "img", "iframe", "object", "embed", "base"} & set(page.tags)
    assert not [a for a in page.attrs if a[1] in ("src", "href", "srcset", "action")
                or a[1].startswith("on")]
    assert "@import" not in lower and "url(" not in lower and "http" not in lower.replace(
        "http://evil.example", "")
    # Hostile names are shown as their text, and only as text.
    text = page.visible
    for hostile in (*HOSTILE, SCRIPT):
        if hostile == PLUS and lang != "en":
            continue  # a target's English description: kk and ru name the kind of output
        assert hostile.strip() in text, hostile
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "=cmd|&#39; /C calc&#39;!A0" in html or "=cmd|&#x27; /C calc&#x27;!A0" in html
    assert "http://evil.example" not in "".join(value for _, _, value in page.attrs)


def test_stylesheet_is_inlined_whole():
    html = render_html(sample_report(), "ru")
    css = STYLESHEET.read_text(encoding="utf-8").strip()
    assert f"<style>\n{css}\n</style>" in html  # as written: not escaped, not a link


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_values_and_funding_kinds_are_words(pages, lang):
    text = Page(pages[lang]).visible
    for junk in ("nan", "None", "NaT", "<NA>", "NA"):
        assert junk not in text.split(), junk
    words = {"en": ("not required", "within the state order"),
             "ru": ("Не требуется", "В рамках государственного заказа"),
             "kk": ("Талап етілмейді", "Мемлекеттік тапсырыс шеңберінде")}[lang]
    for word in words:
        assert word in text


def test_numbers_and_dates_are_written_as_the_language_writes_them(pages):
    en, ru, kk = (Page(pages[lang]).visible for lang in ("en", "ru", "kk"))
    assert "1,234.5" in en and "1,520" in en and "987.3" in en  # rounded half up
    assert "−3" in en and "+6" in en  # change vs previous round, signed
    assert "2008-09-30" in en
    for text in (ru, kk):
        assert "1\u00a0234,5" in text and "1\u00a0520" in text and "987,3" in text
        assert "−3" in text and "+6" in text
        assert "30.09.2008" in text and "2008-09-30" not in text
        assert "1,234.5" not in text
    assert "8 of 8" in pages["en"] and "8 из 8" in pages["ru"] and "8 / 8" in pages["kk"]


def test_summary_counts_agree_with_the_language(pages):
    ru, kk, en = (Page(pages[lang]).visible for lang in ("ru", "kk", "en"))
    assert ("Всего мероприятий Программы — 6, из них выполнено — 2, исполняется — 2, не начато"
            " — 1, нет отчета — 1; не исполнено в срок — 2.") in ru
    assert "Достигнуто целевых показателей: 1 из 4." in ru
    assert "выявлено сигналов раннего предупреждения: 2 (в 2 регионах)" in ru
    assert "Не представили отчетность: государственных органов — 1, регионов — 2." in ru
    assert "Раздел 5.2" in ru and "2 мероприятия, выполнено 0" in ru
    assert "Раздел 5.10" in ru and "1 мероприятие, выполнено 1" in ru
    assert "The programme has 6 measures: 2 done, 2 in progress" in en
    assert "Monitoring round 2 raised 2 early warnings in 2 regions." in en
    assert "Бағдарлама іс-шараларының барлығы — 6, оның ішінде орындалғаны — 2" in kk
    assert "5.2-бөлім" in kk and "2 іс-шара, орындалғаны 0" in kk


def test_sections_are_in_natural_order(pages):
    text = Page(pages["en"]).visible
    assert text.index("Section 5.1") < text.index("Section 5.2") < text.index("Section 5.10")


def test_codes_are_shown_by_their_names(pages):
    ru = Page(pages["ru"]).visible
    assert "Министерство юстиции Республики Казахстан" in ru and "Акиматы областей" in ru
    assert "Выпуски бюллетеня:\u00a01" in ru and "Тираж бюллетеня:\u00a01\u00a0500" in ru
    assert "город Алматы" in ru and "Конфликты на религиозной почве" in ru
    assert "Социологические исследования" in ru and "исследования" in ru  # target and unit
    assert "информация о ходе реализации Программы за II полугодие 2008 года" in ru
    assert "сведения о религиозных объединениях по состоянию на 01.01.2009" in ru
    assert "данные мониторинга, 2-й этап" in ru
    assert "III квартал 2008 года" in ru and "ежегодно к 20 января и 20 июля" in ru
    assert "декабрь 2009 года" in ru
    kk = Page(pages["kk"]).visible
    assert "Қазақстан Республикасы Әділет министрлігі" in kk and "Облыстардың әкімдіктері" in kk
    assert "2008 жылдың III тоқсаны" in kk and "2009 жылғы желтоқсан" in kk
    assert "Жалпы таралымы 18 мың дана бюллетень" in kk  # the programme's wording, once
    assert kk.count("Жалпы таралымы 18 мың дана бюллетень") == 1
    for code in ("MJ", "MCI", "AKIMATS_OBLASTS", "bulletin_issues", "CONFLICTS",
                 "conferences_regional", "sociological_studies"):
        for text in (ru, kk, Page(pages["en"]).visible):
            assert not re.search(rf"(?<![\w-]){code}(?![\w-])", text), code
    for status in ("done", "in progress", "not started", "not reported", "achieved",
                   "on track", "behind"):
        assert not re.search(rf"\b{status}\b", ru + kk), status


def test_a_title_without_translation_is_shown_in_kazakh_and_marked(pages):
    en, ru = pages["en"], pages["ru"]
    # measure 4 has no English title: the English page shows the Kazakh one, marked
    assert f'<span lang="kk">{KAZAKH}</span> <span class="marker"' in en
    assert "(in Kazakh)" in Page(en).visible
    # no measure has a Russian title: every one is Kazakh and marked, and the page says why
    assert ru.count('class="marker"') >= 6
    assert "утвержденного перевода на русский язык в справочных данных нет" in Page(ru).visible
    assert 'class="marker"' not in pages["kk"]


def test_early_warnings_are_listed_and_flagged(pages):
    page = pages["en"]
    text = "".join(Page(page).text)
    assert "Early warnings, round 2" in text
    assert "Almaty city · Conflicts on religious grounds: 9 (+6 on the previous round)" in text
    assert page.count('class="flagged"') == 2
    alerts = page.split('<ul class="alerts">', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<li data-region="(\d+)" data-code="([A-Z_]+)"', alerts) == [
        ("75", "CONFLICTS"), ("15", "ADMIN_CASES")]
    # a count to watch, marts.monitoring_warnings' lesser level, is marked but is no warning
    row = page.split('<tr data-region="35" data-code="CONFLICTS">', 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge warn">watch</span>' in row


@pytest.mark.parametrize(("lang", "new_rule", "old_rule"), [
    ("en", ("negative binomial", "below 0.001", "below 0.025"), ("1.5 times",)),
    ("ru", ("отрицательное биномиальное", "менее 0,001", "менее 0,025"), ("1,5 раза",)),
    ("kk", ("теріс биномдық", "0,001-ден аз", "0,025-тен аз"), ("1,5 есе",)),
])
def test_the_early_warning_rule_is_the_probability_one(pages, lang, new_rule, old_rule):
    """What the highlights say an early warning is: marts.monitoring_warnings' rule, not the old
    fixed one (1.5 times and 3 above the region's earlier mean)."""
    text = " ".join(Page(pages[lang]).visible.split())
    assert all(words in text for words in new_rule), lang
    assert not any(words in text for words in old_rule), lang


def test_empty_report_says_nothing_to_report_instead_of_tables():
    for lang in LANGUAGES:
        html = render_html(empty_report(), lang)
        page = Page(html)
        assert "<table" not in html
        assert html.count('class="nothing"') == 8, lang
        assert page.stack == []
    text = Page(render_html(empty_report(), "ru")).visible
    assert "Мероприятий, не исполненных в срок, нет." in text
    assert "Все государственные органы и регионы представили отчетность." in text


def test_same_data_same_bytes():
    for lang in LANGUAGES:
        assert render_html(sample_report(), lang) == render_html(sample_report(), lang)
    assert render_html(sample_report(), "kk") != render_html(sample_report(), "ru")


def test_a_hostile_title_is_escaped_by_the_template_not_by_hand():
    html = render_html(sample_report(), "en")
    assert f">{DDE}<" not in html  # the quote is escaped
    assert "Draft amendments to the Law on freedom of religion" in html
