"""The regional monitoring index after `ahual demo` (marts.monitoring_index and
marts.monitoring_index_items): every item scored 0 / 0.5 / 1 against the written thresholds of
datasets/reference/monitoring_index_items.csv, summed and rescaled to 0-10 as Pew's GRI/SHI
are, for every region and round, each score traceable to its sheet cell; and its section in the
semi-annual report."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from ahual.flows import resources


@pytest.fixture(scope="module")
def items() -> pd.DataFrame:
    return pd.read_csv(resources.reference() / "monitoring_index_items.csv", dtype=str,
                       keep_default_na=False)


@pytest.fixture(scope="module")
def population() -> dict[tuple[str, str], int]:
    table = pd.read_csv(resources.reference() / "population" / "by_region.csv", dtype=str,
                        keep_default_na=False)
    series = table[table["source_id"] == "bns-series"]
    return {(r.ref_date, r.region_code): int(r.value) for r in series.itertuples()}


def index_rows(con) -> pd.DataFrame:
    return con.sql("SELECT * FROM marts.monitoring_index").to_arrow_table().to_pandas()


def test_every_region_and_round_has_a_row_and_every_reported_one_a_value(demo_con):
    index = index_rows(demo_con)
    assert len(index) == 16 * 3  # the 16 units of 2007-2009 x the programme's 3 rounds
    assert not index.duplicated(["round", "region_code"]).any()
    reported = set(demo_con.execute(
        "SELECT DISTINCT round, region_code FROM marts.monitoring_indicators").fetchall())
    for row in index.itertuples():
        if (row.round, row.region_code) in reported:
            assert 0 <= row.index_value <= 10, row
        else:  # sent no sheet: no index, never a guessed one
            assert pd.isna(row.index_value) and row.status == "not reported", row
    missing = index[index["index_value"].isna()]
    assert missing[["round", "region_code"]].values.tolist() == [[3, "23"]]  # Atyrau, round 3


def test_each_item_is_scored_against_its_written_thresholds(demo_con, items, population):
    values = {(r, g, i): v for r, g, i, v in demo_con.execute(
        "SELECT round, region_code, indicator_code, value FROM marts.monitoring_indicators"
    ).fetchall()}
    rounds = dict(demo_con.execute(
        "SELECT round, period_start::varchar FROM staging.stg_monitoring_rounds").fetchall())
    scored = demo_con.execute(
        "SELECT round, region_code, item_code, score, measure_value FROM "
        "marts.monitoring_index_items").fetchall()
    spec = {r.item_code: r for r in items.itertuples()}
    checked = 0
    for round_no, region, item, score, measure in scored:
        rule = spec[item]
        value = values.get((round_no, region, rule.indicator_code))
        if value is None:
            assert score is None
            continue
        if rule.measure == "count":
            expected = float(value)
        elif rule.measure == "per 100000":
            expected = 100_000 * value / population[(rounds[round_no], region)]
        else:
            base = values.get((round_no, region, rule.per_indicator))
            expected = 100 * value / base
        assert measure == pytest.approx(expected, abs=1e-4), (round_no, region, item)
        want = 1.0 if expected >= float(rule.full_at) else \
            0.5 if expected >= float(rule.half_at) else 0.0
        assert score == want, (round_no, region, item, expected)
        checked += 1
    sheets = len({(r, g) for r, g, _ in values})
    assert sheets == 16 + 16 + 15  # Atyrau sent nothing for round 3
    assert checked == sheets * len(items) - 1  # one empty cell: North Kazakhstan, round 2


def test_the_index_is_the_rescaled_sum_and_traceable_to_its_items(demo_con):
    index = index_rows(demo_con).set_index(["round", "region_code"])
    parts = demo_con.sql("SELECT round, region_code, item_code, score, batch_id, source_file "
                         "FROM marts.monitoring_index_items ORDER BY round, region_code, item_no"
                         ).to_arrow_table().to_pandas()
    for (round_no, region), group in parts.groupby(["round", "region_code"]):
        row = index.loc[(round_no, region)]
        scores = group["score"].dropna()
        if scores.empty:
            continue
        assert row["index_value"] == round(10 * scores.sum() / len(scores), 2)
        assert row["items_scored"] == len(scores) and row["items_total"] == len(group)
        assert row["item_scores"] == ", ".join(
            f"{i}={s:.1f}" if pd.notna(s) else f"{i}=n/a"
            for i, s in zip(group["item_code"], group["score"], strict=True))
        assert group["source_file"].notna().any()  # each score points to its sheet
    partial = index.loc[(2, "59")]  # North Kazakhstan left EXPERT_REVIEWS empty in round 2
    assert (partial["status"], partial["items_scored"], partial["items_total"]) == \
        ("partial", 4, 5)


def test_change_between_rounds_and_pews_bands(demo_con):
    index = index_rows(demo_con).sort_values(["region_code", "round"])
    for _, region in index.groupby("region_code"):
        previous = None
        for row in region.itertuples():
            if previous is None or pd.isna(previous) or pd.isna(row.index_value):
                assert pd.isna(row.change_vs_previous)
            else:
                change = round(row.index_value - previous, 2)
                assert row.change_vs_previous == change
                size = abs(change)
                assert row.change_band == ("no change" if size == 0 else "2 points or more"
                                           if size >= 2 else "1 to 1.9 points" if size >= 1
                                           else "less than 1 point")
            previous = row.index_value
    kyzylorda = index[(index["region_code"] == "43") & (index["round"] == 3)].iloc[0]
    assert kyzylorda["item_scores"].startswith("MI1=1.0")  # the planted 9 conflicts
    for _, one_round in index.dropna(subset=["index_value"]).groupby("round"):
        ranked = one_round["index_value"].rank(method="min")
        percent = (ranked - 1) / (len(one_round) - 1)
        bands = percent.map(lambda p: "very high" if p > 0.95 else "high" if p > 0.80
                            else "moderate" if p > 0.60 else "low")
        assert one_round["band"].tolist() == bands.tolist()


def test_the_report_shows_the_latest_rounds_index_by_region(demo_home, demo_con):
    page = (demo_home / "reports" / "2009H2" / "report-2009H2-ru.html").read_text("utf-8")
    start = page.index('id="monitoring-index"')
    section = page[start:page.index("</table>", start)]
    assert "Региональный индекс мониторинга: 3-й этап мониторинга" in section
    regions = re.findall(r'<tr data-region="(\d+)" data-status="([a-z ]+)"', section)
    assert len(regions) == 16
    assert ("23", "not reported") in regions  # Atyrau sent no sheet for round 3
    top = demo_con.execute("SELECT region_code FROM marts.monitoring_index WHERE round = 3 "
                           "ORDER BY index_value DESC NULLS LAST, region_code LIMIT 1"
                           ).fetchone()[0]
    assert regions[0][0] == top
