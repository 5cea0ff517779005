"""Comparable series across the region reforms (marts.registrations_comparable), rates on the
territory of the date (marts.registration_rates) and change across the 2012 taxonomy break
(marts.association_growth), on a copy of the demo with made-up reports generated here:
regional reports for 2018, 2019 and 2023 (before and after the splits) and national reports for
mid-2011 and mid-2013 (either side of the re-registration)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from tests.helpers import ingest, write_csv

NOTE = "TEST DATA: made up"
REGIONAL = {  # (as_of, region) -> {confession: associations}
    ("2018-01-01", "51"): {"ISL-SAMK": 500, "ORT-ROC": 20, "ALL": 530},  # before the 2018 split
    ("2019-01-01", "61"): {"ISL-SAMK": 300, "ORT-ROC": 5, "ALL": 310},
    ("2019-01-01", "79"): {"ISL-SAMK": 220, "ORT-ROC": 17, "ALL": 240},
    ("2023-01-01", "19"): {"ISL-SAMK": 200, "ALL": 210},
    ("2023-01-01", "33"): {"ISL-SAMK": 90, "ALL": 95},
    ("2023-01-01", "35"): {"ISL-SAMK": 120, "ALL": 130},
    ("2023-01-01", "62"): {"ISL-SAMK": 40, "ALL": 41},
    ("2023-01-01", "10"): {"ISL-SAMK": 60, "ALL": 62},  # East Kazakhstan (63) did not report
}
NATIONAL = {  # either side of the 2011-2012 re-registration
    "2011-06-30": {"ALL": 4000, "ISL-SAMK": 2000, "ISL-OTH": 300, "ORT-ROC": 250, "ORT-OLD": 20,
                   "PRO-BAP": 200, "PRO-PEN": 150, "NTR-SCI": 5, "NTR-JW": 60},
    "2013-06-30": {"ALL": 3000, "ISL-SAMK": 2250, "ORT": 275, "PRO-BAP": 170, "PRO-PEN": 140,
                   "NTR-JW": 58},
}


@pytest.fixture(scope="module")
def home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo home with the generated reports loaded (once for the module)."""
    path = tmp_path_factory.mktemp("breaks") / "ahual-home"
    shutil.copytree(demo_home, path, ignore=shutil.ignore_patterns("prefect", "gx"))
    folder = path.parent
    rows = [["as_of", "region", "confession", "associations", "note"]]
    rows += [[d, r, c, n, NOTE] for (d, r), cells in REGIONAL.items() for c, n in cells.items()]
    regional = write_csv(folder / "regions-after-the-reforms.csv", rows)
    rows = [["as_of", "region", "confession", "associations", "note"]]
    rows += [[d, "00", c, n, NOTE] for d, cells in NATIONAL.items() for c, n in cells.items()]
    national = write_csv(folder / "national-2011-2013.csv", rows)
    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(path))
    try:
        result = ingest("registrations", [regional, national])
    finally:
        patch.undo()
    assert [o.status for o in result.outcomes if o.file in (regional.name, national.name)] \
        == ["loaded", "loaded"], [p.plain() for o in result.outcomes for p in o.problems]
    return path


@pytest.fixture(scope="module")
def con(home: Path):
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as connection:
        yield connection


def comparable(con, scheme: str, as_of: str, unit: str, confession: str = "ALL"):
    return con.execute(
        "SELECT associations, complete, member_codes, parts_reported, parts_expected "
        "FROM marts.registrations_comparable WHERE scheme = ? AND as_of = ? AND unit_code = ? "
        "AND confession_code = ?", [scheme, as_of, unit, confession]).fetchone()


def test_on_the_2007_units_later_units_are_summed_into_theirs(con):
    assert comparable(con, "2007", "2018-01-01", "51") == (530, True, "51", 1, 1)
    assert comparable(con, "2007", "2019-01-01", "51") == (550, True, "61+79", 2, 2)
    assert comparable(con, "2007", "2019-01-01", "51", "ISL-SAMK") == (520, True, "61+79", 2, 2)
    assert comparable(con, "2007", "2023-01-01", "19") == (305, True, "19+33", 2, 2)
    assert comparable(con, "2007", "2023-01-01", "35") == (171, True, "35+62", 2, 2)
    # 63 did not report in 2023: its 2007 unit is not summed from Abai alone
    assert comparable(con, "2007", "2023-01-01", "63") == (None, False, "10", 1, 2)
    series = con.execute(
        "SELECT as_of::varchar, associations FROM marts.registrations_comparable WHERE scheme = "
        "'2007' AND unit_code = '51' AND confession_code = 'ALL' ORDER BY as_of").fetchall()
    assert [d for d, _ in series] == ["2007-01-01", "2008-01-01", "2009-01-01", "2018-01-01",
                                      "2019-01-01"]


def test_on_todays_units_the_split_regions_are_summed_where_they_must_be(con):
    """The earliest regional report is of 2007, before every split: today's Turkistan and
    Shymkent form one comparable unit, as do 63 and Abai, 19 and Zhetysu, 35 and Ulytau."""
    units = {r[0] for r in con.execute(
        "SELECT DISTINCT unit_code FROM marts.registrations_comparable WHERE scheme = 'current'"
    ).fetchall()}
    assert {"61+79", "10+63", "19+33", "35+62", "11", "75"} <= units
    assert not units & {"51", "61", "79", "10", "33", "62"}
    assert comparable(con, "current", "2019-01-01", "61+79") == (550, True, "61+79", 2, 2)
    assert comparable(con, "current", "2018-01-01", "61+79") == (530, True, "51", 1, 1)
    name = con.execute("SELECT DISTINCT unit_name_en FROM marts.registrations_comparable "
                       "WHERE unit_code = '61+79'").fetchone()[0]
    assert name == "Turkistan Region + Shymkent city"


def test_rates_use_the_population_of_the_territory_of_the_date(con):
    rows = {(str(d), r): (p, s) for d, r, p, s in con.execute(
        "SELECT as_of, region_code, population, population_summed_from "
        "FROM marts.registration_rates WHERE confession_code = 'ALL' "
        "AND as_of >= DATE '2018-01-01' AND level <> 'national'").fetchall()}
    # 1 January 2018 is printed on the 2018 units: South Kazakhstan is Turkistan + Shymkent
    assert rows[("2018-01-01", "51")] == (1977028 + 952169, "61+79")
    assert rows[("2019-01-01", "61")] == (1983969, None)
    assert rows[("2023-01-01", "19")] == (1505968, None)  # the revised figure, not 1,505,984


def growth(con, family: str, start: str, end: str):
    return con.execute(
        "SELECT from_count, to_count, round(pct_change, 2), crosses_taxonomy_break, "
        "taxonomy_changes, like_for_like_from, like_for_like_to, "
        "round(like_for_like_pct_change, 2), like_for_like_confessions "
        "FROM marts.association_growth WHERE confession_family = ? AND from_date = ? "
        "AND to_date = ?", [family, start, end]).fetchone()


def test_change_2011_to_2013_on_like_for_like_confessions(con):
    """Across the re-registration the total fell by a quarter; on the confessions counted
    under the same code on both dates and untouched by the reclassification (Baptists,
    Pentecostals, Jehovah's Witnesses) it fell by a tenth."""
    total = growth(con, "ALL", "2011-06-30", "2013-06-30")
    assert total[:4] == (4000, 3000, -25.0, True)
    assert "2012-reclassification" in total[4] and "2012-muslim-groups-into-samk" in total[4]
    assert total[5:] == (410, 368, round(100 * (368 - 410) / 410, 2), "NTR-JW,PRO-BAP,PRO-PEN")


def test_islams_growth_across_the_break_is_reclassification_not_comparable(con):
    """ISL-OTH was folded into ISL-SAMK: Islam's parts are not like for like."""
    islam = growth(con, "ISL", "2011-06-30", "2013-06-30")
    assert islam[:4] == (2300, 2250, round(100 * (2250 - 2300) / 2300, 2), True)
    assert islam[5:] == (None, None, None, None)
    orthodox = growth(con, "ORT", "2011-06-30", "2013-06-30")  # Old Believers folded in
    assert orthodox[3] is True and orthodox[5] is None
    protestant = growth(con, "PRO", "2011-06-30", "2013-06-30")
    assert protestant[5:7] == (350, 310)


def test_a_change_without_a_break_between_is_not_flagged(con):
    assert growth(con, "ALL", "1990-01-01", "2007-01-01")[3] is False
    assert growth(con, "ALL", "2008-01-01", "2009-01-01")[3] is False
    # one or two regions' reports are no national figure: no growth from or to such a date
    assert growth(con, "ALL", "2018-01-01", "2019-01-01") is None
