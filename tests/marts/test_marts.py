"""The marts, built from the demo inputs, reproduce every association figure of the programme."""

from __future__ import annotations

import duckdb
import pytest

from ahual.flows import resources


@pytest.fixture(scope="module")
def con(demo_home):
    with duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True) as connection:
        yield connection


def growth(con, family, start="1990-01-01", end="2007-01-01"):
    return con.execute(
        "SELECT from_count, to_count, ratio, pct_change FROM marts.association_growth "
        "WHERE confession_family = ? AND from_date = ? AND to_date = ?",
        [family, start, end]).fetchone()


def test_total_grew_from_671_to_3783_five_and_a_half_fold(con):
    start, end, ratio, pct = growth(con, "ALL")
    assert (start, end) == (671, 3783)
    assert round(ratio, 2) == 5.64
    assert round(pct, 1) == 463.8


@pytest.mark.parametrize(("family", "start", "end"), [
    ("ISL", 46, 2144), ("ORT", 62, 270), ("CAT", 42, 95), ("PRO", 521, 1147)])
def test_each_named_family_grew_as_the_programme_says(con, family, start, end):
    got = growth(con, family)
    assert got[:2] == (start, end)
    assert got[2] == pytest.approx(end / start)


def test_groups_the_programme_gives_only_for_2007_stay_unknown_for_1990(con):
    for family, count in (("JUD", 27), ("BUD", 4), ("NTR", 49), ("CHF", 33)):
        assert growth(con, family)[:3] == (None, count, None)


def test_2007_reconciliation_shows_14_unattributed_nationally(con):
    row = con.execute(
        "SELECT reported_total, sum_of_parts, unattributed, status, regions_reporting, "
        "regions_reported_total FROM marts.registration_reconciliation "
        "WHERE region_code IS NULL AND as_of = DATE '2007-01-01'").fetchone()
    assert row == (3783, 3769, 14, "unattributed remainder", 16, 3783)


def test_1990_parts_add_up(con):
    row = con.execute(
        "SELECT reported_total, sum_of_parts, unattributed, status FROM "
        "marts.registration_reconciliation WHERE as_of = DATE '1990-01-01'").fetchone()
    assert row == (671, 671, 0, "balanced")


def test_demo_regions_add_up_to_the_national_2007_parts_family_by_family(con):
    rows = con.execute(
        "SELECT confession_family, sum(associations) FILTER (WHERE level <> 'national'), "
        "sum(associations) FILTER (WHERE level = 'national') FROM marts.registrations "
        "WHERE as_of = DATE '2007-01-01' GROUP BY 1").fetchall()
    assert len(rows) == 8
    for family, regional, national in rows:
        assert regional == national, family


def test_the_demo_correction_superseded_karaganda_2008(con):
    reports = con.execute(
        "SELECT source_file, is_current FROM core.registration_reports "
        "WHERE region_code = '35' AND as_of = DATE '2008-01-01' ORDER BY batch_id").fetchall()
    assert reports == [("2008-01-01_all-regions_kk.xlsx", False),
                       ("2008-01-01_karaganda-corrected_en.csv", True)]


def test_demo_rejected_the_file_with_errors_and_kept_it(con, demo_home):
    rejected = con.execute("SELECT file_name, rules FROM raw.rejections").fetchall()
    assert [r[0] for r in rejected] == ["2009-07-01_zhambyl_has-errors.csv"]
    assert "known region" in rejected[0][1]
    assert list((demo_home / "quarantine" / "registrations").glob("*/reason.txt"))


@pytest.mark.parametrize(("mart", "key"), [
    ("registrations", "as_of, coalesce(region_code, ''), confession_code"),
    ("association_growth", "confession_family, from_date, to_date"),
    ("registration_reconciliation", "as_of, coalesce(region_code, '')"),
])
def test_marts_are_not_empty_and_keys_are_unique(con, mart, key):
    total, distinct = con.execute(
        f"SELECT count(*), count(DISTINCT ({key})) FROM marts.{mart}").fetchone()
    assert total > 0 and total == distinct


def test_every_mart_row_traces_to_a_load_batch(con):
    orphans = con.execute(
        "SELECT count(*) FROM marts.registrations r LEFT JOIN raw.load_batches b "
        "USING (batch_id) WHERE b.file_sha256 IS NULL OR b.file_sha256 <> r.file_sha256"
    ).fetchone()[0]
    assert orphans == 0


def test_every_mart_has_its_sql_its_description_and_its_suite_side_by_side(con):

    marts = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_schema = 'marts'").fetchall()}
    folder = resources.warehouse() / "marts"
    for mart in marts:
        assert ((folder / f"{mart}.sql").is_file() or (folder / f"{mart}.py").is_file()
                or (folder / mart / "__init__.py").is_file()), mart  # a model that is a folder
        assert (folder / f"{mart}.yml").is_file(), mart
        assert (resources.expectations() / "marts" / f"{mart}.json").is_file(), mart
