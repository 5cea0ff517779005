"""marts.study_differences (warehouse/marts/study_differences.py) against R's survey package
(tests/r/compare.R, one Rscript run for the module) and on the demo.

- two domains of one design: every difference and standard error equals
  svycontrast(svyby(..., covariance = TRUE)) to 1e-12, and the first category of every pair
  equals svyttest (estimate, t, df exactly, p-value and interval to 1e-9 relative), for R's
  data(api) apiclus1, data(nhanes) with a stratum left with one PSU (every lonely-PSU rule
  Ingest accepts) and the hand-made edge design (zero weights, a single-PSU stratum, domains
  inside one PSU);
- two studies (independent samples): the difference, standard error and z-test p-value equal
  svycontrast on the two files stacked as one design with separate strata, to 1e-12;
- the issue's question "did the share of believers change between S01 and S09, by region, and
  is it significant?" answered by one SELECT on the demo.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.r import marts as build_marts
from tests.r import oracle

TOLERANCE = 1e-12  # differences and standard errors: sums of the same doubles as R's
RELATIVE = 1e-9  # t statistics, p-values, intervals: through R's svyglm and t quantiles
# data set -> (design, rules, questions whose domain differences R computes)
R_STUDIES = {
    "api_clus1": ("clustered", ("adjust",), "q_sch_wide,q_acs_k3"),
    "nhanes_lonely": ("stratified-clustered", ("remove", "adjust", "average"), ""),
    "small_edge": ("stratified-clustered", ("remove", "certainty", "adjust", "average"), ""),
}
MARTS = ["study_estimates", "study_differences"]


@pytest.fixture(scope="module")
def r_differences(request, tmp_path_factory):
    """The mart built from the R study files (a registry row per data set and rule; api_strat
    as the earlier study of a comparable question group with api_clus1), and R's results."""
    oracle.skip_without_r()
    cache = oracle.cache_dir(request)
    folder = oracle.make_studies(cache)
    jobs = [{"job": name, "input": str(folder / f"{name}.csv"), "lonely": ",".join(rules),
             "vars": questions} for name, (_, rules, questions) in R_STUDIES.items()]
    jobs[0]["versus"] = str(folder / "api_strat.csv")
    results = oracle.compare_r(cache, jobs)
    loads = [(row, build_marts.parse(folder / f"{name}.csv", row))
             for name, (design, rules, _) in R_STUDIES.items() for rule in rules
             for row in [build_marts.study_row(f"{name}:{rule}", design, rule)]]
    earlier = build_marts.study_row("api_strat:adjust", "stratified", "adjust",
                                    fieldwork_end="2007-06-01")
    loads.append((earlier, build_marts.parse(folder / "api_strat.csv", earlier)))
    work = tmp_path_factory.mktemp("differences")
    groups = build_marts.write_csv(
        work / "comparable.csv", ["question_group", "study_id", "variable"],
        [[q, s, q] for q in ("q_sch_wide", "q_acs_k3", "q_ell")
         for s in ("api_strat:adjust", "api_clus1:adjust")])
    built = build_marts.build(work, loads, MARTS, {"studies_comparable_questions": groups})
    return built["study_differences"], built["study_estimates"], results


def _close(ours, theirs, tolerance, relative=False) -> np.ndarray:
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    scale = np.maximum(np.abs(theirs), 1.0) if relative else 1.0
    return (np.abs(ours - theirs) <= tolerance * scale) | (np.isnan(ours) & np.isnan(theirs))


@pytest.mark.parametrize("name", list(R_STUDIES))
def test_domain_differences_equal_svycontrast_and_svyttest(r_differences, name):
    mart, _, results = r_differences
    theirs_all = oracle.compare_result(results, name, "differences")
    assert len(theirs_all), f"R computed no differences for {name}"
    compared = tested = 0
    for rule in R_STUDIES[name][1]:
        theirs = theirs_all[(theirs_all["lonely"] == rule) & (theirs_all["error"] == "")]
        ours = mart[(mart["comparison"] == "domains") & (mart["study_id"] == f"{name}:{rule}")]
        if R_STUDIES[name][2]:
            ours = ours[ours["variable"].isin(R_STUDIES[name][2].split(","))]
        ours = ours.assign(category_code=ours["category_code"].astype(str))
        key = ["variable", "category_code", "domain", "base_domain"]
        both = theirs.merge(ours, on=key, how="outer", suffixes=("_r", ""), indicator=True)
        assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", key]
        for column in ("difference", "std_error"):
            ok = _close(both[column], both[f"{column}_r"], TOLERANCE)
            assert ok.all(), both.loc[~ok, key + [column, f"{column}_r"]]
        compared += len(both)
        # svyttest, on the first category of each pair (a standard error R gets from svyglm)
        t = both[both["t_df"].notna()]
        assert (t["df"] == t["t_df"]).all(), t.loc[t["df"] != t["t_df"], key + ["df", "t_df"]]
        assert _close(t["difference"], t["t_estimate"], TOLERANCE).all()
        usable = t[t["std_error"] > 1e-9]  # R's t of a zero variance is rounding noise
        for ours_c, theirs_c in (("statistic", "t_statistic"), ("p_value", "t_p"),
                                 ("ci_low", "t_low"), ("ci_high", "t_high")):
            ok = _close(usable[ours_c], usable[theirs_c], RELATIVE, relative=True)
            assert ok.all(), usable.loc[~ok, key + [ours_c, theirs_c]]
        tested += len(usable)
    assert compared > 100 and tested > 10
    assert set(mart.loc[mart["comparison"] == "domains", "test"]) == {
        "t, same design (svyttest)"}


def test_the_covariance_counts_within_one_design(r_differences):
    """Two age groups of one clustered design share PSUs (school districts): the difference's
    variance is not the sum of the two variances, what independent samples would claim."""
    mart, estimates, _ = r_differences
    ours = mart[(mart["comparison"] == "domains") & (mart["study_id"] == "api_clus1:adjust")
                & (mart["domain_kind"] == "age_group")]
    se = estimates.set_index(["study_id", "variable", "category_code", "domain"])["std_error"]
    naive = np.sqrt(np.array([se[(s, v, c, d)] ** 2 + se[(s, v, c, b)] ** 2 for s, v, c, d, b in
                              ours[["study_id", "variable", "category_code", "domain",
                                    "base_domain"]].itertuples(index=False)]))
    assert (np.abs(ours["std_error"].to_numpy() - naive) > 1e-6).mean() > 0.5


def test_differences_between_studies_equal_svycontrast_on_the_stacked_design(r_differences):
    mart, estimates, results = r_differences
    theirs = oracle.compare_result(results, "api_clus1", "versus")
    ours = mart[mart["comparison"] == "studies"]
    assert set(ours["study_id"]) == {"api_clus1:adjust"}  # the later study, minus the earlier
    assert set(ours["base_study_id"]) == {"api_strat:adjust"}
    assert (ours["domain"] == ours["base_domain"]).all()
    assert set(ours["domain_kind"]) == {"national", "region", "sex", "age_group"}
    # R stacks the questions it computed domain differences for, nationally and by region
    ours = ours[ours["domain_kind"].isin(["national", "region"])
                & ours["variable"].isin(R_STUDIES["api_clus1"][2].split(","))]
    ours = ours.assign(category_code=ours["category_code"].astype(str))
    key = ["variable", "category_code", "domain"]
    both = theirs.merge(ours, on=key, how="outer", suffixes=("_r", ""), indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", key]
    assert len(both) > 40
    for ours_c, theirs_c, tolerance, relative in (
            ("difference", "difference_r", TOLERANCE, False),
            ("std_error", "std_error_r", TOLERANCE, False),
            ("p_value", "p_value_r", RELATIVE, True)):
        # a standard error of 0 (both sides without variance): R's z is infinite and its p 0;
        # the mart claims no test there (null statistic and p-value)
        tested = both["std_error_r"] > 0 if ours_c == "p_value" else both["std_error_r"] >= 0
        ok = _close(both[ours_c], both[theirs_c], tolerance, relative) | ~tested
        assert ok.all(), both.loc[~ok, key + [ours_c, theirs_c]]
    assert both.loc[both["std_error"] == 0, ["statistic", "p_value"]].isna().all().all()
    assert set(both["test"]) == {"z, independent samples"} and both["df"].isna().all()
    z = both["difference"] / both["std_error"]
    assert np.allclose(both["ci_high"] - both["difference"], 1.959963984540054
                       * both["std_error"], rtol=1e-12)
    assert np.allclose(both["statistic"], z.where(both["std_error"] > 0), rtol=1e-12,
                       equal_nan=True)


def test_the_demo_answers_did_believers_change_between_s01_and_s09_by_region(demo_con):
    """The issue's question, one SELECT; checked against the two studies' own estimates."""
    answer = demo_con.execute("""
        SELECT domain, base_estimate, estimate, difference, std_error, ci_low, ci_high,
               p_value, test, p_value < 0.05 AS significant
        FROM marts.study_differences
        WHERE comparison = 'studies' AND study_id = 'S09' AND base_study_id = 'S01'
          AND variable = 'q_believer' AND category_code = 1 AND domain_kind = 'region'
          AND NOT suppressed
        ORDER BY domain""").df()
    estimates = demo_con.execute("""
        SELECT study_id, domain, estimate, std_error FROM marts.study_estimates
        WHERE study_id IN ('S01', 'S09') AND variable = 'q_believer' AND category_code = 1
          AND domain_kind = 'region' AND NOT suppressed""").df()
    wide = estimates.pivot(index="domain", columns="study_id")
    wide = wide.loc[answer["domain"]]
    assert len(answer) >= 10
    assert np.allclose(answer["difference"], wide[("estimate", "S09")] - wide[("estimate",
                                                                                "S01")],
                       rtol=0, atol=1e-15)
    se = np.sqrt(wide[("std_error", "S09")] ** 2 + wide[("std_error", "S01")] ** 2)
    assert np.allclose(answer["std_error"], se, rtol=1e-15, atol=0)
    assert set(answer["test"]) == {"z, independent samples"}
    assert answer["p_value"].between(0, 1).all()
    assert (((answer["ci_low"] > 0) | (answer["ci_high"] < 0)) == answer["significant"]).all()


def test_the_demo_compares_only_what_the_registry_declares_comparable(demo_con):
    groups = pd.read_csv(build_marts.resources.reference() / "studies"
                         / "comparable_questions.csv")
    pairs = demo_con.execute("""
        SELECT DISTINCT question_group, variable, base_variable FROM marts.study_differences
        WHERE comparison = 'studies'""").df()
    declared = set(groups["question_group"])
    assert set(pairs["question_group"]) == declared
    by_group = groups.groupby("question_group")["variable"].apply(set)
    for row in pairs.itertuples():
        assert {row.variable, row.base_variable} <= by_group[row.question_group]
    domains = demo_con.execute("""
        SELECT count(*) FILTER (WHERE study_id <> base_study_id OR domain = base_domain)
        FROM marts.study_differences WHERE comparison = 'domains'""").fetchall()[0][0]
    assert domains == 0


def test_the_new_marts_document_every_column_and_have_a_suite():
    from ahual.warehouse.marts import study_crosstab_tests, study_crosstabs, study_differences

    for module in (study_differences, study_crosstabs, study_crosstab_tests):
        build_marts.assert_documented_with_suite(module)
