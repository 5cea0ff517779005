"""marts.registration_rates after `ahual demo`: associations per 100,000 inhabitants and each
confession's share, by region and date, from the official population figures of
datasets/reference/population/by_region.csv (the demo's regional counts are made up; the
national counts and the population are real)."""

from __future__ import annotations

import pandas as pd
import pytest

from ahual.flows import resources

KAZPOP = "https://github.com/open-data-kazakhstan/population-projections-by-regions"


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    return pd.read_csv(resources.reference() / "population" / "by_region.csv", dtype=str,
                       keep_default_na=False)


def test_associations_per_100000_by_region_in_2009(demo_con, population):
    rows = demo_con.execute(
        "SELECT region_code, associations, population, per_100k, population_date, "
        "population_basis, population_source FROM marts.registration_rates "
        "WHERE as_of = DATE '2009-01-01' AND confession_code = 'ALL' AND level <> 'national' "
        "ORDER BY region_code").fetchall()
    assert len(rows) == 16  # the 16 units of 2009
    estimates = population[(population["source_id"] == "bns-series")
                           & (population["ref_date"] == "2009-01-01")]
    official = dict(zip(estimates["region_code"], estimates["value"].astype(int), strict=True))
    totals = dict(demo_con.execute(
        "SELECT region_code, reported_total FROM marts.registration_reconciliation "
        "WHERE as_of = DATE '2009-01-01' AND region_code IS NOT NULL").fetchall())
    for region, associations, people, rate, when, basis, source in rows:
        assert associations == totals[region], region
        assert people == official[region], region  # 1 January 2009, exactly as published
        assert (str(when), basis) == ("2009-01-01", "estimate")
        assert source.startswith(KAZPOP)
        assert rate == round(100_000 * associations / people, 4), region
    rates = {r[0]: r[3] for r in rows}
    assert rates["11"] == round(100_000 * totals["11"] / 738827, 4)  # Akmola


def test_the_national_rate_uses_the_same_day_or_the_nearest_official_figure(demo_con):
    got = {str(d): (n, p, str(w)) for d, n, p, w in demo_con.execute(
        "SELECT as_of, associations, population, population_date FROM marts.registration_rates "
        "WHERE level = 'national' AND confession_code = 'ALL'").fetchall()}
    assert got["2007-01-01"] == (3783, 15396878, "2007-01-01")
    assert got["2011-01-01"] == (4551, 16440470, "2011-01-01")  # revised, not 16.433 million
    assert got["2012-10-25"] == (3088, 16910246, "2013-01-01")  # 68 days away, the nearest
    assert got["1990-01-01"] == (671, None, "None")  # no figure within a year: no rate, no guess
    rate = demo_con.execute("SELECT per_100k FROM marts.registration_rates WHERE level = "
                            "'national' AND confession_code = 'ALL' AND as_of = '2007-01-01'"
                            ).fetchone()[0]
    assert rate == pytest.approx(24.5699, abs=1e-4)


def test_only_exact_final_or_revised_figures_are_denominators(demo_con):
    releases = {r[0] for r in demo_con.execute(
        "SELECT DISTINCT population_release FROM marts.registration_rates "
        "WHERE population IS NOT NULL").fetchall()}
    assert releases <= {"final", "revised"}


def test_shares_of_the_families_and_the_unattributed_make_the_whole(demo_con):
    rows = demo_con.execute(
        "SELECT as_of, region_code, sum(share_pct) FILTER (WHERE confession_level = 'family'), "
        "any_value(region_total) FROM marts.registration_rates GROUP BY ALL "
        "HAVING NOT bool_or(missing_parts > 0)").fetchall()
    unattributed = {(str(d), r): u for d, r, u in demo_con.execute(
        "SELECT as_of, region_code, unattributed FROM marts.registration_reconciliation "
        "WHERE basis <> 'sum of regional reports'").fetchall()}
    for as_of, region, families, total in rows:
        left = unattributed.get((str(as_of), region))
        if families is None or left is None or total is None:
            continue
        assert families + 100 * left / total == pytest.approx(100, abs=0.01), (as_of, region)
    # a family with a part not reported has no share (its sum would be short), never a guess
    gap = demo_con.execute(
        "SELECT associations, share_pct FROM marts.registration_rates WHERE missing_parts > 0 "
        "AND confession_level = 'family'").fetchall()
    assert gap and all(row == (None, None) for row in gap)
    national_2007 = demo_con.execute(
        "SELECT confession_code, share_pct FROM marts.registration_rates WHERE level = "
        "'national' AND as_of = DATE '2007-01-01' AND confession_level = 'family'").fetchall()
    assert dict(national_2007)["ISL"] == round(100 * 2144 / 3783, 4)


def test_families_and_confessions_are_both_given(demo_con):
    levels = dict(demo_con.execute(
        "SELECT confession_level, count(*) FROM marts.registration_rates "
        "WHERE as_of = DATE '2009-01-01' AND region_code = '35' GROUP BY 1").fetchall())
    assert levels["total"] == 1 and levels["family"] >= 5 and levels["confession"] >= 10
    islam, parts = demo_con.execute(
        "SELECT max(associations) FILTER (WHERE confession_code = 'ISL'), "
        "sum(associations) FILTER (WHERE confession_family = 'ISL' AND confession_level = "
        "'confession') FROM marts.registration_rates "
        "WHERE as_of = DATE '2009-01-01' AND region_code = '35'").fetchone()
    assert islam == parts
