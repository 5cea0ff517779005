"""Published figures exactly as their sources print them: the national registration series
after the programme, the population by region, the taxonomy changes and the monitoring index
items, each row against the quote beside it. These tests read CSV files only."""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd
import pytest

from ahual.flows import resources
from ahual.flows.reading.vocabulary import confessions, indicators, regions

REFERENCE = resources.reference()
REPORTS = REFERENCE / "reports" / "registrations"


@pytest.fixture(scope="session")
def prefect_harness():
    """Overrides the session harness of conftest.py for this module: nothing here runs a flow."""
    yield


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def digits(text: str) -> str:
    """A quote with the separators numbers are printed with taken out («3 636», «3,088»)."""
    return re.sub(r"(?<=\d)[\s\u00a0\u202f,](?=\d{3}\b)", "", text)


# --- the national registration series ------------------------------------------------------

# (file, as_of, confession, associations, the words of the source that state it)
NATIONAL = [
    ("national_registrations_2011_2012.csv", "2011-01-01", "ALL", 4551,
     ("из существовавшего на 1 января 2011 года 4551 религиозного объединения и малочисленных "
     "религиозных групп")),
    ("national_registrations_2011_2012.csv", "2012-10-25", "ALL", 3088,
     "остались 3088 религиозных объединений и их филиалов, представляющих 17 конфессий"),
    ("national_registrations_2016.csv", "2016-12-05", "ALL", 3636,
     "in Kazakhstan there are 3 636 religious associations registered at the moment"),
    ("national_registrations_2017.csv", "2017-04-20", "ALL", 3679, "TOTAL 3679"),
    ("national_registrations_2017.csv", "2017-04-20", "ISL", 2570, "Islam 2570"),
    ("national_registrations_2017.csv", "2017-04-20", "ORT", 333, "Orthodoxy 333"),
    ("national_registrations_2017.csv", "2017-04-20", "PRO-PEN", 219, "Pentecostal churches 219"),
    ("national_registrations_2017.csv", "2017-04-20", "PRO-BAP", 181,
     "Evangelical Christians-Baptists 181"),
    ("national_registrations_2017.csv", "2017-04-20", "PRO-PRE", 106, "Presbyterian churches 106"),
    ("national_registrations_2017.csv", "2017-04-20", "CAT", 85, "Catholicism 85"),
    ("national_registrations_2017.csv", "2017-04-20", "NTR-JW", 60, "Jehovah's Witnesses 60"),
    ("national_registrations_2017.csv", "2017-04-20", "PRO-ADV", 42, "Seventh Day Adventists 42"),
    ("national_registrations_2017.csv", "2017-04-20", "PRO-NAC", 26, "New Apostolic Church 26"),
    ("national_registrations_2017.csv", "2017-04-20", "PRO-LUT", 14,
     "The Evangelical Lutheran Church 14"),
    ("national_registrations_2017.csv", "2017-04-20", "PRO-MET", 13, "Methodists 13"),
    ("national_registrations_2017.csv", "2017-04-20", "NTR-KRI", 8, "Krishnaites 8"),
    ("national_registrations_2017.csv", "2017-04-20", "JUD", 7, "Judaism 7"),
    ("national_registrations_2017.csv", "2017-04-20", "NTR-BAH", 6, "Bahá'ís 6"),
    ("national_registrations_2017.csv", "2017-04-20", "PRO-MEN", 4, "Mennonites 4"),
    ("national_registrations_2017.csv", "2017-04-20", "BUD", 2, "Buddhism 2"),
    ("national_registrations_2017.csv", "2017-04-20", "NTR-LDS", 2,
     "The Church of Jesus Christ of Latter-day Saints (Mormons) 2"),
    ("national_registrations_2017.csv", "2017-04-20", "NTR-UNI", 1,
     "Unification Church of Moon (Moonies) 1"),
]


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    files = [f for f in sorted(REPORTS.glob("national_registrations_*.csv"))
             if f.name != "national_registrations_1990_2007.csv"]
    return pd.concat([read(f).assign(file=f.name) for f in files], ignore_index=True)


def test_the_series_after_the_programme_is_exactly_what_its_sources_print(national):
    got = {(r.file, r.as_of, r.confession): r for r in national.itertuples()}
    assert set(got) == {(f, d, c) for f, d, c, _, _ in NATIONAL}
    for file, as_of, code, count, words in NATIONAL:
        row = got[(file, as_of, code)]
        assert row.associations == str(count), (as_of, code)
        assert words in row.source, (as_of, code)  # the row quotes the words
        assert row.source.startswith("http"), (as_of, code)  # and says where they are


def test_every_figure_appears_in_its_own_quote(national):
    for row in national.itertuples():
        quoted = " ".join(re.findall(r"«([^»]*)»", row.source))
        assert re.search(rf"(?<!\d){row.associations}(?!\d)", digits(quoted)), row


def test_the_2017_table_adds_up_to_its_printed_total(national):
    table = national[national["as_of"] == "2017-04-20"]
    parts = table.loc[table["confession"] != "ALL", "associations"].astype(int)
    assert len(parts) == 18  # «representing 18 denominations»
    assert parts.sum() == int(table.loc[table["confession"] == "ALL", "associations"].iloc[0])


def test_re_registration_4551_minus_the_1463_not_re_registered_is_3088(national):
    """Zakon.kz: 1463 associations did not re-register; 4551 - 1463 = 3088 (consistent)."""
    total = dict(zip(national["as_of"], national["associations"], strict=False))
    assert int(total["2011-01-01"]) - 1463 == int(total["2012-10-25"])


def test_the_series_uses_the_report_contract_and_known_codes(national):
    assert set(national.columns) == {"as_of", "region", "confession", "associations", "source",
                                     "file"}
    assert set(national["region"]) == {"00"}
    assert set(national["confession"]) <= set(confessions()["confession_code"])


# --- population ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return read(REFERENCE / "population" / "by_region.csv")


def test_population_rows_have_a_source_and_known_codes(population):
    assert list(population.columns) == [
        "ref_date", "basis", "release", "source_id", "region_code", "region_as_printed",
        "units_of", "value", "unit", "source_url", "source_title", "quote", "note"]
    assert population["source_url"].str.startswith("http").all()
    assert population["quote"].ne("").all()
    assert set(population["region_code"]) <= set(regions()["region_code"])
    assert set(population["basis"]) == {"census", "estimate"}
    assert set(population["release"]) == {"final", "preliminary", "revised", "first release"}
    assert set(population["unit"]) == {"persons", "thousand", "million"}
    keys = ["ref_date", "basis", "release", "source_id", "region_code"]
    assert not population.duplicated(keys).any()


def test_every_population_figure_is_printed_in_its_quote(population):
    for row in population.itertuples():
        if row.unit == "persons":
            assert re.search(rf"(?<!\d){row.value}(?!\d)", digits(row.quote)), row
        else:  # as printed: «16,433 млн», «18,877.1 thousand», «626,8 тыс.», «17 млн 671 тыс.»
            printed = {row.value, row.value.replace(".", ",")}
            if row.value == "17671":
                printed.add("17 млн 671 тыс.")
            assert any(p in q for p in printed for q in (row.quote, digits(row.quote))), row


@pytest.mark.parametrize(("source_id", "ref_date", "national_total", "units"), [
    ("census-2009", "2009-02-25", 16009597, 16),
    ("census-2021", "2021-09-01", 19186015, 17),
    ("bns-2023-first", "2023-01-01", 19765004, 20),
])
def test_regions_add_up_to_the_printed_national_total(population, source_id, ref_date,
                                                      national_total, units):
    rows = population[(population["source_id"] == source_id)
                      & (population["ref_date"] == ref_date)]
    regional = rows[rows["region_code"] != "00"]
    assert len(regional) == units
    assert regional["value"].astype(int).sum() == national_total
    assert int(rows.loc[rows["region_code"] == "00", "value"].iloc[0]) == national_total


def test_the_series_adds_up_every_year_on_the_units_it_is_printed_on(population):
    series = population[population["source_id"] == "bns-series"]
    sums, national = defaultdict(int), {}
    for row in series.itertuples():
        if row.region_code == "00":
            national[row.ref_date] = int(row.value)
        else:
            sums[row.ref_date] += int(row.value)
    assert dict(sums) == national
    assert sorted(national) == [f"{y}-01-01" for y in range(2007, 2024)]
    units = series.groupby("ref_date")["units_of"].first()
    assert units["2016-01-01"] == "2016-01-01" and units["2017-01-01"] == "2018-06-19"
    assert units["2022-01-01"] == "2022-06-08"


@pytest.mark.parametrize(("ref_date", "release", "value", "unit"), [
    ("2009-02-25", "final", "16009597", "persons"),
    ("2009-02-25", "preliminary", "16004.8", "thousand"),
    ("2011-01-01", "revised", "16440470", "persons"),
    ("2011-01-01", "first release", "16.433", "million"),
    ("2021-01-01", "revised", "18879552", "persons"),
    ("2021-01-01", "first release", "18877.1", "thousand"),
    ("2023-01-01", "revised", "19766807", "persons"),
    ("2023-01-01", "first release", "19765004", "persons"),
])
def test_preliminary_and_final_releases_are_kept_apart(population, ref_date, release, value,
                                                       unit):
    row = population[(population["region_code"] == "00") & (population["ref_date"] == ref_date)
                     & (population["release"] == release)]
    assert row[["value", "unit"]].values.tolist() == [[value, unit]]


def test_known_values_of_2009(population):
    """Spot checks against the sources read: the 1 January 2009 estimate and the census."""
    got = {(r.source_id, r.region_code): r.value for r in population.itertuples()
           if r.ref_date.startswith("2009")}
    assert got[("bns-series", "11")] == "738827"
    assert got[("bns-series", "51")] == "2462782"
    assert got[("census-2009", "71")] == "613006"
    assert got[("census-2009", "15")] == "757768"  # not Wikipedia's 779,542


# --- the taxonomy and the index items --------------------------------------------------------

def test_taxonomy_changes_name_known_codes_and_cite_a_source():
    changes = read(REFERENCE / "taxonomy_changes.csv")
    codes = set(confessions()["confession_code"]) | {"*", ""}
    assert set(changes["from_code"]) <= codes and set(changes["to_code"]) <= codes
    assert set(changes["change"]) <= {"reclassification", "counting rule", "merged", "dropped",
                                      "added"}
    assert (changes["effective_from"] <= changes["effective_by"]).all()
    for row in changes.itertuples():
        assert "http" in row.source and "«" in row.source, row.change_id  # URL and quote
    merged = {(r.from_code, r.to_code) for r in changes.itertuples() if r.change == "merged"}
    assert {("ORT-OLD", "ORT"), ("ORT-ARM", "ORT"), ("ISL-OTH", "ISL-SAMK")} <= merged


def test_monitoring_index_items_are_written_thresholds_on_known_indicators():
    items = read(REFERENCE / "monitoring_index_items.csv")
    assert set(items["indicator_code"]) <= set(indicators()["indicator_code"])
    assert set(items["per_indicator"]) - {""} <= set(indicators()["indicator_code"])
    assert set(items["measure"]) <= {"count", "per 100000", "per 100 of indicator"}
    assert (items["half_at"].astype(float) < items["full_at"].astype(float)).all()
    assert items["reasoning"].str.len().gt(40).all()
    assert items["item_no"].astype(int).tolist() == list(range(1, len(items) + 1))
