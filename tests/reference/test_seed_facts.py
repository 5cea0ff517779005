"""The national figures are transcribed exactly from the programme's Kazakh text."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from ahual.flows import resources
from tests.helpers import REPO

SEED = REPO.parent / "shared" / "seed" / "programme_2007_2009_kk.txt"
NATIONAL = (resources.reference() / "reports" / "registrations"
            / "national_registrations_1990_2007.csv")


@pytest.fixture(scope="module")
def seed_text() -> str:
    text = SEED.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", text)


# (as_of, confession code, count, the seed's words that state it)
FACTS = [
    ("1990-01-01", "ALL", 671, "10-15 конфессияны білдіретін 671 діни бірлестік"),
    ("2007-01-01", "ALL", 3783, "діни бірлестіктер 3783-ке дейін өсті"),
    ("1990-01-01", "ISL", 46, "саны 46-дан 2144-ке дейін"),
    ("2007-01-01", "ISL", 2144, "саны 46-дан 2144-ке дейін"),
    ("1990-01-01", "ORT-ROC", 62, "62-ден 270-ке дейін"),
    ("2007-01-01", "ORT-ROC", 270, "62-ден 270-ке дейін"),
    ("1990-01-01", "CAT-RCC", 42, "42-ден 95-ке дейін"),
    ("2007-01-01", "CAT-RCC", 95, "42-ден 95-ке дейін"),
    ("1990-01-01", "PRO", 521, "521-ден 1 147-ге дейін"),
    ("2007-01-01", "PRO", 1147, "521-ден 1 147-ге дейін"),
    ("2007-01-01", "JUD", 27, "иудаизмді білдіретін - 27"),
    ("2007-01-01", "BUD", 4, "буддизм - 4 діни"),
    ("2007-01-01", "NTR", 49, "49 - Қазақстан үшін дәстүрлі емес конфессия"),
    ("2007-01-01", "CHF", 33, "33 қайырымдылық діни қоры мен басқа да қоғамдар"),
]


@pytest.mark.parametrize(("as_of", "code", "count", "words"), FACTS)
def test_each_national_count_is_in_the_seed_and_the_reference_file(seed_text, as_of, code,
                                                                   count, words):
    assert words in seed_text
    table = pd.read_csv(NATIONAL, dtype=str)
    match = table[(table["as_of"] == as_of) & (table["confession"] == code)]
    assert match["associations"].astype(int).tolist() == [count]


def test_the_reference_file_holds_exactly_those_facts():
    table = pd.read_csv(NATIONAL, dtype=str)
    assert len(table) == len(FACTS)


def test_1990_parts_add_up_and_2007_parts_fall_14_short():
    table = pd.read_csv(NATIONAL, dtype={"associations": int})
    for as_of, gap in (("1990-01-01", 0), ("2007-01-01", 14)):
        rows = table[table["as_of"] == as_of]
        total = rows.loc[rows["confession"] == "ALL", "associations"].item()
        parts = rows.loc[rows["confession"] != "ALL", "associations"].sum()
        assert total - parts == gap


def test_seed_path_is_the_shared_one():
    assert Path(SEED).is_file()
