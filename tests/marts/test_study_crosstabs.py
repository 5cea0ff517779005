"""marts.study_crosstabs and study_crosstab_tests (warehouse/survey_tables.py) against R's
survey package (tests/r/compare.R, one Rscript run for the module), and on the demo.

- every cell's share of the table, row share and column share and their standard errors equal
  svymean(~interaction(row, column)) and svyby to 1e-12; the Rao-Scott tests equal svychisq
  (statistic = "F": F, its two degrees of freedom and p; statistic = "Chisq": Pearson's X2 and
  p) to 1e-9 relative (a linear solve of the generalised design effects), for tables of R's
  data(api) and data(nhanes) (also with a stratum left with one PSU, under the lonely-PSU rules
  ingest accepts), the hand-made edge design, and two studies of the demo exported as R sees
  them;
- the issue's question "does attendance depend on age, Rao-Scott p?" answered by one SELECT;
- the study marts are the same bytes at DuckDB threads = 1 and 4.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from tests.r import marts as build_marts
from tests.r import oracle

TOLERANCE = 1e-12  # shares and standard errors
RELATIVE = 1e-9  # test statistics, degrees of freedom and p-values
# data set -> (design, lonely-PSU rules, tables as ROW:COL)
R_STUDIES = {
    "api_strat": ("stratified", ("adjust",), "q_sch_wide:q_awards,q_acs_k3:age_group"),
    "api_clus1": ("clustered", ("adjust",), "q_ell:sex,q_comp_imp:q_both"),
    "nhanes": ("stratified-clustered", ("adjust",), "q_hi_chol:age_group,q_race:q_hi_chol"),
    "nhanes_lonely": ("stratified-clustered", ("remove", "adjust", "average"),
                      "q_race:q_agecat,q_hi_chol:region"),
    "small_edge": ("stratified-clustered", ("remove", "adjust", "average"),
                   "q_a:q_b,q_a:age_group"),
}
DEMO_STUDIES = ("S01", "S09")
# every table the registry names for the demo (datasets/reference/studies/crosstabs.csv)
DEMO_TABLES = ",".join(f"{r.row_variable}:{r.column_variable}" for r in pd.read_csv(
    build_marts.resources.reference() / "studies" / "crosstabs.csv").itertuples())
MARTS = ["study_crosstabs", "study_crosstab_tests"]
CELL_KEY = ["row_variable", "column_variable", "row_code", "column_code"]
TEST_KEY = ["row_variable", "column_variable"]


def demo_input(con, study_id: str, path) -> None:
    """One demo study as R's compare.R reads it: the respondents' design and domains, and each
    question's substantive answer (missing-value codes empty, as the marts leave them out)."""
    frame = con.execute("""
        SELECT r.source_row AS respondent_id, r.weight, r.stratum, r.psu,
               r.region_code AS region, r.sex, r.age_group, a.variable,
               CASE WHEN c.code IS NOT NULL THEN a.code END AS code
        FROM core.survey_respondents AS r
        JOIN staging.stg_survey_answers AS a USING (batch_id, source_row)
        LEFT JOIN core.survey_categories AS c
            ON c.study_id = r.study_id AND c.variable = a.variable AND c.code = a.code
        WHERE r.study_id = ? ORDER BY r.source_row, a.variable""", [study_id]).df()
    wide = frame.pivot(index=["respondent_id", "weight", "stratum", "psu", "region", "sex",
                              "age_group"], columns="variable", values="code").reset_index()
    wide.columns.name = None
    for column in [c for c in wide.columns if str(c).startswith("q_")]:
        wide[column] = wide[column].astype("Int64")
    wide.to_csv(path, index=False, float_format="%.17g")


@pytest.fixture(scope="module")
def r_tables(request, tmp_path_factory, demo_home):
    """The marts built from the R study files (a registry row per data set and rule, the
    registry's tables named per study), the demo's marts, and R's results for both."""
    import duckdb

    oracle.skip_without_r()
    cache = oracle.cache_dir(request)
    folder = oracle.make_studies(cache)
    work = tmp_path_factory.mktemp("crosstabs")
    jobs = [{"job": name, "input": str(folder / f"{name}.csv"), "lonely": ",".join(rules),
             "vars": "none", "crosstabs": tables}
            for name, (_, rules, tables) in R_STUDIES.items()]
    with duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True) as con:
        for study in DEMO_STUDIES:
            demo_input(con, study, work / f"{study}.csv")
            lonely = con.execute("SELECT lonely_psu FROM staging.stg_studies WHERE study_id = ?",
                                 [study]).fetchall()[0][0]
            jobs.append({"job": study, "input": str(work / f"{study}.csv"), "lonely": lonely,
                         "vars": "none", "crosstabs": DEMO_TABLES})
        demo = {m: con.sql(f"SELECT * FROM marts.{m} WHERE study_id IN {DEMO_STUDIES}").df()
                for m in MARTS}
    results = oracle.compare_r(cache, jobs)
    loads, pairs = [], []
    for name, (design, rules, tables) in R_STUDIES.items():
        for rule in rules:
            row = build_marts.study_row(f"{name}:{rule}", design, rule)
            loads.append((row, build_marts.parse(folder / f"{name}.csv", row)))
            pairs += [[row["study_id"], *table.split(":")] for table in tables.split(",")]
    registry = build_marts.write_csv(work / "crosstabs.csv",
                                     ["study_id", "row_variable", "column_variable"], pairs)
    built = build_marts.build(work, loads, MARTS, {"studies_crosstabs": registry})
    return built, demo, results


def _close(ours, theirs, tolerance, relative=False) -> np.ndarray:
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    scale = np.maximum(np.abs(theirs), 1.0) if relative else 1.0
    return (np.abs(ours - theirs) <= tolerance * scale) | (np.isnan(ours) & np.isnan(theirs))


def _jobs() -> list[tuple[str, str]]:
    return [(name, rule) for name, (_, rules, _) in R_STUDIES.items() for rule in rules] + [
        (study, "") for study in DEMO_STUDIES]


@pytest.mark.parametrize(("job", "rule"), _jobs())
def test_cells_and_shares_equal_svymean_and_svyby(r_tables, job, rule):
    built, demo, results = r_tables
    theirs = oracle.compare_result(results, job, "crosstabs")
    if rule:
        theirs = theirs[theirs["lonely"] == rule]
        ours = built["study_crosstabs"]
        ours = ours[ours["study_id"] == f"{job}:{rule}"]
    else:
        ours = demo["study_crosstabs"][demo["study_crosstabs"]["study_id"] == job]
    both = theirs.merge(ours, on=CELL_KEY, how="outer", suffixes=("_r", ""), indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", CELL_KEY]
    assert len(both) >= 8
    for column in ("estimate", "std_error", "row_share", "row_share_se", "column_share",
                   "column_share_se"):
        ok = _close(both[column], both[f"{column}_r"], TOLERANCE)
        assert ok.all(), both.loc[~ok, CELL_KEY + [column, f"{column}_r"]]
    # the shares add up: each row's row shares, each column's column shares
    for share, by in (("row_share", "row_code"), ("column_share", "column_code")):
        sums = both.groupby(["row_variable", "column_variable", by])[share].sum()
        assert np.allclose(sums, 1, atol=1e-12)


@pytest.mark.parametrize(("job", "rule"), _jobs())
def test_rao_scott_tests_equal_svychisq(r_tables, job, rule):
    built, demo, results = r_tables
    theirs = oracle.compare_result(results, job, "tests")
    if rule:
        theirs = theirs[theirs["lonely"] == rule]
        ours = built["study_crosstab_tests"]
        ours = ours[ours["study_id"] == f"{job}:{rule}"]
    else:
        ours = demo["study_crosstab_tests"][demo["study_crosstab_tests"]["study_id"] == job]
    both = theirs.merge(ours, on=TEST_KEY, how="outer", suffixes=("_r", ""), indicator=True)
    assert (both["_merge"] == "both").all(), both.loc[both["_merge"] != "both", TEST_KEY]
    assert (both["error"] == "").all(), both["error"]
    for ours_c, theirs_c in (("f_statistic", "f_statistic_r"), ("f_ndf", "f_ndf_r"),
                             ("f_ddf", "f_ddf_r"), ("f_p_value", "f_p_value_r"),
                             ("pearson_chisq", "chisq_statistic_r"),
                             ("chisq_df", "chisq_df_r"), ("chisq_p_value", "chisq_p_value_r")):
        ok = _close(both[ours_c], both[theirs_c], RELATIVE, relative=True)
        assert ok.all(), both.loc[~ok, TEST_KEY + [ours_c, theirs_c]]
    assert both["f_p_value"].notna().all()


def test_the_demo_answers_does_attendance_depend_on_age(demo_con):
    """The issue's question, one SELECT: the Rao-Scott F test of attendance by age group."""
    answer = demo_con.execute("""
        SELECT study_id, column_levels, f_statistic, f_ndf, f_ddf, f_p_value,
               f_p_value < 0.05 AS depends
        FROM marts.study_crosstab_tests
        WHERE row_variable = 'q_attendance' AND column_variable = 'age_group'
          AND NOT suppressed
        ORDER BY study_id""").df()
    assert list(answer["study_id"]) == [f"S0{i}" for i in range(1, 10)]
    # a study of one age group (S03, youth) cannot say: no test, not a p-value of 1
    tested = answer["column_levels"] > 1
    assert tested.sum() >= 8
    assert answer.loc[tested, "f_p_value"].between(0, 1).all()
    assert (answer.loc[tested, "f_ndf"] > 0).all()
    assert answer.loc[~tested, "f_p_value"].isna().all()
    # the table behind it: attendance within each age group adds up to 1
    shares = demo_con.execute("""
        SELECT study_id, column_code, sum(column_share) AS total FROM marts.study_crosstabs
        WHERE row_variable = 'q_attendance' AND column_variable = 'age_group'
        GROUP BY ALL""").df()
    assert np.allclose(shares["total"], 1, atol=1e-12)


def _digest(frame: pd.DataFrame) -> str:
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def test_threads_1_and_4_build_the_same_bytes(request, tmp_path):
    """Every study mart, for NHANES with a single-PSU stratum and the edge design, is the same
    bytes whatever DuckDB's thread count (every sum in one fixed order)."""
    oracle.skip_without_r()  # the study files are R's
    folder = oracle.make_studies(oracle.cache_dir(request))
    loads = []
    for name, rule in (("nhanes_lonely", "adjust"), ("small_edge", "average")):
        row = build_marts.study_row(f"{name}:{rule}", "stratified-clustered", rule)
        loads.append((row, build_marts.parse(folder / f"{name}.csv", row)))
    pairs = build_marts.write_csv(tmp_path / "crosstabs.csv",
                                  ["study_id", "row_variable", "column_variable"],
                                  [["", "q_race", "q_agecat"], ["", "q_a", "age_group"]])
    marts = ["study_estimates", "study_differences", *MARTS]
    one, four = (build_marts.build(tmp_path / str(threads), loads, marts,
                                   {"studies_crosstabs": pairs}, threads=threads)
                 for threads in (1, 4))
    for mart in marts:
        assert len(one[mart]) >= (2 if mart == "study_crosstab_tests" else 10), mart
        assert _digest(one[mart]) == _digest(four[mart]), mart
