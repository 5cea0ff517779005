"""Reference data: regions with a crosswalk, the confession taxonomy, one alias table."""

from __future__ import annotations

import pandas as pd
import pytest

from ahual.flows import resources
from ahual.flows.reading.vocabulary import confessions, normalise_label, regions, vocabulary


def test_sixteen_first_level_units_in_2007():
    table = regions()
    table = table[table["level"] != "national"]
    valid = table[(table["valid_from"] <= "2007-01-01")
                  & ((table["valid_to"] == "") | (table["valid_to"] > "2007-01-01"))]
    assert len(valid) == 16
    assert set(valid["region_code"]) == {"11", "15", "19", "23", "27", "31", "35", "39", "43",
                                         "47", "51", "55", "59", "63", "71", "75"}


def test_later_reforms_map_back_to_a_2007_region():
    table = regions().set_index("region_code")
    assert table.loc[["79", "61"], "comparable_2007_code"].tolist() == ["51", "51"]
    assert table.loc[["10", "33", "62"], "comparable_2007_code"].tolist() == ["63", "19", "35"]
    codes_2007 = set(table.index)
    assert set(table["comparable_2007_code"]) <= codes_2007


@pytest.mark.parametrize(("label", "code"), [
    ("Алматы қаласы", "75"), ("г. Алматы", "75"), ("Almaty city", "75"), ("75", "75"),
    ("Алматы облысы", "19"), ("Алматинская область", "19"), ("ВКО", "63"),
    ("  АСТАНА  ", "71"), ("Ислам", "ISL"), ("Всего", "ALL"), ("Русская православная церковь",
                                                              "ORT-ROC"),
])
def test_labels_in_any_language_resolve_to_one_code(label, code):
    kind = "region" if code[0].isdigit() else "confession"
    assert vocabulary(kind).resolve(label) == code


def test_almaty_alone_is_ambiguous_and_not_guessed():
    assert vocabulary("region").resolve("Алматы") is None


def test_aliases_never_point_two_ways():
    aliases = pd.read_csv(resources.reference() / "aliases.csv", dtype=str, keep_default_na=False)
    keyed = aliases.assign(key=aliases["alias"].map(normalise_label))
    assert not keyed.groupby(["kind", "key"])["code"].nunique().gt(1).any()
    assert set(keyed.loc[keyed["kind"] == "region", "code"]) <= set(regions()["region_code"])
    assert set(keyed.loc[keyed["kind"] == "confession", "code"]) <= set(
        confessions()["confession_code"])


def test_taxonomy_covers_every_group_the_programme_names():
    table = confessions().set_index("confession_code")
    for code in ("ISL", "ORT", "ORT-ROC", "CAT", "CAT-RCC", "PRO", "JUD", "BUD", "NTR", "CHF"):
        assert code in table.index
    children = table[table["level"] == "confession"]
    assert set(children["family_code"]) <= set(table.index[table["level"] == "family"])


def test_a_close_misspelling_gets_a_suggestion():
    assert vocabulary("region").suggest("Zhambl Region") is not None
