"""Reference data against its stated sources: aliases, the region crosswalk, the README.

These tests read CSV files only; they need no Prefect server (see the fixture below).
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from ahual.flows import resources
from ahual.flows.reading.vocabulary import normalise_label, regions, vocabulary

REFERENCE = resources.reference()


@pytest.fixture(scope="session")
def prefect_harness():
    """Overrides the session harness of conftest.py for this module: nothing here runs a flow."""
    yield


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def aliases() -> pd.DataFrame:
    return read("aliases.csv")


@pytest.fixture(scope="module")
def crosswalk() -> pd.DataFrame:
    return read("region_crosswalk.csv")


# --- aliases ---------------------------------------------------------------------------------

def test_alias_file_shape(aliases):
    assert list(aliases.columns) == ["kind", "code", "alias", "lang"]
    assert set(aliases["kind"]) == {"region", "confession"}
    assert set(aliases["lang"]) <= {"kk", "ru", "en", "kk-Latn", "ru-Latn"}
    assert (aliases["alias"].str.strip() == aliases["alias"]).all()
    assert not aliases["alias"].eq("").any()
    keys = aliases.assign(key=aliases["alias"].map(normalise_label))
    assert not keys.duplicated(["kind", "key"]).any(), "an alias is listed twice"


@pytest.mark.parametrize("kind", ["region", "confession"])
def test_every_alias_resolves_to_its_code(aliases, kind):
    vocab = vocabulary(kind)  # builds only if no folded label means two codes
    rows = aliases[aliases["kind"] == kind]
    wrong = [(r.alias, r.code, vocab.resolve(r.alias)) for r in rows.itertuples()
             if vocab.resolve(r.alias) != r.code]
    assert wrong == []


@pytest.mark.parametrize("kind", ["region", "confession"])
def test_aliases_do_not_reuse_another_kinds_labels(kind):
    """A label that names a region and a confession (or an indicator, an agency) is a trap."""
    own = set(vocabulary(kind).labels)
    for other in {"region", "confession", "indicator", "agency"} - {kind}:
        assert own & set(vocabulary(other).labels) == set(), other


def test_no_confession_alias_is_a_column_header():
    """A wide file's headers are column roles first; a confession named like one would vanish."""
    headers = {normalise_label(h)
               for name in ("registrations", "monitoring")
               for column in yaml.safe_load((resources.contracts() / f"{name}.yaml")
                                            .read_text(encoding="utf-8"))["columns"].values()
               for h in column["headers"]}
    assert set(vocabulary("confession").labels) & headers == set()


@pytest.mark.parametrize("label", [
    "Алматы", "Almaty", "АЛМАТЫ", " almaty ",  # city 75 or oblast 19
    "Ақмола", "Акмола", "Akmola",  # oblast 11 or the city called Akmola in 1992-1998
    "Целиноград", "Чимкент", "Chimkent", "SKO", "Абай", "Ұлытау",
])
def test_ambiguous_labels_are_not_guessed(label):
    assert vocabulary("region").resolve(label) is None


@pytest.mark.parametrize(("label", "code"), [
    ("Алматы қаласы", "75"), ("г. Алматы", "75"), ("Almaty city", "75"), ("Алма-Ата", "75"),
    ("г.Алматы", "75"), ("Алматы қ.", "75"), ("City of Almaty", "75"),
    ("Алматы облысы", "19"), ("Алматинская область", "19"), ("Алматинская обл.", "19"),
    ("Alma-Ata Oblast", "19"),
    ("ВКО", "63"), ("ШҚО", "63"), ("ЗКО", "27"), ("БҚО", "27"), ("СКО", "59"), ("СҚО", "59"),
    ("ЮКО", "51"), ("ОҚО", "51"), ("Южно-Казахстанская", "51"),
    ("Восточно-Казахстанская", "63"), ("Акмолинская обл.", "11"), ("Akmolinskaya", "11"),
    ("г. Астана", "71"), ("Астана қ.", "71"), ("Nur-Sultan", "71"), ("Нур-Султан", "71"),
    ("Aktyubinsk", "15"), ("Dzhambul", "31"), ("Jambyl", "31"), ("Qaraghandy", "35"),
    ("Kustanai", "39"), ("Qyzylorda", "43"), ("Mangistau", "47"), ("Yuzhno-Kazakhstanskaya", "51"),
    ("Zapadno-Kazakhstanskaya", "27"), ("Shymkent", "79"), ("г. Шымкент", "79"),
    ("Turkestan", "61"), ("область Абай", "10"), ("область Жетісу", "33"),
    ("область Ұлытау", "62"),
])
def test_region_forms_resolve(label, code):
    assert vocabulary("region").resolve(label) == code


@pytest.mark.parametrize(("label", "code"), [
    ("Мусульмане", "ISL"), ("Мұсылмандар", "ISL"), ("Muslim", "ISL"), ("ДУМК", "ISL-SAMK"),
    ("ҚМДБ", "ISL-SAMK"), ("РПЦ", "ORT-ROC"), ("Православная церковь", "ORT-ROC"),
    ("Russian Orthodox Church", "ORT-ROC"), ("Католическая церковь", "CAT"),
    ("Roman Catholic", "CAT-RCC"), ("Протестанты", "PRO"), ("ЕХБ", "PRO-BAP"),
    ("Baptists", "PRO-BAP"), ("Свидетели Иеговы", "NTR-JW"), ("Jehovah's Witnesses", "NTR-JW"),
    ("Jehovah’s Witnesses", "NTR-JW"), ("ОСК", "NTR-KRI"), ("Hare Krishna", "NTR-KRI"),
    ("Иудеи", "JUD"), ("Jewish", "JUD"), ("Буддисты", "BUD"), ("Итого", "ALL"),
    ("Қайырымдылық діни қоры", "CHF"),
])
def test_confession_forms_resolve(label, code):
    assert vocabulary("confession").resolve(label) == code


def test_labels_the_catalogues_treat_as_unknown_stay_unknown():
    """tests/e2e/test_bad_inputs.py, tests/kinds/test_registrations.py and the demo's refused
    file rely on these; an alias must never make them load."""
    for label in ("Akmolla Region", "Zhambl Region", "Nowhere"):
        assert vocabulary("region").resolve(label) is None, label
    for label in ("Jedi", "Martians", "Marsians"):
        assert vocabulary("confession").resolve(label) is None, label
    assert vocabulary("region").suggest("Akmolla Region") == "Akmola Region"


# --- crosswalk -------------------------------------------------------------------------------

def test_crosswalk_shape(crosswalk):
    assert list(crosswalk.columns) == ["from_code", "to_code", "valid_from", "relation", "note",
                                       "source"]
    assert set(crosswalk["relation"]) <= {"split", "renamed", "part of"}
    assert crosswalk["source"].ne("").all()
    assert not crosswalk.duplicated(["from_code", "to_code", "valid_from"]).any()


def test_crosswalk_codes_exist_and_dates_agree_with_regions(crosswalk):
    table = regions().set_index("region_code")
    for row in crosswalk.itertuples():
        assert row.from_code in table.index and row.to_code in table.index, row
        old, new = table.loc[row.from_code], table.loc[row.to_code]
        if row.relation == "part of":  # the old unit continues under its code
            assert row.from_code == row.to_code
            assert old["valid_from"] < row.valid_from and old["valid_to"] == ""
            continue
        assert row.from_code != row.to_code
        assert new["valid_from"] == row.valid_from, row  # the new unit starts with the reform
        if row.relation == "renamed" or old["valid_to"] != "":
            assert old["valid_to"] == row.valid_from, row  # the old one ends with it
        assert new["comparable_2007_code"] == old["comparable_2007_code"]


def test_crosswalk_gives_the_reforms_and_their_dates(crosswalk):
    got = {(r.from_code, r.to_code): (r.valid_from, r.relation) for r in crosswalk.itertuples()}
    assert got[("51", "79")] == ("2018-06-19", "split")
    assert got[("51", "61")] == ("2018-06-19", "renamed")
    for old, new in (("63", "10"), ("19", "33"), ("35", "62")):
        assert got[(old, new)] == ("2022-06-08", "split")
        assert got[(old, old)] == ("2022-06-08", "part of")


def test_every_later_unit_is_reached_from_the_crosswalk(crosswalk):
    """Each unit formed after 2007 is the to_code of a crosswalk row from its 2007 unit."""
    table = regions()
    later = table[table["valid_from"] > "2007-01-01"]
    pairs = set(zip(crosswalk["from_code"], crosswalk["to_code"], strict=True))
    for row in later.itertuples():
        assert (row.comparable_2007_code, row.region_code) in pairs, row.region_code
    ended = table[table["valid_to"] != ""]
    assert set(ended["region_code"]) <= set(crosswalk["from_code"])


# --- README ----------------------------------------------------------------------------------

def test_readme_mentions_every_reference_file():
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    files = sorted(p.relative_to(REFERENCE).as_posix() for p in REFERENCE.rglob("*")
                   if p.is_file() and p != REFERENCE / "README.md")
    assert files
    for name in files:
        assert name in readme, f"datasets/reference/README.md does not mention {name}"


def test_readme_names_the_sources():
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    for source in ("KATO", "ISO 3166-2:KZ", "Decree No. 702 of 19 June 2018",
                   "Decree No. 887 of 3 May 2022", "8 June 2022", "No. 1185 of 5 December 2007",
                   "Ahual's own"):
        assert source in readme, source
