"""marts.study_means and study_quantiles (warehouse/survey_numeric.py) against R's survey
package (tests/r/numeric.R on the files of tests/r/make_numeric.R) and on the demo.

Files built from R's data(api) apistrat (strata, no PSU) and apiclus1 (PSUs), data(nhanes)
(strata and PSUs; and with a stratum left with one PSU, under every lonely-PSU rule ingest
accepts) and a hand-made design (zero weights, a PSU of them, a single-PSU stratum, a domain
inside one PSU, a domain without weight, ties, an empty answer). Every domain (national,
region, sex, age group, and the codes of a question the test's registry declares a domain
variable, datasets/reference/studies/study_domains.csv) of every numeric column:

- mean and total (svymean, svytotal): estimate, standard error and the t (or z) interval to
  1e-12 relative (|a - b| <= 1e-12 max(|b|, 1): sums of the same doubles in another order),
  degrees of freedom exactly;
- quartiles and median (svyquantile with R's defaults, qrule "math", Woodruff's interval):
  the quantile and both bounds EXACTLY (they are values of the data), the standard error to
  1e-12 relative; except where R's qs() finds no cumulative weight at or below p W and takes
  the second smallest value (numeric.R flags those): there the mart has the smallest value,
  as the definition says (warehouse/survey_numeric.py); and where R's share bound lands a
  rounding error beyond 0 or 1 (R: no bound), the mart's bound is the value at 0 or 1.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from tests.r import marts as build_marts
from tests.r import oracle

RELATIVE = 1e-12
# data set -> (design, lonely-PSU rules, interval method of the registry row, the question
# the study declares a domain variable in datasets/reference/studies/study_domains.csv)
R_STUDIES = {
    "api_strat_num": ("stratified", ("adjust",), "normal", "q_sch_wide"),
    "api_clus1_num": ("clustered", ("adjust",), "t", "q_sch_wide"),
    "nhanes_num": ("stratified-clustered", ("adjust",), "t", "q_hi_chol"),
    "nhanes_lonely_num": ("stratified-clustered", ("remove", "adjust", "average"), "t",
                          "q_hi_chol"),
    "small_num": ("stratified-clustered", ("remove", "certainty", "adjust", "average"), "t",
                  "q_a"),
}
MARTS = ["study_means", "study_quantiles"]
KEY = ["variable", "domain"]


@pytest.fixture(scope="module")
def r_numeric(request, tmp_path_factory):
    """Both marts built from the R study files (a registry row per data set and rule, every
    x_* column declared numeric, the data set's question declared a domain), and R's rows per
    data set."""
    oracle.skip_without_r()
    cache = oracle.cache_dir(request)
    folder = oracle.make_numeric(cache)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(R_STUDIES, pool.map(
            lambda item: oracle.numeric_r(cache, folder / f"{item[0]}.csv", item[1][1],
                                          ("region", "sex", "age_group", item[1][3])),
            R_STUDIES.items()), strict=True))
    loads = [(row, build_marts.parse(folder / f"{name}.csv", row))
             for name, (design, rules, interval, _) in R_STUDIES.items() for rule in rules
             for row in [build_marts.study_row(f"{name}:{rule}", design, rule, interval)]]
    work = tmp_path_factory.mktemp("numeric")
    columns = sorted({c for name in R_STUDIES for c in pd.read_csv(
        folder / f"{name}.csv", nrows=0).columns if c.startswith("x_")})
    declared = build_marts.write_csv(work / "numeric_variables.csv",
                                     ["study_id", "variable", "question_en", "missing_values"],
                                     [["", c, "", ""] for c in columns])
    domains = build_marts.write_csv(work / "study_domains.csv", ["study_id", "variable"], [
        [row["study_id"], R_STUDIES[row["study_id"].split(":")[0]][3]] for row, _ in loads])
    built = build_marts.build(work, loads, MARTS, {"studies_numeric_variables": declared,
                                                   "studies_study_domains": domains})
    return built["study_means"], built["study_quantiles"], results


def _close(ours, theirs, scale=None, relative: float = RELATIVE) -> np.ndarray:
    """|ours - theirs| <= relative * max(|theirs|, |scale|, 1), or both NaN (an interval bound
    is judged on the scale of its estimate: near 0 it is a difference of two large numbers)."""
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    size = np.maximum(np.abs(theirs), 1.0)
    if scale is not None:
        size = np.maximum(size, np.abs(np.asarray(scale, float)))
    return (np.abs(ours - theirs) <= relative * size) | (np.isnan(ours) & np.isnan(theirs))


def _merged(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    both = theirs.merge(ours, on=KEY, how="outer", suffixes=("_r", ""), indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", KEY]
    return both


@pytest.mark.parametrize("name", list(R_STUDIES))
def test_means_and_totals_equal_svymean_and_svytotal(r_numeric, name):
    means, _, results = r_numeric
    design, rules, interval, question = R_STUDIES[name]
    compared = 0
    for rule in rules:
        r = results[name][results[name]["lonely"] == rule]
        ours = means[means["study_id"] == f"{name}:{rule}"]
        assert set(ours["ci_method"]) == {interval}
        side = "z" if interval == "normal" else "t"
        for statistic in ("mean", "total"):
            both = _merged(ours, r[r["statistic"] == statistic])
            for mine, theirs in ((statistic, "estimate"), (f"{statistic}_std_error", "se"),
                                 (f"{statistic}_ci_low", f"{side}_low"),
                                 (f"{statistic}_ci_high", f"{side}_high")):
                ok = _close(both[mine], both[theirs], both["estimate"])
                assert ok.all(), both.loc[~ok, KEY + [mine, theirs]]
            assert (both["df_r"] == both["df"]).all()
            assert (both["n"] == both["n_unweighted"]).all()
            compared += len(both)
            assert (both["domain_kind"] == question).sum() >= 2  # the declared domains too
    assert compared >= 20


@pytest.mark.parametrize("name", list(R_STUDIES))
def test_quantiles_equal_svyquantile(r_numeric, name):
    _, quantiles, results = r_numeric
    exact = definition = 0
    for rule in R_STUDIES[name][1]:
        r = results[name][(results[name]["lonely"] == rule)
                          & results[name]["statistic"].str.startswith("q")]
        r = r.assign(probability=r["statistic"].str[1:].astype(float))
        ours = quantiles[quantiles["study_id"] == f"{name}:{rule}"]
        both = r.merge(ours, on=KEY + ["probability"], how="outer", suffixes=("_r", ""),
                       indicator=True)
        assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", KEY]
        assert (both["df_r"] == both["df"]).all() and (both["n"] == both["n_unweighted"]).all()
        falls = both["falls"].eq(True)
        # where R falls back to the second smallest value, the mart has the smallest
        assert (both.loc[falls, "estimate"] == both.loc[falls, "smallest"]).all()
        definition += int(falls.sum())
        same = both[~falls]
        for mine, theirs, flag in (("estimate", "estimate_r", None),
                                   ("ci_low", "t_low", "falls_low"),
                                   ("ci_high", "t_high", "falls_high")):
            fell = same[flag].eq(True) if flag else np.zeros(len(same), bool)
            ok = (same[mine] == same[theirs]) | (same[mine].isna() & same[theirs].isna())
            if flag:
                # R's share bound a rounding error beyond 0 or 1 (R: no value); the mart's
                # bound is then the value at exactly 0 or 1, the smallest or largest value
                edge, end = (0.0, "smallest") if mine == "ci_low" else (1.0, "largest")
                share = same[f"p_{mine[3:]}"]
                rounding = (same[theirs].isna() & (np.abs(share - edge) <= 1e-12)
                            & (same[mine] == same[end]))
                ok |= rounding
                definition += int(rounding.sum())
            assert (ok | fell).all(), same.loc[~(ok | fell), KEY + ["probability", mine, theirs]]
            assert (same.loc[fell, mine] == same.loc[fell, "smallest"]).all()
            definition += int(fell.sum())
            exact += int((ok & ~fell).sum())
        kept = same[~same["falls_low"].eq(True) & same["t_low"].notna() & same["t_high"].notna()]
        ok = _close(kept["std_error"], kept["se"])
        assert ok.all(), kept.loc[~ok, KEY + ["probability", "std_error", "se"]]
    assert exact >= 30
    if name == "small_num":
        assert definition > 0  # the hand-made design has domains where R falls back


def test_the_demo_gives_the_age_by_region_with_one_select(demo_con):
    """The mean and median age in every region of S02, from the two marts; the national mean
    equals the weighted mean of the study file's ages."""
    answer = demo_con.execute("""
        SELECT m.domain, m.mean, m.mean_ci_low, m.mean_ci_high, q.estimate AS median,
               q.ci_low AS median_low, q.ci_high AS median_high
        FROM marts.study_means AS m
        JOIN marts.study_quantiles AS q USING (study_id, variable, domain)
        WHERE study_id = 'S02' AND variable = 'age' AND q.probability = 0.5
          AND m.domain_kind IN ('national', 'region') AND NOT m.suppressed
        ORDER BY m.domain""").df()
    assert len(answer) == 17
    assert (answer["mean_ci_low"] < answer["mean"]).all()
    assert (answer["mean"] < answer["mean_ci_high"]).all()
    assert (answer["median_low"] <= answer["median"]).all()
    assert (answer["median"] <= answer["median_high"]).all()
    assert answer["median"].between(18, 85).all()
    raw = pd.read_csv(build_marts.resources.demo() / "survey" / "S02"
                      / "S02.csv")
    national = answer.set_index("domain").loc["national"]
    assert np.isclose(national["mean"], np.average(raw["age"], weights=raw["weight"]),
                      rtol=1e-13, atol=0)


def test_the_demo_estimates_age_in_every_study_that_gives_it(demo_con):
    studies = demo_con.execute("""
        SELECT study_id, count(*) AS n, bool_and(domain_kind <> 'national' OR NOT suppressed)
        FROM marts.study_means WHERE variable = 'age' GROUP BY ALL ORDER BY ALL""").fetchall()
    assert [s for s, _, national in studies if national] == [f"S0{k}" for k in range(1, 10)]


def test_the_new_marts_document_every_column_and_have_a_suite():
    from ahual.warehouse.marts import study_means, study_quantiles

    for module in (study_means, study_quantiles):
        build_marts.assert_documented_with_suite(module)
