"""Domains a study declares (datasets/reference/studies/study_domains.csv,
warehouse/survey_domains.py): the demo's S02 and S09 files, loaded as test studies D02 and D09
that declare q_confession (a question) a domain variable, and D02 also `settlement` (an extra
column added to its file, from its strata), built with and without the declarations.

- the standard domains' rows of every study mart are the same to the bit with and without it;
- a proportion in a declared domain (believers among Muslims, or in rural places) equals the
  column share of the cross-tabulation of the question by the domain variable (R-checked in
  test_study_crosstabs.py), estimate and standard error: R's svyby over that domain;
- the differences (domains of one study, and the same domain in two studies), the means and
  the quantiles have the declared domains, with the same suppression rule (n < 30).
The means and quantiles over a declared domain are compared with R in test_study_means.py.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from tests.r import marts as build_marts

MARTS = ["study_estimates", "study_differences", "study_crosstabs", "study_means",
         "study_quantiles"]
STUDIES = {"D02": ("S02", "stratified", "2008-03-15"),
           "D09": ("S09", "stratified-clustered", "2010-11-15")}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """{"declared": marts, "standard": marts}: the two test studies built with q_confession
    declared a domain variable of both, and with no declared domain."""
    demo = build_marts.resources.demo() / "survey"
    work = tmp_path_factory.mktemp("domains")
    with_settlement = pd.read_csv(demo / "S02" / "S02.csv")
    with_settlement["settlement"] = with_settlement["stratum"].str.split("-").str[1]
    with_settlement.to_csv(work / "S02.csv", index=False)
    shutil.copy(demo / "S02" / "S02.codebook.csv", work / "S02.codebook.csv")
    files = {"D02": work / "S02.csv", "D09": demo / "S09" / "S09.csv"}
    loads = []
    for study_id, (_, design, end) in STUDIES.items():
        row = build_marts.study_row(study_id, design, fieldwork_end=end)
        loads.append((row, build_marts.parse(files[study_id], row)))
    registry = {
        "studies_crosstabs": build_marts.write_csv(
            work / "crosstabs.csv", ["study_id", "row_variable", "column_variable"],
            [["", "q_believer", "q_confession"], ["D02", "q_believer", "settlement"]]),
        "studies_comparable_questions": build_marts.write_csv(
            work / "comparable.csv", ["question_group", "study_id", "variable"],
            [["believer", s, "q_believer"] for s in STUDIES]),
    }
    out = {}
    for name, rows in (("declared", [[s, "q_confession"] for s in STUDIES]
                        + [["D02", "settlement"]]), ("standard", [])):
        domains = build_marts.write_csv(work / f"{name}.csv", ["study_id", "variable"], rows)
        out[name] = build_marts.build(work / name, loads, MARTS, registry | {
            "studies_study_domains": domains})
    return out


STANDARD = ("national", "region", "sex", "age_group")


@pytest.mark.parametrize("mart", ["study_estimates", "study_differences", "study_means",
                                  "study_quantiles"])
def test_the_standard_domains_are_the_same_with_a_declared_domain(built, mart):
    declared, standard = built["declared"][mart], built["standard"][mart]
    kept = declared[declared["domain_kind"].isin(STANDARD)].reset_index(drop=True)
    assert set(declared["domain_kind"]) >= set(STANDARD) | {"q_confession"}
    assert set(standard["domain_kind"]) == set(STANDARD)
    pd.testing.assert_frame_equal(kept, standard.reset_index(drop=True), check_exact=True)


def test_a_share_in_a_declared_domain_equals_the_crosstab_column_share(built):
    estimates = built["declared"]["study_estimates"]
    ours = estimates[(estimates["variable"] == "q_believer")
                     & estimates["domain_kind"].isin(["q_confession", "settlement"])]
    tables = built["declared"]["study_crosstabs"]
    both = ours.assign(column_variable=ours["domain_kind"], column_code=ours["domain_value"],
                       row_code=ours["category_code"].astype(str)).merge(
        tables.astype({"row_code": str, "column_code": str}),
        on=["study_id", "column_variable", "row_code", "column_code"], how="outer",
        indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both"]
    assert len(both) >= 2 * 2 * 7 + 2 * 2
    assert set(both.loc[both["column_variable"] == "settlement", "column_code"]) == {
        "rural", "urban"}
    assert np.allclose(both["estimate_x"], both["column_share"], rtol=0, atol=1e-12)
    assert np.allclose(both["std_error_x"], both["column_share_se"], rtol=0, atol=1e-12)
    # no question is a domain of itself
    assert not ((estimates["variable"] == "q_confession")
                & (estimates["domain_kind"] == "q_confession")).any()


def test_declared_domains_in_differences_means_and_quantiles(built):
    marts = built["declared"]
    differences = marts["study_differences"]
    within = differences[(differences["comparison"] == "domains")
                         & (differences["domain_kind"] == "q_confession")]
    assert len(within) and (within["base_domain"].str.startswith("q_confession=")).all()
    between = differences[(differences["comparison"] == "studies")
                          & (differences["domain"] == "q_confession=1")]
    assert set(zip(between["study_id"], between["base_study_id"], strict=True)) == {("D09", "D02")}
    estimates = marts["study_estimates"].set_index(["study_id", "variable", "category_code",
                                                    "domain"])["estimate"]
    for row in between.itertuples():
        assert row.difference == pytest.approx(
            estimates[("D09", row.variable, row.category_code, row.domain)]
            - estimates[("D02", row.variable, row.category_code, row.domain)], abs=1e-15)
    for mart in ("study_estimates", "study_means", "study_quantiles"):
        frame = marts[mart][marts[mart]["domain_kind"] == "q_confession"]
        assert (frame["suppressed"] == (frame["n_unweighted"] < 30)).all()
        assert frame["suppressed"].any() and not frame["suppressed"].all()
    # the mean age of Muslims in D02, from the file itself
    raw = pd.read_csv(build_marts.resources.demo() / "survey" / "S02" / "S02.csv")
    muslims = raw[raw["q_confession"] == 1]
    means = marts["study_means"].set_index(["study_id", "variable", "domain"])
    assert means.loc[("D02", "age", "q_confession=1"), "mean"] == pytest.approx(
        np.average(muslims["age"], weights=muslims["weight"]), rel=1e-13)
