"""The register's linkage on the demo's made-up register, against the generator's truth
(datasets/demo/register_truth.csv): precision and recall of the planted duplicates, uncertain
pairs in the queue, the same identities on every build, analysts' decisions replayed."""

from __future__ import annotations

import csv
import hashlib
import itertools
import json

import duckdb
import pandas as pd

from ahual.flows import resources
from ahual.flows.cli import main
from ahual.flows.kinds.register import commands

IDENTITIES = ("SELECT r.source_file AS file, r.source_row, i.association_id, r.record_id "
              "FROM core.register_identities AS i "
              "JOIN staging.stg_register_records AS r USING (record_id)")


def truth() -> pd.DataFrame:
    return pd.read_csv(resources.demo() / "register_truth.csv", dtype={"association": str})


def pairs(frame: pd.DataFrame, column: str) -> set[tuple[str, str]]:
    found = set()
    for _, group in frame.groupby(column):
        found.update(itertools.combinations(sorted(group["record_id"]), 2))
    return found


def precision_recall(con) -> tuple[float, float, pd.DataFrame]:
    found = con.sql(IDENTITIES).df().merge(truth(), on=["file", "source_row"])
    predicted, true = pairs(found, "association_id"), pairs(found, "association")
    hits = len(predicted & true)
    return hits / len(predicted), hits / len(true), found


def published(home, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_linkage_finds_the_planted_duplicates(demo_con):
    precision, recall, found = precision_recall(demo_con)
    assert len(found) == len(truth())  # every record of the truth is in the warehouse
    assert precision >= 0.99 and recall >= 0.99
    assert found["association_id"].nunique() < len(found) * 0.6  # duplicates were planted
    queue = demo_con.sql("SELECT record_a, record_b FROM marts.register_review_queue").fetchall()
    assert queue, "uncertain pairs wait in the review queue"
    by_record = dict(zip(found["record_id"], found["association"], strict=True))
    true_in_queue = sum(by_record[a] == by_record[b] for a, b in queue)
    assert 0 < true_in_queue  # the queue holds real duplicates the model was unsure of


def test_the_same_inputs_give_the_same_identities_byte_for_byte(demo_copy):
    def digest() -> str:
        rows = published(demo_copy, "SELECT * FROM core.register_links ORDER BY ALL")
        rows += published(demo_copy, "SELECT * FROM core.register_identities ORDER BY ALL")
        return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()

    before = digest()
    assert main(["build", "--force"]) == 0
    assert digest() == before


def test_decisions_are_kept_and_replayed(demo_copy, capsys):
    queue = commands.queued()
    with duckdb.connect(str(demo_copy / "warehouse.duckdb"), read_only=True) as con:
        by_record = dict(con.sql(IDENTITIES).df().merge(truth(), on=["file", "source_row"])[
            ["record_id", "association"]].itertuples(index=False))
    assert main(["register", "decide", "nope:1", "nope:2", "--accept", "--reason", "x"]) == 2
    for pair in queue:  # an analyst who knows the truth
        same = by_record[pair["record_a"]] == by_record[pair["record_b"]]
        assert main(["register", "decide", pair["record_a"], pair["record_b"],
                     "--accept" if same else "--reject", "--reason", "checked the files"]) == 0
    with open(commands.decisions_file(), encoding="utf-8") as handle:
        kept = list(csv.DictReader(handle))
    assert len(kept) == len(queue) and all(k["decided_by"] and k["decided_at"] for k in kept)
    assert main(["build"]) == 0
    capsys.readouterr()
    with duckdb.connect(str(demo_copy / "warehouse.duckdb"), read_only=True) as con:
        precision, recall, _ = precision_recall(con)
        assert (precision, recall) == (1.0, 1.0)
        assert con.sql("SELECT count(*) FROM marts.register_review_queue").fetchall()[0][0] == 0
        decided = con.sql("SELECT count(*) FROM core.register_links WHERE status IN "
                          "('accepted', 'rejected') AND decided_by IS NOT NULL").fetchall()[0][0]
        assert decided == len(queue)
        # with every duplicate linked, the real totals of the 2011 re-registration
        totals = con.sql("SELECT sum(registered_at_law), sum(reregistered) "
                         "FROM marts.register_reregistration").fetchall()[0]
        assert totals == (4551, 3088)
    assert main(["register", "queue", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
