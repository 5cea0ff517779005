"""The register's history, the 2011-2012 re-registration and the reconciliation with the
regions' reported counts, on the demo (a made-up register, datasets/demo/register/)."""

from __future__ import annotations

import pandas as pd

from ahual.flows import resources
from ahual.warehouse import store


def test_registered_on_a_date_is_one_query(demo_con):
    """Kostanay on 1 July 2008 by confession and legal form, against the generator's truth:
    every true association with its earliest registration and latest liquidation."""
    got = demo_con.execute(store.query("register_on_date"),
                           {"region": "39", "on": "2008-07-01"}).fetchall()
    records = demo_con.sql("SELECT source_file AS file, source_row, region_code, "
                           "confession_code, legal_form, registered_on, liquidated_on "
                           "FROM staging.stg_register_records").df()
    truth = pd.read_csv(resources.demo() / "register_truth.csv")
    found = records.merge(truth, on=["file", "source_row"]).groupby("association").agg(
        region=("region_code", "first"), confession=("confession_code", "first"),
        form=("legal_form", "first"), registered=("registered_on", "min"),
        liquidated=("liquidated_on", "max"))
    day = pd.Timestamp("2008-07-01")
    alive = found[(found["region"] == "39") & (found["registered"] <= day)
                  & ~(found["liquidated"] <= day)]
    expected = sorted(alive.groupby(["confession", "form"]).size().items())
    assert [((c, f), n) for c, f, n in got] == expected
    assert sum(n for *_, n in got) > 100


def test_the_reregistration_breaks_down_by_confession_and_region(demo_con):
    rows = demo_con.sql("SELECT region_code, confession_code, registered_at_law, reregistered, "
                        "not_reregistered FROM marts.register_reregistration").fetchall()
    assert all(at == again + not_again for _, _, at, again, not_again in rows)
    at_law = sum(r[2] for r in rows)
    queued = demo_con.sql("SELECT count(*) FROM marts.register_review_queue").fetchall()[0][0]
    # the real totals (4,551 before, 3,088 re-registered), but for duplicates still queued
    assert 4551 <= at_law <= 4551 + queued
    assert 3088 <= sum(r[3] for r in rows) <= 3088 + queued
    assert len({r[1] for r in rows}) > 15 and len({r[0] for r in rows}) >= 16


def test_every_difference_with_the_reported_counts_is_explained(demo_con):
    rows = demo_con.sql("SELECT * FROM marts.register_reconciliation").df()
    assert len(rows) > 900  # 16 regions x ~25 confessions x 3 dates
    assert rows["explained"].all(), rows[~rows["explained"]].to_string()
    different = rows[rows["difference"] != 0]
    assert len(different) > 50
    kinds = set(different["explanation"])
    assert {"branches not counted by the region",
            "liquidated before the date, recorded later"} <= kinds
    assert different["associations"].map(len).gt(0).all()  # each names who explains it
    pavlodar = different[different["region_code"] == "55"]
    assert (pavlodar["difference"] < 0).all()  # Pavlodar leaves its branches out


def test_growth_rates_and_forecasts_say_they_are_made_from_the_reported_counts(demo_con):
    """Two views of one reality: the analyses of counts name their source, and their figures
    are the reports' (the 2007 national total of the programme), not the register's."""
    for mart in ("association_growth", "registration_rates", "association_forecasts"):
        assert demo_con.sql(f"SELECT DISTINCT count_source FROM marts.{mart}").fetchall() == [
            ("reported counts",)], mart
    [(reported,)] = demo_con.sql("SELECT DISTINCT to_count FROM marts.association_growth "
                                 "WHERE confession_family = 'ALL' AND to_date = DATE "
                                 "'2007-01-01'").fetchall()
    assert reported == 3783
