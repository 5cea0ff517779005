"""bench/bench_survey_tests.py: the comparisons and cross-tabulations beside R's survey run end to
end at a tiny size (no timing is asserted), and its guard refuses two sides that did different
work."""

from __future__ import annotations

import json

import pytest

from bench import bench_survey_tests
from tests.r.oracle import r_missing


@pytest.fixture(scope="module")
def prefect_harness():
    """These tests never touch Prefect."""
    yield None


def test_the_bench_compares_the_same_cells_with_r(tmp_path, capsys):
    why = r_missing()
    if why:
        pytest.skip(why)
    out = tmp_path / "figures.json"
    assert bench_survey_tests.main(["--sizes", "1000", "--runs", "1", "--work",
                                    str(tmp_path), "--json", str(out)]) == 0, \
        capsys.readouterr().out
    [figure] = json.loads(out.read_text(encoding="utf-8"))
    assert figure["respondents"] == 1000
    assert figure["cells"]["differences"] > 0 and figure["cells"]["crosstabs"] > 0
    assert figure["cells"]["tests"] == len(bench_survey_tests.pairs())
    assert figure["checked"] > 0
    assert figure["ahual_s"][0] > 0 and figure["r_s"][0] > 0
    assert "| 1,000 |" in capsys.readouterr().out


def test_the_guard_names_a_differing_count_and_a_differing_value():
    key = "test|q_believer|sex|f_statistic"
    ours = {"differences": 10, "crosstabs": 4, "tests": 1, "values": {key: 2.5}}
    assert bench_survey_tests.same_work(
        ours, {"differences": 10, "crosstabs": 4, "tests": 1, "checks": {key: 2.5}}) == []
    problems = bench_survey_tests.same_work(
        ours, {"differences": 12, "crosstabs": 4, "tests": 1, "checks": {key: 2.6}})
    assert problems == ["differences: Ahual 10 cells, R 12", f"{key}: Ahual 2.5, R 2.6"]
    assert bench_survey_tests.same_work(
        ours, {"differences": 10, "crosstabs": 4, "tests": 1, "checks": {}}) == [
        "R reported no cell to check"]
