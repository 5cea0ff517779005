"""marts.association_forecasts: forecasts with honest uncertainty (its folder's fits.py).

Two halves: simulated series whose generating process is known (fixed seeds) must be covered by
the forecast's 80% and 95% intervals at those rates; and the mart built by `ahual demo` from the
demo's regional reports and the real national series must follow its rule (a history never
crosses a taxonomy break, a series too short says so, the choice is the lowest backtest MASE,
same inputs give the same bytes)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from ahual.flows import resources
from ahual.warehouse.marts import association_forecasts
from ahual.warehouse.marts.association_forecasts import document, fits, selection
from ahual.warehouse.marts.association_forecasts import series as fc

LEVELS = (0.80, 0.95)
TOLERANCE = {0.80: 0.06, 0.95: 0.04}  # about two and a half binomial standard errors


def covered(candidate: selection.Candidate, truths: list[float]) -> dict[float, list[bool]]:
    f = candidate.forecast
    return {lv: [f.low[lv][k] <= t <= f.high[lv][k] for k, t in enumerate(truths)]
            for lv in LEVELS}


def chosen(outcome: selection.Outcome) -> selection.Candidate:
    return next(c for c in outcome.candidates if c.model == outcome.chosen)


# --- a known generating process ----------------------------------------------------------------

def test_a_random_walk_with_drift_is_covered_at_the_nominal_rate():
    """100 yearly series y_t = y_(t-1) + 20 + N(0, 10^2), 9 reports each: the forecast the rule
    chooses for the next two reporting dates covers the simulated truth 80% and 95% of the time."""
    rng = np.random.default_rng(20071205)
    hits: dict[float, list[bool]] = {lv: [] for lv in LEVELS}
    models = []
    for _ in range(100):
        y = 500 + np.cumsum(20 + rng.normal(0, 10, 11))
        points = [fc.Point(date(2000 + k, 1, 1), float(v)) for k, v in enumerate(y[:9])]
        outcome = selection.choose(fc.history(points, "ALL", points[-1].as_of, []))
        assert outcome.targets == [date(2009, 1, 1), date(2010, 1, 1)]
        models.append(outcome.chosen)
        for lv, inside in covered(chosen(outcome), list(y[9:11])).items():
            hits[lv] += inside
    for lv in LEVELS:
        assert abs(np.mean(hits[lv]) - lv) <= TOLERANCE[lv], (lv, np.mean(hits[lv]))
    assert models.count("drift") > len(models) / 2  # the process is a random walk with drift


@pytest.fixture(scope="module")
def regions_growing_as_in_the_demo():
    """20 panels of 16 regions whose associations grow as the demo's do (each association adds
    one more in a year with probability 0.05): 5 yearly reports, and the two that follow."""
    rng = np.random.default_rng(1185)
    dates = [date(2003 + k, 1, 1) for k in range(7)]
    panels = []
    for _ in range(20):
        series = {}
        for i, start in enumerate(rng.integers(20, 400, 16)):
            counts = [int(start)]
            for _ in range(6):
                counts.append(counts[-1] + int(rng.binomial(counts[-1], 0.05)))
            series[f"{i:02d}"] = counts
        pool = fits.Pool({unit: [fc.Point(d, float(v)) for d, v in zip(dates[:5], counts[:5],
                                                                       strict=True)]
                        for unit, counts in series.items()}, "ISL", [])
        alone = {unit: selection.choose(fc.history(pool.histories[unit], "ISL", dates[4], []), pool)
                 for unit in series}
        chosen_alone = {unit: o.chosen for unit, o in alone.items()}
        selection.choose_together(list(alone.values()))
        panels.append((series, alone, chosen_alone))
    return panels


def test_regions_growing_as_in_the_demo_are_covered_at_the_nominal_rate(
        regions_growing_as_in_the_demo):
    hits: dict[float, list[bool]] = {lv: [] for lv in LEVELS}
    for series, outcomes, _ in regions_growing_as_in_the_demo:
        for unit, outcome in outcomes.items():
            for lv, inside in covered(chosen(outcome), series[unit][5:7]).items():
                hits[lv] += inside
    for lv in LEVELS:
        assert abs(np.mean(hits[lv]) - lv) <= TOLERANCE[lv], (lv, np.mean(hits[lv]))


def test_choosing_region_by_region_would_cover_less_than_it_says(
        regions_growing_as_in_the_demo):
    """Why regions choose together: the candidate that wins one region's few backtest forecasts
    is often the lucky one, and its intervals then undercover."""
    hits: dict[float, list[bool]] = {lv: [] for lv in LEVELS}
    for series, outcomes, chosen_alone in regions_growing_as_in_the_demo:
        for unit, outcome in outcomes.items():
            own = next(c for c in outcome.candidates if c.model == chosen_alone[unit])
            for lv, inside in covered(own, series[unit][5:7]).items():
                hits[lv] += inside
    assert np.mean(hits[0.80]) < 0.80 - 0.02 and np.mean(hits[0.95]) < 0.95 - 0.02


def test_a_history_that_never_changed_gives_no_interval():
    """Seven associations year after year: no model can estimate its uncertainty from that."""
    points = [fc.Point(date(2000 + k, 1, 1), 7.0) for k in range(5)]
    outcome = selection.choose(fc.history(points, "JUD", points[-1].as_of, []))
    assert outcome.chosen is None
    assert {c.status for c in outcome.candidates if c.model != "ets"} <= {
        "no change in history", "regional series only"}


def test_exponential_smoothing_is_backtested_once_the_history_is_long_enough():
    rng = np.random.default_rng(2009)
    y = 300 + np.cumsum(8 + rng.normal(0, 4, 12))
    points = [fc.Point(date(1998 + k, 1, 1), float(v)) for k, v in enumerate(y)]
    outcome = selection.choose(fc.history(points, "ALL", points[-1].as_of, []))
    ets = next(c for c in outcome.candidates if c.model == "ets")
    assert ets.status == "forecast" and ets.backtest.origins == 2  # fitted on 10, then 11
    assert ets.backtest.forecasts == 3
    for k in range(fc.HORIZONS):
        assert ets.forecast.low[0.95][k] <= ets.forecast.low[0.80][k] <= ets.forecast.mean[k] \
            <= ets.forecast.high[0.80][k] <= ets.forecast.high[0.95][k]
    shorter = selection.choose(fc.history(points[:10], "ALL", points[9].as_of, []))
    assert next(c for c in shorter.candidates if c.model == "ets").status == "too short"


# --- the rule's pieces -------------------------------------------------------------------------

CHANGES = [
    {"change_id": "r", "effective_from": date(2011, 10, 25), "effective_by": date(2012, 10, 25),
     "change": "reclassification", "from_code": "*", "to_code": "*", "from_family": None,
     "to_family": None},
    {"change_id": "m", "effective_from": date(2011, 10, 25), "effective_by": date(2012, 10, 25),
     "change": "merged", "from_code": "ORT-OLD", "to_code": "ORT", "from_family": "ORT",
     "to_family": "ORT"},
    {"change_id": "a", "effective_from": date(2013, 1, 1), "effective_by": date(2013, 12, 31),
     "change": "added", "from_code": None, "to_code": "NTR-UNI", "from_family": None,
     "to_family": "NTR"},
    {"change_id": "x", "effective_from": date(2015, 1, 1), "effective_by": date(2015, 6, 30),
     "change": "merged", "from_code": "NTR-JW", "to_code": "PRO-EVA", "from_family": "NTR",
     "to_family": "PRO"},
]


def test_a_reclassification_breaks_every_series_and_a_real_change_none():
    found = fc.breaks(CHANGES)
    assert [(b.change_id, b.families) for b in found] == [
        ("r", None), ("x", frozenset({"NTR", "PRO"}))]
    assert fc.touches(found[0], "ISL") and fc.touches(found[0], "ALL")
    assert fc.touches(found[1], "PRO") and not fc.touches(found[1], "ISL")


def test_the_history_starts_after_the_last_break_and_stops_before_the_next():
    known = fc.breaks(CHANGES)
    points = [fc.Point(date(y, 1, 1), 100.0 + y) for y in (2009, 2010, 2011, 2013, 2014, 2016)]
    before = fc.history(points, "PRO", date(2011, 1, 1), known)
    assert [p.as_of.year for p in before.points] == [2009, 2010, 2011]
    assert before.next_break.change_id == "r"
    after = fc.history(points, "PRO", date(2014, 1, 1), known)
    assert [p.as_of.year for p in after.points] == [2013, 2014]
    assert after.after_break == "r" and after.next_break.change_id == "x"
    assert fc.history(points, "ISL", date(2016, 1, 1), known).after_break == "r"  # x is not ISL's
    inside = fc.history([fc.Point(date(2012, 1, 1), 5.0)], "ISL", date(2012, 1, 1), known)
    assert inside.status == "inside a taxonomy change" and not inside.points
    earlier = selection.choose(fc.history(points, "PRO", date(2010, 1, 1), known))
    assert earlier.targets == [date(2011, 1, 1), date(2012, 1, 1)]
    assert [cut is not None for cut in selection.cut_at_break(earlier)] == [False, True]


def test_a_reporting_calendar_is_read_from_the_dates():
    assert fc.grid_step([date(2007, 1, 1), date(2008, 1, 1), date(2010, 1, 1)]) == 12
    assert fc.grid_step([date(2007, 1, 1), date(2007, 7, 1), date(2008, 1, 1)]) == 6
    assert fc.grid_step([date(2012, 10, 25), date(2016, 12, 5)]) is None


# --- the mart built from the demo and the real national series -------------------------------

@pytest.fixture(scope="module")
def forecasts(demo_con):
    return demo_con.sql("SELECT * FROM marts.association_forecasts").to_arrow_table().to_pandas()


SERIES = ["level", "unit_code", "confession_family", "origin_date"]


def test_every_series_and_origin_has_every_candidate_and_horizon(forecasts, demo_con):
    assert not forecasts.duplicated(SERIES + ["model", "horizon"]).any()
    sizes = forecasts.groupby(SERIES).size()
    assert (sizes == len(fits.MODELS) * fc.HORIZONS).all()
    units = {r[0] for r in demo_con.execute(
        "SELECT DISTINCT unit_code FROM marts.registrations_comparable WHERE scheme = 'current'"
    ).fetchall()}
    assert set(forecasts.loc[forecasts["level"] == "region", "unit_code"]) == units
    assert len(units) == 16 and "61+79" in units  # today's units, folded where they must be


def test_a_forecast_has_its_intervals_and_its_backtest_beside_it(forecasts):
    given = forecasts[forecasts["forecast"].notna()]
    assert len(given) and (given["status"] == "forecast").all() and given["reason"].isna().all()
    for low, high in (("lo95", "lo80"), ("lo80", "forecast"), ("forecast", "hi80"),
                      ("hi80", "hi95")):
        assert (given[low] <= given[high]).all(), (low, high)
    assert (given["lo95"] >= 0).all()
    assert (given["backtest_forecasts"] >= 1).all()
    assert given["coverage_95"].between(0, 1).all() and given["mae"].notna().all()
    missing = forecasts[forecasts["forecast"].isna()]
    assert missing["reason"].notna().all() and (missing["status"] != "forecast").all()
    assert not missing["chosen"].any()


def test_one_chosen_forecast_per_series_origin_and_horizon(forecasts):
    picked = forecasts[forecasts["chosen"]]
    assert not picked.duplicated(SERIES + ["horizon"]).any()
    assert picked["selected"].all()
    selected = forecasts[forecasts["selected"]].groupby(SERIES + ["horizon"]).size()
    assert (selected == 1).all()


def test_a_national_series_chooses_the_lowest_mase_ties_to_the_simpler(forecasts):
    national = forecasts[(forecasts["level"] == "national") & (forecasts["horizon"] == 1)]
    checked = 0
    for _, group in national.groupby(SERIES):
        scored = group[group["backtest_forecasts"].notna()
                       & group["status"].isin(["forecast", "beyond a taxonomy break"])]
        if scored.empty:
            assert not group["selected"].any()
            continue
        key = scored["mase"].fillna(np.inf) if scored["mase"].notna().all() else scored["mae"]
        best = scored.assign(key=key.round(3)).sort_values(["key", "simplicity"]).iloc[0]
        assert group.loc[group["selected"], "model"].tolist() == [best["model"]]
        checked += 1
    assert checked >= 8


def test_regions_of_a_family_choose_together(forecasts):
    regional = forecasts[(forecasts["level"] == "region") & forecasts["chosen"]
                         & (forecasts["horizon"] == 1)]
    assert len(regional)
    assert regional["selection"].str.contains("lowest family").all()
    islam = regional[(regional["confession_family"] == "ISL")
                     & (regional["origin_date"] == date(2009, 1, 1))]
    assert len(islam) == 16 and islam["model"].nunique() == 1


def test_a_series_too_short_says_so_instead_of_forecasting(forecasts):
    first = forecasts[(forecasts["level"] == "region") & (forecasts["origin_date"]
                                                         == date(2007, 1, 1))]
    assert len(first) and first["forecast"].isna().all()
    assert set(first["status"]) == {"too short"}
    assert first["reason"].str.contains("needs").all()


def test_no_history_crosses_a_break_and_no_forecast_reaches_past_one(forecasts):
    national = forecasts[forecasts["level"] == "national"]
    later = national[national["origin_date"] >= date(2012, 10, 25)]
    assert (later["history_from"].dropna() >= date(2012, 10, 25)).all()
    assert later["history_after_break"].str.contains("2012-reclassification").all()
    before = forecasts[forecasts["origin_date"] < date(2011, 10, 25)]
    assert (before.loc[before["forecast"].notna(), "target_date"] < date(2011, 10, 25)).all()
    edge = national[(national["origin_date"] == date(2011, 1, 1))
                    & (national["confession_family"] == "ALL")]
    assert set(edge["status"]) >= {"beyond a taxonomy break"} and edge["forecast"].isna().all()
    assert edge["selected"].any()  # chosen by its backtest, but not extrapolated


def test_the_real_national_series_says_why_it_cannot_be_forecast_yet(forecasts):
    """After the 2012 re-registration the Republic has three reports (3,088 on 2012-10-25,
    3,636 on 2016-12-05, 3,679 on 2017-04-20) on irregular dates: no candidate can be
    backtested, and each says why."""
    latest = forecasts[(forecasts["level"] == "national")
                       & (forecasts["confession_family"] == "ALL")
                       & (forecasts["origin_date"] == date(2017, 4, 20))]
    assert latest["origin_value"].unique().tolist() == [3679]
    assert latest["history_reports"].unique().tolist() == [3]
    assert latest["forecast"].isna().all()
    by_model = dict(zip(latest["model"], latest["status"], strict=False))
    assert by_model == {"naive": "irregular dates", "drift": "irregular dates",
                        "growth": "too short", "pooled_growth": "regional series only",
                        "ets": "irregular dates"}
    origins = set(forecasts.loc[forecasts["level"] == "national", "origin_date"])
    assert {date(1990, 1, 1), date(2007, 1, 1), date(2011, 1, 1), date(2012, 10, 25),
            date(2016, 12, 5), date(2017, 4, 20)} <= origins


def test_the_demo_gives_forecasts_from_its_last_reports(forecasts):
    at = forecasts[forecasts["chosen"] & (forecasts["origin_date"] == date(2009, 1, 1))]
    national = at[(at["level"] == "national") & (at["confession_family"] == "ALL")]
    assert national["target_date"].tolist() == [date(2010, 1, 1), date(2011, 1, 1)]
    regions = at[(at["level"] == "region") & (at["confession_family"] == "ALL")]
    assert len(regions) == 16 * 2


def test_same_inputs_same_bytes(demo_con, forecasts):
    again = association_forecasts.build(demo_con)
    published = demo_con.sql("SELECT * FROM marts.association_forecasts").to_arrow_table()
    assert again.equals(association_forecasts.build(demo_con))
    assert again.cast(published.schema).equals(published)


def test_the_backtest_table_for_the_readme_is_current(demo_con):
    path = (resources.warehouse() / "marts" / "association_forecasts"
            / "association_forecasts.backtest.md")
    assert path.read_text(encoding="utf-8") == document.backtest_table(demo_con), (
        "regenerate it: python -m ahual.warehouse.marts.association_forecasts "
        "AHUAL_HOME/warehouse.duckdb "
        "> warehouse/marts/association_forecasts/association_forecasts.backtest.md")
