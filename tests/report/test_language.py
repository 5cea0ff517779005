"""How each language writes numbers, dates, periods and counts, and how the plan's Kazakh
deadlines are read so every language can word them."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime

import pytest

from ahual.flows.report.deadline_wording import Deadline, deadline
from ahual.flows.report.language import Language
from ahual.flows.report.names import Names
from tests.helpers import REPO
from tests.report.sample import sample_report

NBSP = "\u00a0"
kk, ru, en = Language.of("kk"), Language.of("ru"), Language.of("en")


@pytest.fixture(scope="module")
def prefect_harness():
    """These tests never touch Prefect."""
    yield None


def test_numbers():
    assert en.number(1234.5) == "1,234.5" and en.number(18000) == "18,000"
    assert ru.number(1234.5) == f"1{NBSP}234,5" and kk.number(1_520_000) == f"1{NBSP}520{NBSP}000"
    assert ru.number(-3) == "−3" and ru.signed(6) == "+6" and ru.signed(0) == "0"
    assert ru.money(4.25) == "4,3" and en.money(4.25) == "4.3"  # half up, as Excel shows it
    assert ru.money(0) == "0,0" and ru.money(-0.04) == "0,0"
    assert ru.percent(129.288, 177.704) == f"72,8{NBSP}%" and en.percent(1, 8) == "12.5 %"
    for lang in (kk, ru, en):
        assert lang.number(None) == "–" and lang.percent(1, 0) == "–"
        assert lang.number(float("nan")) == "–"


def test_dates_and_periods():
    assert ru.date(date(2009, 12, 31)) == "31.12.2009" == kk.date(datetime(2009, 12, 31, 8))
    assert en.date(date(2009, 12, 31)) == "2009-12-31"
    assert ru.stamp(datetime(2010, 1, 20, 9, 5)) == "20.01.2010 09:05"
    assert kk.period("2009H2") == "2009 жылдың II жартыжылдығы"
    assert ru.period("2008H1") == "I полугодие 2008 года"
    assert en.period("2009H2") == "second half of 2009"


@pytest.mark.parametrize("n, phrase", [
    (1, "1 мероприятие"), (2, "2 мероприятия"), (4, "4 мероприятия"), (5, "5 мероприятий"),
    (11, "11 мероприятий"), (12, "12 мероприятий"), (21, "21 мероприятие"),
    (22, "22 мероприятия"), (23, "23 мероприятия"), (111, "111 мероприятий"), (0, "0 мероприятий")])
def test_russian_counts_agree_with_the_number(n, phrase):
    assert ru.count("measure", n) == phrase


def test_counts_in_kazakh_and_english():
    assert kk.count("measure", 1) == "1 іс-шара" and kk.count("measure", 23) == "23 іс-шара"
    assert kk.count("in_regions", 3) == "3 өңірде"
    assert en.count("measure", 1) == "1 measure" and en.count("measure", 2) == "2 measures"
    assert ru.count("in_regions", 1) == "в 1 регионе" and ru.count("in_regions", 5) == \
        "в 5 регионах"


def test_statuses_and_funding_kinds():
    assert [ru.status(s) for s in ("done", "in progress", "not started", "not reported")] == [
        "выполнено", "исполняется", "не начато", "нет отчета"]
    assert [kk.status(s) for s in ("achieved", "on track", "behind")] == [
        "қол жеткізілді", "кестеге сәйкес", "кестеден артта"]
    assert kk.funding("not_required") == "Талап етілмейді"
    assert kk.funding("state_order") == "Мемлекеттік тапсырыс шеңберінде"
    assert kk.funding("none") == ru.funding("none") == "–"
    assert ru.status(None) == "нет отчета"


def _plan_deadlines() -> list[str]:
    path = REPO / "datasets" / "reference" / "programme" / "measures.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        return [row["deadline_text_kk"] for row in csv.DictReader(handle)]


def test_every_deadline_of_the_plan_is_read():
    read = [deadline(text) for text in _plan_deadlines()]
    assert len(read) == 23
    assert [d.printed for d in read if d.kind == "printed"] == []


@pytest.mark.parametrize("printed, expected, russian", [
    ("Жыл сайын 20 қаңтарға және 20 шілдеге", Deadline("half_yearly"),
     "ежегодно к 20 января и 20 июля"),
    ("Жыл сайын 20 қаңтарға және 20 шілдеде", Deadline("half_yearly"),
     "ежегодно к 20 января и 20 июля"),
    ("Жыл сайын 20 қаңтарға", Deadline("yearly"), "ежегодно к 20 января"),
    ("2008-2009 жылдар тоқсан сайын", Deadline("quarterly", year=2008, year_to=2009),
     "ежеквартально в 2008–2009 годах"),
    ("2008 жылдың IV тоқсаны", Deadline("quarter", year=2008, quarter=4),
     "IV квартал 2008 года"),
    ("2008 жылдың тоқсаны", Deadline("quarter_unknown", year=2008),
     "2008 год (квартал в Программе не указан)"),
    ("2009 жылғы қараша", Deadline("month", year=2009, month=11), "ноябрь 2009 года"),
    ("2008 жылғы 20 шілде", Deadline("date", year=2008, month=7, day=20), "20 июля 2008 года"),
])
def test_deadlines_are_read_and_worded(printed, expected, russian):
    read = deadline(printed)
    assert (read.kind, read.year, read.year_to, read.quarter, read.month, read.day) == (
        expected.kind, expected.year, expected.year_to, expected.quarter, expected.month,
        expected.day)
    names = Names(sample_report(), ru)
    assert names.deadline(read).text == russian
    assert not names.deadline(read).marked


def test_a_deadline_not_recognised_is_shown_as_printed_and_marked():
    read = deadline("2008 жылдың соңына дейін")
    assert read.kind == "printed"
    assert Names(sample_report(), kk).deadline(read).marked is False
    shown = Names(sample_report(), ru).deadline(read)
    assert (shown.text, shown.lang, shown.marked) == ("2008 жылдың соңына дейін", "kk", True)


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        Language.of("de")


def test_kinds_of_output_are_named_in_each_language_by_the_contracts_order():
    """The contract lists each kind's headers as English, Russian, Kazakh (gather.py relies on
    that order): English is Latin, Russian and Kazakh Cyrillic, and each kind has all three."""
    from ahual.flows.report.gather import output_kinds

    kinds = output_kinds()
    assert len(kinds) == 10
    for row in kinds.itertuples():
        assert row.name_en.isascii(), row.output_kind
        for name in (row.name_ru, row.name_kk):
            assert re.fullmatch(r"[а-яёәғқңөұүһі\- ]+", name), (row.output_kind, name)
        assert not re.search(r"[әғқңөұүһі]", row.name_ru), row.output_kind
