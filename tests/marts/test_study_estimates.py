"""marts.study_estimates (warehouse/marts/study_estimates.py) and weight raking
(flows/kinds/survey/raking.py), checked against independent implementations:

- R's survey package, the yardstick (tests/r/): every cell of the mart for study files built
  from R's own design data sets (data(api): apistrat, apiclus1; data(nhanes); a hand-made edge
  design) against svymean / degf / confint / svyciprop with the same design, for every
  lonely-PSU rule and interval method Ahual offers; skipped where R or its survey package is
  missing;
- a plain respondent-level implementation of the textbook Taylor formulas (below, loops over
  respondents and PSUs, no aggregate tricks) and samplics' TaylorEstimator, to 1e-9;
- a case small enough to compute by hand;
- reproducibility: the same bytes at DuckDB threads = 1 and 4, p = 1 exactly for a domain that
  chose one category, a standard error of exactly 0 for a domain inside one PSU.

No Prefect: every test builds its own DuckDB.
"""

from __future__ import annotations

import csv
import hashlib
import math
import warnings
from collections import defaultdict
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from ahual.flows import build as build_step
from ahual.flows import resources
from ahual.flows.kinds.survey import SurveyOptions, parse_study
from ahual.flows.kinds.survey.raking import rake
from ahual.flows.kinds.survey.registry import with_defaults
from ahual.flows.problems import InputRejected
from ahual.warehouse import runner, store
from ahual.warehouse.marts import study_estimates
from tests.r import oracle

Z95 = 1.959963984540054
TOL = 1e-9
KEY = ["study_id", "variable", "domain", "category_code"]
DOMAIN_COLUMNS = {"region": "region_code", "sex": "sex", "age_group": "age_group"}


@pytest.fixture(scope="session")
def prefect_harness():
    """Overrides the suite's autouse Prefect harness: these tests never touch Prefect."""
    yield


# ---------------------------------------------------------------------------------------------
# Running the model on tables as the build has them


def connect(respondents: pd.DataFrame, answers: pd.DataFrame, categories: pd.DataFrame,
            lonely: str = "remove", interval: str = "normal") -> duckdb.DuckDBPyConnection:
    """The tables the model reads: core respondents keyed by (batch_id, source_row), one
    current batch per study, the answers carrying their respondent's key (the frames here use
    ids) and a registry row per study with `lonely` and `interval`."""
    respondents = respondents.assign(
        batch_id=respondents["study_id"].rank(method="dense").astype(int),
        source_row=respondents.groupby("study_id").cumcount() + 2)
    keys = respondents[["study_id", "respondent_id", "batch_id", "source_row"]]
    answers = (answers.merge(keys, on=["study_id", "respondent_id"], validate="many_to_one")
               .drop(columns=["study_id", "respondent_id"]))
    batches = respondents[["batch_id", "study_id"]].drop_duplicates().assign(is_current=True)
    studies = batches[["study_id"]].assign(lonely_psu=lonely, interval=interval,
                                           title_en="a study", fieldwork_end=pd.Timestamp(
                                               "2008-03-15"))
    con = duckdb.connect()
    con.execute("create schema core; create schema staging")
    con.execute("""create table core.survey_respondents(batch_id integer, source_row bigint,
        study_id varchar, respondent_id varchar, region_code varchar, sex varchar,
        age_group varchar, weight double, weights_used varchar, stratum varchar, psu varchar)""")
    con.execute("""create table staging.stg_survey_answers(batch_id integer, source_row integer,
        variable varchar, code integer)""")
    con.execute("""create table core.survey_categories(study_id varchar, variable varchar,
        code integer, label_kk varchar, label_ru varchar, label_en varchar)""")
    con.execute("create table core.survey_batches(batch_id integer, study_id varchar, "
                "is_current boolean)")
    con.execute("create table staging.stg_studies(study_id varchar, lonely_psu varchar, "
                "interval varchar, title_en varchar, fieldwork_end date)")
    for table, frame in (("core.survey_respondents", respondents),
                         ("staging.stg_survey_answers", answers),
                         ("core.survey_categories", categories), ("core.survey_batches", batches),
                         ("staging.stg_studies", studies)):
        con.register("incoming", frame)
        con.execute(f"insert into {table} by name select * from incoming")
        con.unregister("incoming")
    return con


def estimate(respondents, answers, categories, **registry) -> pd.DataFrame:
    with connect(respondents, answers, categories, **registry) as con:
        return study_estimates.build(con).to_pandas()
def respondents_frame(rows: list[tuple]) -> pd.DataFrame:
    columns = ["study_id", "respondent_id", "region_code", "sex", "age_group", "weight",
               "weights_used", "stratum", "psu"]
    return pd.DataFrame(rows, columns=columns).astype(object).astype({"weight": float})


def categories_frame(study_id: str, variable: str, codes: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"study_id": study_id, "variable": variable, "code": codes,
                         "label_kk": [f"kk {c}" for c in codes],
                         "label_ru": [f"ru {c}" for c in codes],
                         "label_en": [f"en {c}" for c in codes]})


# ---------------------------------------------------------------------------------------------
# Independent implementation: the textbook formulas, respondent by respondent


def taylor_variance(z: np.ndarray, psu: list, psus_of: dict[tuple, set]) -> float:
    """z summed per PSU, then centred within each stratum on the mean over all its PSUs."""
    totals = defaultdict(float)
    for zi, j in zip(z, psu, strict=True):
        totals[j] += zi
    v = 0.0
    for members in psus_of.values():
        n_h = len(members)
        if n_h < 2:
            continue  # lonely PSU: removed
        z_h = np.array([totals[j] for j in members])
        v += n_h / (n_h - 1) * ((z_h - z_h.mean()) ** 2).sum()
    return v


def reference(respondents: pd.DataFrame, answers: pd.DataFrame,
              categories: pd.DataFrame) -> pd.DataFrame:
    """p = sum(w d y) / sum(w d); z_i = w_i d_i (y_i - p) / W_d for every respondent of the
    study (0 outside the domain); z summed per PSU; V = sum_h n_h/(n_h-1) sum_j (z_hj - mean_h)^2
    over strata with n_h >= 2, n_h = PSUs of the stratum in the whole study;
    deff = V / (p(1-p)/(n-1)) (R survey's deff = "replace")."""
    rows = []
    for study, r in respondents.groupby("study_id", sort=True):
        r = r.reset_index(drop=True)
        n = len(r)
        w = r["weight"].to_numpy(float)
        stratum = [("stratum", s) if pd.notna(s) else ("the one stratum",) for s in r["stratum"]]
        psu = [(h, "psu", p) if pd.notna(p) else (h, "respondent", rid)
               for h, p, rid in zip(stratum, r["psu"], r["respondent_id"], strict=True)]
        psus_of = defaultdict(set)
        for h, j in zip(stratum, psu, strict=True):
            psus_of[h].add(j)

        cats = categories[categories["study_id"] == study]
        for variable in sorted(cats["variable"].unique()):
            a = answers[(answers["study_id"] == study) & (answers["variable"] == variable)]
            given = dict(zip(a["respondent_id"], a["code"], strict=True))
            code = np.array([given.get(rid) for rid in r["respondent_id"]], dtype=object)
            answered = np.array([c is not None for c in code])
            listed = set(cats.loc[cats["variable"] == variable, "code"])
            codes = sorted(listed | set(given.values()))
            domains = [("national", "national", None, np.ones(n, dtype=bool))]
            for kind, column in DOMAIN_COLUMNS.items():
                for value in sorted(r[column].dropna().unique()):
                    domains.append((f"{kind}={value}", kind, value,
                                    (r[column] == value).to_numpy(dtype=bool)))
            for domain, kind, value, member in domains:
                d = (member & answered).astype(float)
                n_d = int(d.sum())
                if n_d == 0:
                    continue
                w_d = (w * d).sum()
                for c in codes:
                    y = np.array([x == c for x in code], dtype=float)
                    p = (w * d * y).sum() / w_d
                    z = w * d * (y - p) / w_d
                    v = taylor_variance(z, psu, psus_of)
                    se = math.sqrt(max(v, 0.0))
                    rows.append({
                        "study_id": study, "variable": variable, "domain": domain,
                        "domain_kind": kind, "domain_value": value, "category_code": c,
                        "estimate": p, "std_error": se,
                        "ci_low": max(0.0, p - Z95 * se), "ci_high": min(1.0, p + Z95 * se),
                        "n_unweighted": n_d, "n_category_unweighted": int((d * y).sum()),
                        "weighted_base": w_d,
                        "deff": v / (p * (1 - p) / (n_d - 1)) if 0 < p < 1 else None,
                    })
    return pd.DataFrame(rows)


NUMERIC = ["estimate", "std_error", "ci_low", "ci_high", "weighted_base", "deff"]
COUNTS = ["n_unweighted", "n_category_unweighted"]


def assert_matches_reference(got: pd.DataFrame, respondents, answers, categories):
    want = reference(respondents, answers, categories)
    merged = want.merge(got, on=KEY, how="outer", suffixes=("_want", ""), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", KEY]
    inner = merged["estimate_want"].between(0, 1, inclusive="neither").to_numpy()
    for column in NUMERIC:
        a = merged[f"{column}_want"].astype(float).to_numpy()
        b = merged[column].astype(float).to_numpy()
        if column in ("ci_low", "ci_high"):  # p = 0 or 1: Korn-Graubard, not [p, p]
            a, b = a[inner], b[inner]
        assert (np.isnan(a) == np.isnan(b)).all(), column
        ok = np.isnan(a) | (np.abs(a - b) <= TOL * np.maximum(1.0, np.abs(a)))
        assert ok.all(), merged.loc[~ok, KEY + [f"{column}_want", column]]
    for column in COUNTS:
        assert (merged[f"{column}_want"] == merged[column]).all(), column
    for column in ("domain_kind", "domain_value"):
        assert merged[f"{column}_want"].fillna("-").equals(merged[column].fillna("-")), column
    return merged


# ---------------------------------------------------------------------------------------------
# Test data


def designed_survey():
    """Four studies in the same tables, one per variance method, with overlapping respondent
    ids. S1: 3 strata (A: 3 PSUs, B: 4 PSUs, C: a single PSU), psu labels reused across strata,
    region 13 only in two PSUs of stratum A (so its domain has empty PSUs in strata that count),
    unequal weights, unknown sex/age for some, missing answers to q2, a category of q1 nobody
    chose, and q3 with no codebook (not categorical: not estimated)."""
    rng = np.random.default_rng(20240601)
    rows, answers = [], []
    psus = [("A", "1"), ("A", "2"), ("A", "3"), ("B", "1"), ("B", "2"), ("B", "3"), ("B", "4"),
            ("C", "1")]
    k = 0
    for stratum, psu in psus:
        for _ in range(int(rng.integers(8, 16))):
            k += 1
            region = "13" if (stratum, psu) in {("A", "1"), ("A", "2")} and k % 3 == 0 else \
                ("11" if stratum == "A" else "12")
            sex = None if k % 9 == 0 else ["female", "male"][k % 2]
            age = None if k % 11 == 0 else ["18-29", "30-49", "50+"][int(rng.integers(0, 3))]
            rows.append(("S1", f"r{k}", region, sex, age, float(rng.uniform(0.3, 3.0)), "design",
                         stratum, psu))
            answers.append(("S1", f"r{k}", "q1", int(rng.choice([1, 2, 3], p=[0.5, 0.3, 0.2]))))
            if rng.uniform() > 0.15:
                answers.append(("S1", f"r{k}", "q2", int(rng.choice([1, 2]))))
            answers.append(("S1", f"r{k}", "q3", int(rng.integers(18, 90))))
    # S2: weights only, equal weights
    for k in range(1, 41):
        rows.append(("S2", f"r{k}", ["11", "12"][k % 2], ["female", "male"][k % 3 % 2],
                     ["18-29", "30-49"][k % 5 % 2], 1.0, "none (equal weights)", None, None))
        answers.append(("S2", f"r{k}", "q1", int(rng.choice([1, 2, 3]))))
    # S3: PSUs without strata, some respondents without a PSU (each its own); region 19 has a
    # single respondent, so its estimates are 0 or 1
    for k in range(1, 47):
        psu = None if k > 40 else f"p{k % 5}"
        region = "19" if k == 46 else ["11", "12"][k % 2]
        rows.append(("S3", f"r{k}", region, ["female", "male"][k % 2], "18-29",
                     float(rng.uniform(0.5, 2.0)), "raked", None, psu))
        answers.append(("S3", f"r{k}", "q1", int(rng.choice([1, 2]))))
    # S4: strata without PSUs; stratum Z has one respondent, a single-PSU stratum
    for k in range(1, 32):
        stratum = "Z" if k == 31 else ["X", "Y"][k % 2]
        rows.append(("S4", f"r{k}", "11", ["female", "male"][k % 2], "50+",
                     float(rng.uniform(0.5, 2.0)), "design", stratum, None))
        answers.append(("S4", f"r{k}", "q1", int(rng.choice([1, 2, 3]))))
    categories = pd.concat([categories_frame("S1", "q1", [1, 2, 3, 4]),
                            categories_frame("S1", "q2", [1, 2]),
                            categories_frame("S2", "q1", [1, 2, 3]),
                            categories_frame("S3", "q1", [1, 2]),
                            categories_frame("S4", "q1", [1, 2, 3])], ignore_index=True)
    answers = pd.DataFrame(answers, columns=["study_id", "respondent_id", "variable", "code"])
    return respondents_frame(rows), answers, categories


def random_survey(seed: int, n: int = 150):
    """A random design: strata (some with one PSU), PSUs (some respondents without), unknown
    domain values, skewed weights, missing answers, rare categories."""
    rng = np.random.default_rng(seed)
    n_strata = int(rng.integers(1, 6))
    use_strata, use_psu = bool(rng.integers(0, 2)), bool(rng.integers(0, 2))
    rows, answers = [], []
    for k in range(n):
        h = int(rng.integers(0, n_strata))
        stratum = f"h{h}" if use_strata else None
        # stratum h has h + 1 PSUs: h0 is a lonely-PSU stratum
        psu = str(int(rng.integers(0, h + 1))) if use_psu and rng.uniform() > 0.1 else None
        region = None if rng.uniform() < 0.05 else str(10 + int(rng.integers(0, 4)))
        sex = None if rng.uniform() < 0.05 else ["female", "male"][int(rng.integers(0, 2))]
        age = None if rng.uniform() < 0.1 else ["18-29", "30-49", "50+"][int(rng.integers(0, 3))]
        weight = float(np.exp(rng.normal(0, 0.7)))
        rows.append(("R", f"id{k}", region, sex, age, weight, "design", stratum, psu))
        for variable, probs in (("v1", [0.6, 0.3, 0.1]), ("v2", [0.9, 0.07, 0.03])):
            if rng.uniform() > 0.1:
                answers.append(("R", f"id{k}", variable, int(rng.choice([1, 2, 3], p=probs))))
    categories = pd.concat([categories_frame("R", "v1", [1, 2, 3]),
                            categories_frame("R", "v2", [1, 2, 3, 9])], ignore_index=True)
    answers = pd.DataFrame(answers, columns=["study_id", "respondent_id", "variable", "code"])
    return respondents_frame(rows), answers, categories


def hand_survey():
    """Six respondents, no strata, three PSUs of two:

        id psu w  answer sex       national (code 1): W = 8, sum(w y) = 4, p = 1/2
        r1 a   1  1      female    PSU a: A = 1, B = 3 -> z = (1 - 1.5)/8 = -0.0625
        r2 a   2  2      female    PSU b: A = 2, B = 2 -> z = (2 - 1.0)/8 =  0.125
        r3 b   1  1      female    PSU c: A = 1, B = 3 -> z = -0.0625     (sum z = 0)
        r4 b   1  1      male      V = 3/2 * (0.0625^2 + 0.125^2 + 0.0625^2) = 0.03515625
        r5 c   2  2      male      se = 0.1875; deff = V / (0.25/5) = 0.703125
        r6 c   1  1      male

    sex=female (r1-r3): W = 4, p = 2/4; z_a = (1 - 0.5*3)/4 = -0.125, z_b = (1 - 0.5*1)/4
    = 0.125, z_c = 0 (PSU c has nobody in the domain but still counts: n = 3, mean 0);
    V = 3/2 * (0.125^2 + 0.125^2) = 0.046875, se = 0.21650635..., deff = V / (0.25/2) = 0.375.
    Code 3 ("never") nobody chose: estimate 0, se 0, deff null; its interval is not [0, 0] but
    Korn-Graubard's [0, u] (ci_method beta)."""
    layout = [("r1", "a", 1.0, 1, "female"), ("r2", "a", 2.0, 2, "female"),
              ("r3", "b", 1.0, 1, "female"), ("r4", "b", 1.0, 1, "male"),
              ("r5", "c", 2.0, 2, "male"), ("r6", "c", 1.0, 1, "male")]
    respondents = respondents_frame([("H", rid, "11", sex, "18-29", w, "design", None, psu)
                                     for rid, psu, w, _, sex in layout])
    answers = pd.DataFrame([("H", rid, "q", code) for rid, _, _, code, _ in layout],
                           columns=["study_id", "respondent_id", "variable", "code"])
    return respondents, answers, categories_frame("H", "q", [1, 2, 3])


# ---------------------------------------------------------------------------------------------
# Estimation tests


def test_hand_computed_case():
    got = estimate(*hand_survey()).set_index(["domain", "category_code"])
    national = got.loc[("national", 1)]
    assert national["estimate"] == pytest.approx(0.5, abs=TOL)
    assert national["std_error"] == pytest.approx(0.1875, abs=TOL)
    assert national["deff"] == pytest.approx(0.703125, abs=TOL)
    assert national["ci_low"] == pytest.approx(0.5 - Z95 * 0.1875, abs=TOL)
    assert national["ci_high"] == pytest.approx(0.5 + Z95 * 0.1875, abs=TOL)
    assert (national["n_unweighted"], national["n_category_unweighted"]) == (6, 4)
    assert national["weighted_base"] == pytest.approx(8.0, abs=TOL)
    assert got.loc[("national", 2), "std_error"] == pytest.approx(0.1875, abs=TOL)

    female = got.loc[("sex=female", 1)]
    assert female["estimate"] == pytest.approx(0.5, abs=TOL)
    assert female["std_error"] == pytest.approx(math.sqrt(0.046875), abs=TOL)
    assert female["deff"] == pytest.approx(0.375, abs=TOL)
    assert (female["domain_kind"], female["domain_value"]) == ("sex", "female")

    never = got.loc[("national", 3)]
    assert (never[["estimate", "std_error", "ci_low"]] == 0).all()
    assert 0 < never["ci_high"] < 1 and never["ci_method"] == "beta"
    assert pd.isna(never["deff"]) and never["n_category_unweighted"] == 0
    assert never["category"] == never["label_en"] == "en 3" and never["label_ru"] == "ru 3"
    assert got["suppressed"].all()  # 6 < 30
    assert set(got["variance_method"]) == {"taylor: psu"}
    assert set(got["weights_used"]) == {"design"}


def test_designed_survey_matches_the_textbook_implementation():
    data = designed_survey()
    got = estimate(*data)
    assert_matches_reference(got, *data)

    # what the design exercises is really there
    s1 = got[got["study_id"] == "S1"]
    assert "q3" not in set(got["variable"])
    never = s1[(s1["variable"] == "q1") & (s1["category_code"] == 4)]
    assert len(never) == s1[s1["variable"] == "q1"]["domain"].nunique()
    assert (never["estimate"] == 0).all() and (never["std_error"] == 0).all()
    assert set(s1["domain"]) >= {"national", "region=11", "region=12", "region=13",
                                 "sex=female", "sex=male", "age_group=18-29"}
    assert not s1["domain"].str.contains("None|nan").any()
    methods = got.groupby("study_id")["variance_method"].unique().map(list).to_dict()
    assert methods == {"S1": ["taylor: strata+psu"], "S2": ["taylor: weights only"],
                       "S3": ["taylor: psu"], "S4": ["taylor: strata"]}
    assert set(got.loc[got["study_id"] == "S2", "weights_used"]) == {"none (equal weights)"}
    lonely = got[(got["study_id"] == "S3") & (got["domain"] == "region=19")]
    assert set(lonely["estimate"]) == {0.0, 1.0} and (lonely["std_error"] == 0).all()
    assert lonely["deff"].isna().all()
    # proportions of a variable add up to 1 in every domain; suppression follows n < 30
    sums = got.groupby(["study_id", "variable", "domain"])["estimate"].sum()
    assert np.allclose(sums, 1.0, atol=1e-12)
    assert (got["suppressed"] == (got["n_unweighted"] < 30)).all()
    bounds = got[["ci_low", "ci_high"]].dropna()
    assert ((bounds["ci_low"] >= 0) & (bounds["ci_high"] <= 1)).all()


def test_clipped_interval():
    data = designed_survey()
    got = estimate(*data)
    rare = got[(got["estimate"] > 0) & (got["estimate"] - Z95 * got["std_error"] < 0)]
    assert len(rare) > 0 and (rare["ci_low"] == 0).all()


@pytest.mark.parametrize("seed", range(8))
def test_random_designs_match_the_textbook_implementation(seed):
    data = random_survey(seed)
    assert_matches_reference(estimate(*data), *data)


def samplics_estimates(respondents, answers, categories):
    """estimate and std_error per cell from samplics' TaylorEstimator (domain estimation with the
    whole design kept; lonely PSUs skipped)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # samplics warns that it is archived
        samplics = pytest.importorskip("samplics")
        from samplics.utils.types import PopParam, SinglePSUEst
    rows = []
    for study, r in respondents.groupby("study_id"):
        r = r.reset_index(drop=True)
        stratum = np.array([s if pd.notna(s) else "<one>" for s in r["stratum"]], dtype=object)
        psu = np.array([f"psu {p}" if pd.notna(p) else f"respondent {rid}"
                        for p, rid in zip(r["psu"], r["respondent_id"], strict=True)], dtype=object)
        for variable in categories.loc[categories["study_id"] == study, "variable"].unique():
            a = answers[(answers["study_id"] == study) & (answers["variable"] == variable)]
            given = dict(zip(a["respondent_id"], a["code"], strict=True))
            answered = r["respondent_id"].isin(given).to_numpy()
            filler = min(given.values())  # any code; out-of-domain rows get zero weight anyway
            y = np.array([given.get(rid, filler) for rid in r["respondent_id"]])
            kinds = {"national": pd.Series("national", index=r.index)}
            kinds |= {kind: kind + "=" + r[column].astype(object).where(r[column].notna(), "")
                      for kind, column in DOMAIN_COLUMNS.items()}
            for label in kinds.values():
                member = answered & ~label.str.endswith("=").to_numpy()
                domain = np.where(member, label.to_numpy(dtype=object), "<outside>")
                est = samplics.TaylorEstimator(PopParam.prop)
                est.estimate(y=y, samp_weight=r["weight"].to_numpy(float), stratum=stratum,
                             psu=psu, domain=domain, single_psu=SinglePSUEst.skip)
                for d in est.point_est:
                    if d == "<outside>":
                        continue
                    for code, p in est.point_est[d].items():
                        rows.append({"study_id": study, "variable": variable, "domain": d,
                                     "category_code": int(code), "estimate": float(p),
                                     "std_error": float(est.stderror[d][code])})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("make", [designed_survey, hand_survey, lambda: random_survey(3),
                                  lambda: random_survey(5)],
                         ids=["designed", "hand", "random3", "random5"])
def test_matches_samplics(make):
    data = make()
    want = samplics_estimates(*data)
    got = estimate(*data)
    merged = want.merge(got, on=KEY, how="left", suffixes=("_samplics", ""))
    assert len(merged) == len(want) and merged["estimate"].notna().all()
    for column in ("estimate", "std_error"):
        diff = (merged[f"{column}_samplics"] - merged[column]).abs()
        assert (diff <= TOL).all(), merged.loc[diff > TOL, KEY + [f"{column}_samplics", column]]
    # samplics only lists codes someone in the study chose; ours add the codebook's others at 0
    extra = got.merge(want[KEY], on=KEY, how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    assert (extra["estimate"] == 0).all() and (extra["std_error"] == 0).all()


def test_only_codebook_categories_are_answers_so_proportions_add_up():
    respondents, answers, categories = hand_survey()
    answers.loc[answers["respondent_id"] == "r6", "code"] = 7  # not in the codebook
    got = estimate(respondents, answers, categories)
    national = got[got["domain"] == "national"].set_index("category_code")
    assert 7 not in national.index
    assert (national["n_unweighted"] == 5).all()  # r6 gave no valid answer
    assert national["estimate"].sum() == pytest.approx(1.0)



def test_the_model_gives_the_marts_columns_and_documents_them():
    got = estimate(*hand_survey())
    columns = [f.name for f in study_estimates.SCHEMA]
    assert list(got.columns) == columns
    assert columns[:10] == ["study_id", "variable", "category_code", "category", "label_kk",
                            "label_ru", "label_en", "domain", "domain_kind", "domain_value"]
    import yaml

    described = yaml.safe_load((resources.warehouse() / "marts" / "study_estimates.yml")
                               .read_text(encoding="utf-8"))["columns"]
    assert set(described) == set(columns), set(columns) ^ set(described)


def test_performance_smoke_5000_respondents_10_variables():
    rng = np.random.default_rng(7)
    n, n_var = 5000, 10
    respondents = pd.DataFrame({
        "study_id": "P", "respondent_id": [f"r{i}" for i in range(n)],
        "region_code": rng.choice([str(c) for c in range(11, 27)], n),
        "sex": rng.choice(["female", "male"], n),
        "age_group": rng.choice(["18-29", "30-39", "40-49", "50-59", "60+"], n),
        "weight": rng.uniform(0.5, 2.5, n), "weights_used": "design",
        "stratum": [f"s{i % 50}" for i in range(n)],
        "psu": [f"p{(i // 50) % 10}" for i in range(n)]})
    answers = pd.DataFrame({
        "study_id": "P", "respondent_id": np.repeat(respondents["respondent_id"], n_var),
        "variable": np.tile([f"q{v}" for v in range(n_var)], n),
        "code": rng.integers(1, 6, n * n_var).astype("int32")})
    answers = answers[rng.uniform(size=len(answers)) > 0.05]
    categories = pd.concat([categories_frame("P", f"q{v}", [1, 2, 3, 4, 5])
                            for v in range(n_var)], ignore_index=True)
    got = estimate(respondents, answers, categories)
    assert len(got) == n_var * (1 + 16 + 2 + 5) * 5
    sums = got.groupby(["variable", "domain"])["estimate"].sum()
    assert np.allclose(sums, 1.0, atol=1e-12)
    assert got["std_error"].gt(0).all() and got["deff"].between(0.2, 5).all()


# ---------------------------------------------------------------------------------------------
# Raking


def raking_frame():
    rng = np.random.default_rng(11)
    n = 400
    frame = pd.DataFrame({
        "region_sex": rng.choice(["11:f", "11:m", "12:f", "12:m", "13:f", "13:m"], n,
                                 p=[0.25, 0.15, 0.2, 0.2, 0.1, 0.1]),
        "age_group": rng.choice(["18-29", "30-49", "50+"], n, p=[0.2, 0.4, 0.4]),
        "weight": rng.uniform(0.5, 3.0, n)})
    margins = {
        "region_sex": pd.Series({"11:f": 300_000.0, "11:m": 280_000.0, "12:f": 410_000.0,
                                 "12:m": 390_000.0, "13:f": 120_000.0, "13:m": 100_000.0}),
        "age_group": pd.Series({"18-29": 500_000.0, "30-49": 650_000.0, "50+": 450_000.0})}
    return frame, margins


def assert_margins_met(frame, weights, margins, population):
    for variable, margin in margins.items():
        reached = weights.groupby(frame[variable]).sum().reindex(margin.index)
        target = margin * (population if abs(margin.sum() - 1) < 1e-6 else 1)
        assert np.allclose(reached, target, rtol=TOL, atol=0), variable


def test_raking_meets_population_totals():
    frame, margins = raking_frame()
    weights = rake(frame, "weight", margins)
    assert weights.index.equals(frame.index) and weights.name == "weight"
    assert (weights > 0).all() and np.isfinite(weights).all()
    assert weights.sum() == pytest.approx(1_600_000, rel=TOL)
    assert_margins_met(frame, weights, margins, 1_600_000)
    assert frame["weight"].sum() < 2000  # the input is not modified


def test_raking_to_shares_scales_to_the_sample_size():
    frame, margins = raking_frame()
    shares = {variable: margin / margin.sum() for variable, margin in margins.items()}
    weights = rake(frame, "weight", shares)
    assert weights.sum() == pytest.approx(len(frame), rel=TOL)
    assert_margins_met(frame, weights, shares, len(frame))
    # same weights as raking to totals, up to the scale
    by_totals = rake(frame, "weight", margins)
    assert np.allclose(weights * 1_600_000 / len(frame), by_totals, rtol=1e-9)


def test_raking_one_margin_is_post_stratification():
    frame, margins = raking_frame()
    weights = rake(frame, "weight", {"age_group": margins["age_group"]})
    cell = frame.groupby("age_group")["weight"].transform("sum")
    expected = frame["weight"] * frame["age_group"].map(margins["age_group"]) / cell
    assert np.allclose(weights, expected, rtol=TOL, atol=0)


def test_raking_empty_margin_category_is_a_clear_error():
    frame, margins = raking_frame()
    margins["age_group"]["80+"] = 10_000.0
    margins["region_sex"]["11:f"] += 10_000.0  # keep the totals consistent
    with pytest.raises(ValueError, match=r"'age_group'.*'80\+'.*no respondents"):
        rake(frame, "weight", margins)


def test_raking_errors_name_what_is_wrong():
    frame, margins = raking_frame()
    with pytest.raises(ValueError, match=r"did not converge in 1 iterations: variable"):
        rake(frame, "weight", margins, max_iter=1)
    with pytest.raises(ValueError, match="disagree on the population total"):
        rake(frame, "weight", {**margins, "age_group": margins["age_group"] * 2})
    fewer = margins["region_sex"].drop("13:m")
    fewer["13:f"] += margins["region_sex"]["13:m"]
    with pytest.raises(ValueError, match=r"'region_sex'.*does not list.*'13:m'"):
        rake(frame, "weight", {**margins, "region_sex": fewer})
    with pytest.raises(ValueError, match="finite and > 0"):
        rake(frame.assign(weight=0.0), "weight", margins)


# ---------------------------------------------------------------------------------------------
# Study files through the parser and the build, with registry rows made for the test


def _models() -> dict[str, runner.Model]:
    """marts.study_estimates and every model it is made from."""
    models = runner.discover()
    needed, todo = set(), ["marts.study_estimates"]
    while todo:
        table = todo.pop()
        if table in needed or table not in models:
            continue
        needed.add(table)
        todo += list(models[table].reads)
    return {t: m for t, m in models.items() if t in needed}


def study_row(study_id: str, design: str, lonely: str = "adjust", interval: str = "logit",
              age_min: int = 0, age_max: int = 110) -> dict:
    return with_defaults({
        "study_id": study_id, "title_en": f"test study {study_id}", "fieldwork_start":
        "2008-01-01", "fieldwork_end": "2008-02-01", "population_en": "test", "design": design,
        "planned_n": "1", "weights": "given", "rake_to": "", "lonely_psu": lonely,
        "interval": interval, "age_min": str(age_min), "age_max": str(age_max),
        "missing_labels": "warn", "made_up": "yes"})


def _registry(folder: Path, rows: list[dict]) -> Path:
    """studies.csv with the test's studies after the programme's."""
    with open(resources.reference() / "studies" / "studies.csv", encoding="utf-8",
              newline="") as handle:
        reader = csv.DictReader(handle)
        fields, existing = reader.fieldnames, list(reader)
    path = folder / "studies.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in existing + rows:
            writer.writerow({k: row.get(k, "") for k in fields})
    return path


def build_mart(folder: Path, loads: list[tuple[dict, object]], threads: int | None = None
               ) -> pd.DataFrame:
    """Each (registry row, Parsed) inserted as a load of its study, then the models up to
    marts.study_estimates built as `ahual build` builds them; the mart, by key."""
    folder.mkdir(parents=True, exist_ok=True)
    with duckdb.connect() as con:
        if threads:
            con.execute(f"SET threads = {threads}")
        for schema in store.raw_schema_files():
            con.execute(schema.read_text(encoding="utf-8"))
        for k, (row, parsed) in enumerate(loads):
            tables = {name: table.assign(study_id=row["study_id"])
                      if isinstance(table, pd.DataFrame) and "study_id" in table else table
                      for name, table in parsed.tables.items()}
            store.insert_batch(con, kind="survey", file_name=f"{row['study_id']}.csv",
                               sha256=f"{k:064d}", load_key=f"test load {k}", loaded_as="{}",
                               size=0, tables=tables, flow_run_id=None)
        reference = build_step.reference_files() | {
            "studies_studies": _registry(folder, [row for row, _ in loads])}
        sources, shares = build_step.source_fingerprints(con, reference)
        runner.build(con, reference_files=reference, sources=sources, shares=shares,
                     previous={}, models=_models())
        return con.sql("SELECT * FROM marts.study_estimates ORDER BY study_id, variable, "
                       "category_code, domain").df()


def parse(path: Path, row: dict):
    return parse_study(path, SurveyOptions(study=row["study_id"]), row)


# ---------------------------------------------------------------------------------------------
# R's survey package as the oracle

R_STUDIES = {"api_strat": "stratified", "api_clus1": "clustered",
             "nhanes": "stratified-clustered", "nhanes_lonely": "stratified-clustered",
             "small_edge": "stratified-clustered"}
LONELY_IN = {"nhanes_lonely", "small_edge"}  # data sets with a single-PSU stratum


@pytest.fixture(scope="module")
def r_oracle(request, tmp_path_factory):
    """Every R study under every lonely-PSU rule and interval method: the mart (one build with
    a registry row per combination), R's cells per rule, and the refusals."""
    oracle.skip_without_r()
    cache = oracle.cache_dir(request)
    folder = oracle.make_studies(cache)
    r_cells = oracle.oracles(cache, [folder / f"{name}.csv" for name in R_STUDIES])
    loads, refused = [], {}
    for name, design in R_STUDIES.items():
        for rule in oracle.RULES:
            for interval in oracle.INTERVALS:
                row = study_row(f"{name}:{rule}:{interval}", design, rule, interval)
                try:
                    loads.append((row, parse(folder / f"{name}.csv", row)))
                except InputRejected as refusal:
                    refused[row["study_id"]] = refusal.problems
    mart = build_mart(tmp_path_factory.mktemp("r-oracle"), loads)
    return mart, r_cells, refused


@pytest.mark.parametrize("name", list(R_STUDIES))
def test_every_cell_equals_r_survey_for_every_rule_and_interval(r_oracle, name):
    mart, r_cells, refused = r_oracle
    total = oracle.Comparison()
    for rule in oracle.RULES:
        theirs = r_cells[name][r_cells[name]["lonely"] == rule]
        for interval in oracle.INTERVALS:
            study_id = f"{name}:{rule}:{interval}"
            if study_id in refused:
                assert rule == "fail" and name in LONELY_IN, refused[study_id]
                continue
            ours = mart[mart["study_id"] == study_id]
            assert len(ours), f"{study_id} has no cells"
            assert set(ours["lonely_psu"]) == {rule}
            assert (ours["lonely_strata"] == (1 if name in LONELY_IN else 0)).all()
            oracle.compare(ours, theirs, interval, total)
    assert not total.failures, "\n".join(total.failures[:20])
    rules = len(oracle.RULES) - (name in LONELY_IN)
    assert total.cells > 40 * rules * len(oracle.INTERVALS)
    assert total.largest["estimate"] < 1e-12 and total.largest["std_error"] < 1e-12


def test_fail_refuses_single_psu_strata_at_ingest_where_r_stops(r_oracle):
    mart, r_cells, refused = r_oracle
    for name in LONELY_IN:
        for interval in oracle.INTERVALS:
            problems = refused[f"{name}:fail:{interval}"]
            assert [p.rule for p in problems] == ["no single-PSU strata (lonely_psu = fail)"]
        stopped = r_cells[name][(r_cells[name]["lonely"] == "fail")]
        assert stopped["error"].fillna("").str.contains("has only one PSU").any()
    assert not any(k.startswith(tuple(R_STUDIES)) and ":fail:" in k and k.split(":")[0]
                   not in LONELY_IN for k in refused)


def test_the_rules_differ_only_where_a_stratum_has_one_psu(r_oracle):
    mart, _, _ = r_oracle
    se = mart.pivot_table(index=["variable", "category_code", "domain"], columns="study_id",
                          values="std_error", dropna=False)
    for name in R_STUDIES:
        columns = [f"{name}:{rule}:logit" for rule in oracle.RULES
                   if f"{name}:{rule}:logit" in se]
        spread = se[columns].max(axis=1) - se[columns].min(axis=1)
        if name in LONELY_IN:
            assert spread.max() > 1e-6, name
        else:
            assert (spread.fillna(0) == 0).all(), name


# ---------------------------------------------------------------------------------------------
# Reproducible builds (the edge design in Python: no R needed)


def edge_survey(folder: Path) -> Path:
    """tests/r/make_studies.R's small_edge: stratum S1 has PSUs 1-4 (PSU 4 only zero weights),
    S2 PSUs 1-2, S3 a single PSU; region 11 lies inside S1/PSU 1, region 23 inside S3, region
    27 carries no weight; in age group 60+ everyone who answered q_a chose 1."""
    folder.mkdir(parents=True, exist_ok=True)
    psu = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 1, 1, 1, 2, 2, 2, 1, 1, 1]
    stratum = ["S1"] * 12 + ["S2"] * 6 + ["S3"] * 3
    weight = [2, 3, 1, 1, 0, 2, 4, 1, 1, 0, 0, 0, 2, 2, 0, 1, 3, 1, 5, 2, 1]
    region = [11, 11, 11, 15, 15, 19, 19, 15, 19, 27, 27, 27, 15, 19, 27, 19, 15, 19, 23, 23, 23]
    sex = "fmf mmf mfm mmm fmm mff mfm".replace(" ", "")
    old = "o y o y y o y y o y o y y o y o y y y o y".split()
    q_a = [1, 2, 1, 2, 3, 1, 1, 2, 1, 3, 2, 1, 2, 1, 3, 1, 2, 3, 2, 1, None]
    q_b = [1, 1, 1, 2, None, 1, 2, 2, 1, 1, 1, 2, None, 1, 2, 1, 2, 2, 2, 2, 1]
    rows = [["respondent_id", "stratum", "psu", "weight", "region", "sex", "age_group", "q_a",
             "q_b"]]
    for i in range(21):
        a = 1 if old[i] == "o" and q_a[i] is not None else q_a[i]
        rows.append([i + 1, stratum[i], psu[i], weight[i], region[i],
                     {"m": "male", "f": "female"}[sex[i]], "60+" if old[i] == "o" else "18-29",
                     "" if a is None else a, "" if q_b[i] is None else q_b[i]])
    path = folder / "small_edge.csv"
    with open(path, "w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    with open(folder / "small_edge.codebook.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([["variable", "code", "label_en"], ["q_a", 1, "one"],
                                      ["q_a", 2, "two"], ["q_a", 3, "three"], ["q_b", 1, "x"],
                                      ["q_b", 2, "y"]])
    return path


def big_survey(folder: Path, n: int = 60_000) -> Path:
    """Enough respondents for DuckDB to scan the answers in parallel (several row groups)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2024)
    regions = [11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55, 59, 63, 71, 75]
    frame = pd.DataFrame({
        "respondent_id": np.arange(1, n + 1), "region": rng.choice(regions, n),
        "stratum": rng.integers(1, 40, n), "psu": rng.integers(1, 6, n),
        "sex": rng.choice(["male", "female"], n), "age": rng.integers(18, 90, n),
        "weight": rng.uniform(0.2, 3, n).round(4)})
    for k in range(8):
        frame[f"q{k}"] = rng.integers(1, 6, n)
        frame.loc[rng.uniform(size=n) < 0.03, f"q{k}"] = 9
    path = folder / "big.csv"
    frame.to_csv(path, index=False)
    with open(folder / "big.codebook.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["variable", "code", "label_en", "missing"])
        for k in range(8):
            for code in (1, 2, 3, 4, 5, 9):
                out.writerow([f"q{k}", code, "hard to say" if code == 9 else f"point {code}",
                              "yes" if code == 9 else ""])
    return path


def _digest(frame: pd.DataFrame) -> str:
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def test_threads_1_and_4_build_the_same_bytes(tmp_path, home):
    row = study_row("BIG", "stratified-clustered", "adjust", "logit", 18, 110)
    edge = study_row("EDGE", "stratified-clustered", "average", "beta", 18, 110)
    loads = [(row, parse(big_survey(tmp_path / "in"), row)),
             (edge, parse(edge_survey(tmp_path / "in"), edge))]
    one = build_mart(tmp_path / "one", loads, threads=1)
    four = build_mart(tmp_path / "four", loads, threads=4)
    assert len(one) == 8 * (1 + 16 + 2 + 4) * 5 + 45
    assert _digest(one) == _digest(four)


@pytest.fixture
def edge_mart(tmp_path, home):
    loads = []
    for rule in ("remove", "adjust", "average", "certainty"):
        for interval in oracle.INTERVALS:
            row = study_row(f"E:{rule}:{interval}", "stratified-clustered", rule, interval,
                            18, 110)
            loads.append((row, parse(edge_survey(tmp_path / "in"), row)))
    return build_mart(tmp_path / "mart", loads)


def test_a_domain_that_chose_one_category_publishes_p_1_exactly(edge_mart):
    one = edge_mart[(edge_mart["domain"] == "age_group=60+") & (edge_mart["variable"] == "q_a")]
    assert len(one) == 16 * 3
    chosen = one[one["category_code"] == 1]
    assert (chosen["estimate"] == 1.0).all() and (chosen["std_error"] == 0.0).all()
    others = one[one["category_code"] != 1]
    assert (others["estimate"] == 0.0).all() and (others["std_error"] == 0.0).all()
    # intervals: [l, 1] and [0, u], never [1, 1]: whatever the method, Korn-Graubard stands in
    assert (chosen["ci_high"] == 1).all() and (chosen["ci_low"] < 1).all()
    assert (others["ci_low"] == 0).all() and (others["ci_high"] > 0).all()
    assert set(one["ci_method"]) == {"beta"}


def test_a_domain_inside_one_psu_has_a_standard_error_of_exactly_0(edge_mart):
    inside = edge_mart[edge_mart["domain"] == "region=11"]  # S1 / PSU 1 (S1 has 4 PSUs)
    assert len(inside) == 16 * 5
    assert (inside["std_error"] == 0.0).all() and (inside["df"] == 0).all()
    assert inside["estimate"].between(0, 1).all()
    # no interval on 0 degrees of freedom, except the normal one (which needs none) of a
    # proportion strictly between 0 and 1
    normal = inside["study_id"].str.endswith(":normal") & inside["estimate"].between(
        0, 1, inclusive="neither")
    assert normal.sum() == 4 * 2  # q_a = 1 or 2 under each rule (nobody chose 3; q_b: all 1)
    assert (inside.loc[normal, "ci_low"] == inside.loc[normal, "estimate"]).all()
    assert inside.loc[~normal, ["ci_low", "ci_high"]].isna().all().all()
    lonely = edge_mart[(edge_mart["domain"] == "region=23")]  # inside the single-PSU S3
    assert (lonely.loc[~lonely["study_id"].str.startswith("E:average"), "std_error"] == 0).all()
    assert lonely.loc[lonely["study_id"].str.startswith("E:average"), "std_error"].isna().all()


def test_zero_weights_define_psus_but_carry_nothing(edge_mart):
    assert "region=27" not in set(edge_mart["domain"])  # only zero weights: no estimate
    national = edge_mart[(edge_mart["domain"] == "national") & (edge_mart["variable"] == "q_a")]
    # 20 answered q_a; 5 of them weigh 0 (not counted) but PSU S1/4 still counts in n_h
    assert set(national["n_unweighted"]) == {15}
    assert set(national["df"]) == {3}  # PSUs with weight (6: S1/1-3, S2/1-2, S3/1) - 3 strata
    assert set(edge_mart["lonely_strata"]) == {1}
