"""marts.monitoring_warnings after `ahual demo`: every warning-sign count of every round and
region judged against its expected level (negative binomial control limits,
its folder's control_limits.py), the planted warning found, the probability checked by a second
route, and the comparison with the old fixed rule (kept beside it for comparison only;
monitoring_warnings.comparison.md) kept current."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from ahual.flows import resources
from ahual.warehouse.marts import monitoring_warnings
from ahual.warehouse.marts.monitoring_warnings import comparison, document
from ahual.warehouse.marts.monitoring_warnings import control_limits as cl

INDICATORS = {"LIQUIDATED", "CONFLICTS", "ADMIN_CASES", "HATRED_CASES"}


@pytest.fixture(scope="module")
def warnings_mart(demo_con) -> pd.DataFrame:
    return demo_con.sql("SELECT * FROM marts.monitoring_warnings").to_arrow_table().to_pandas()


def test_every_reported_warning_sign_count_is_judged(warnings_mart, demo_con):
    expected = demo_con.execute(
        "SELECT count(*) FROM marts.monitoring_indicators m JOIN staging.stg_indicators i "
        "USING (indicator_code) WHERE i.rise_is_warning").fetchall()[0][0]
    assert len(warnings_mart) == expected == 4 * (16 + 16 + 15)  # Atyrau sent no round 3
    assert set(warnings_mart["indicator_code"]) == INDICATORS
    assert not warnings_mart.duplicated(["round", "region_code", "indicator_code"]).any()
    judged = warnings_mart[warnings_mart["value"].notna()]
    assert judged["p_value"].between(0, 1).all() and judged["population"].gt(0).all()
    assert (judged.loc[judged["round"] == 1, "earlier_rounds"] == 0).all()  # round 1 is judged


def test_the_planted_warning_is_found_and_is_the_only_one(warnings_mart):
    flagged = warnings_mart[warnings_mart["warning"]]
    assert flagged[["round", "region_code", "indicator_code"]].values.tolist() == [
        [3, "43", "CONFLICTS"]]  # Kyzylorda, 9 conflicts in round 3
    row = flagged.iloc[0]
    assert row["value"] == 9 and row["p_value"] < 1e-5 and row["z_score"] > 5
    assert row["expected"] < 1 and row["fixed_rule_warning"]


def test_the_old_rule_s_flag_is_the_rule_as_written(warnings_mart, demo_con):
    """fixed_rule_warning (the mart's input query, SQL) is control_limits.fixed_rule (Python) on
    the unrounded values of the region's earlier rounds."""
    values = demo_con.sql("SELECT round, region_code, indicator_code, value "
                          "FROM marts.monitoring_indicators").fetchall()
    series: dict[tuple[str, str], dict[int, float | None]] = {}
    for round_no, region, indicator, value in values:
        series.setdefault((region, indicator), {})[round_no] = \
            None if value is None else float(value)
    for row in warnings_mart.itertuples():
        own = series[(row.region_code, row.indicator_code)]
        flagged = cl.fixed_rule([own[s] for s in sorted(own) if s < row.round], own[row.round])
        assert row.fixed_rule_warning == flagged, row
    assert warnings_mart["fixed_rule_warning"].sum() == 1  # the planted one, as the comparison says


def test_levels_follow_the_probability_and_the_control_limits(warnings_mart):
    judged = warnings_mart[warnings_mart["p_value"].notna()]
    level = np.where(judged["p_value"] < cl.WARNING_P, "warning",
                     np.where(judged["p_value"] < cl.WATCH_P, "watch", "expected"))
    assert (judged["level"] == level).all()
    assert (judged["warning"] == (judged["value"] > judged["limit_998"])).all()
    assert ((judged["level"] != "expected") == (judged["value"] > judged["limit_95"])).all()


def test_the_probability_by_a_second_route(demo_con):
    """Kyzylorda's conflicts in round 3 refitted here with statsmodels, and P(X >= 9) by
    integrating the Poisson tail over the gamma level numerically (not the closed form)."""
    from statsmodels.discrete.discrete_model import NegativeBinomial

    cells = demo_con.sql("SELECT round, region_code, value, population FROM "
                         "marts.monitoring_warnings WHERE indicator_code = 'CONFLICTS'"
                         ).to_arrow_table().to_pandas()
    others = cells[cells["region_code"] != "43"]
    design = pd.get_dummies(others["round"]).astype(float).to_numpy()
    fit = NegativeBinomial(others["value"].to_numpy(), design,
                           offset=np.log(others["population"].to_numpy(dtype=float))
                           ).fit(disp=0, maxiter=500)
    rate = np.exp(fit.params[:3])
    alpha = fit.params[-1]
    own = cells[cells["region_code"] == "43"].set_index("round")
    shape = 1 / alpha + own.loc[[1, 2], "value"].sum()
    scale_rate = 1 / alpha + sum(own.loc[r, "population"] * rate[r - 1] for r in (1, 2))
    expected = own.loc[3, "population"] * rate[2]
    p, _ = integrate.quad(lambda theta: stats.poisson.sf(8, theta * expected)
                          * stats.gamma.pdf(theta, shape, scale=1 / scale_rate), 0, np.inf,
                          epsabs=1e-14)
    row = demo_con.execute("SELECT p_value, expected FROM marts.monitoring_warnings WHERE "
                           "round = 3 AND region_code = '43' AND indicator_code = 'CONFLICTS'"
                           ).fetchall()[0]
    assert row[0] == pytest.approx(p, rel=1e-2)
    assert row[1] == pytest.approx(expected * shape / scale_rate, rel=1e-3)


def test_a_region_like_the_others_is_expected_at_the_national_rate():
    """With no spread between regions (alpha 0) a region's own history does not move its
    expected count, and the test is a Poisson test at the national rate."""
    cells = [cl.Cell(r, g, 2.0, 1_000_000.0) for r in (1, 2) for g in ("a", "b", "c", "d")]
    judged = cl.judge(cells, "a", 2)
    assert judged.expected == pytest.approx(2.0, rel=1e-3)
    assert judged.p_value == pytest.approx(stats.poisson.sf(1, 2.0), rel=1e-3)


def test_what_cannot_be_judged_says_why():
    cells = [cl.Cell(1, "a", None, 1e6), cl.Cell(1, "b", 3.0, None), cl.Cell(1, "c", 0.0, 1e6),
             cl.Cell(1, "d", 2.0, 1e6)]
    assert cl.judge(cells, "a", 1).level == "not reported"
    assert cl.judge(cells, "b", 1).level == "no population"
    assert cl.judge(cells, "d", 1).level == "no basis"  # the others counted nothing


def test_the_old_rule_as_written():
    assert not cl.fixed_rule([], 9)  # never a region's first round
    assert cl.fixed_rule([0, 1], 9) and not cl.fixed_rule([0, 1], 3)  # 3 is not 3 above 0.5
    assert not cl.fixed_rule([10, 10], 14)  # >= 3 above, but not 1.5 times


def test_compared_on_simulated_rounds_the_new_rule_raises_fewer_false_flags():
    """A short run of the comparison (the file's has more sets): when nothing happens the
    warning level raises fewer flags than the old rule, and both find a spike of 9."""
    populations = {f"{i:02d}": float(p) for i, p in enumerate(
        [748559, 695454, 1620696, 490509, 617441, 1000000, 1341700, 902400, 620000, 400000,
         2250000, 745000, 660000, 1420000, 600000, 1300000])}
    profiles = [comparison.Profile("CONFLICTS", 6.7e-7, 0.3),
                comparison.Profile("LIQUIDATED", 1.6e-6, 0.0)]
    for result in comparison.compare_rules(populations, profiles, datasets=12, seed=9):
        assert result.false_flags["warning"] < result.false_flags["fixed"], result
        assert result.found[("warning", 9)] >= 0.8 * result.datasets, result
        assert result.found[("fixed", 9)] >= 0.8 * result.datasets, result


def test_the_comparison_file_shows_what_the_demo_gives(demo_con):
    text = (resources.warehouse() / "marts" / "monitoring_warnings"
            / "monitoring_warnings.comparison.md").read_text(encoding="utf-8")
    assert document.loaded_table(demo_con) in text, (
        "regenerate it: python -m ahual.warehouse.marts.monitoring_warnings "
        "AHUAL_HOME/warehouse.duckdb "
        "> warehouse/marts/monitoring_warnings/monitoring_warnings.comparison.md")


def test_same_inputs_same_bytes(demo_con):
    published = demo_con.sql("SELECT * FROM marts.monitoring_warnings").to_arrow_table()
    again = monitoring_warnings.build(demo_con)
    assert again.equals(monitoring_warnings.build(demo_con))
    assert again.cast(published.schema).equals(published)
    assert not math.isnan(again.column("p_value").to_pandas().dropna().sum())
