"""Quarterly snapshots: Parquet + manifest, byte-for-byte reproducible, refused when changed."""

from __future__ import annotations

import json
from datetime import date

import pyarrow.parquet as pq
import pytest

from ahual.flows.cli import main
from ahual.flows.snapshot import SnapshotRefused
from ahual.flows.snapshot import take as snapshot
from tests.helpers import write_csv

EXPECTED_MARTS = {"registrations.parquet", "association_growth.parquet",
                  "registration_reconciliation.parquet"}


def test_a_snapshot_holds_every_mart_as_parquet_and_a_manifest(demo_copy):
    result = snapshot("2008Q4", today=date(2009, 1, 1))
    files = {p.name for p in result.folder.iterdir()}
    assert files >= EXPECTED_MARTS | {"manifest.json"}
    manifest = json.loads((result.folder / "manifest.json").read_text())
    registrations = pq.read_table(result.folder / "registrations.parquet").to_pandas()
    assert manifest["files"]["registrations.parquet"]["rows"] == len(registrations)
    assert str(registrations["as_of"].max()) == "2008-01-01"  # nothing after the quarter
    assert manifest["build"]["validation"]["registrations"]["success"] is True
    assert {load["file_name"] for load in manifest["loads"]} >= {
        "national_registrations_1990_2007.csv"}
    assert manifest["code_version"]


def test_taking_a_closed_quarter_again_reproduces_it_byte_for_byte(demo_copy):
    first = snapshot("2008Q4", today=date(2009, 1, 1))
    before = {p.name: p.read_bytes() for p in first.folder.iterdir()}
    again = snapshot("2008Q4", today=date(2009, 6, 1))
    assert again.status == "identical"
    assert {p.name: p.read_bytes() for p in again.folder.iterdir()} == before


def test_a_changed_closed_quarter_is_refused_and_kept(demo_copy, tmp_path):
    first = snapshot("2008Q4", today=date(2009, 1, 1))
    before = (first.folder / "registrations.parquet").read_bytes()
    late = write_csv(tmp_path / "late.csv", [["as_of", "region", "confession", "associations"],
                                             ["2008-01-01", "Akmola Region", "BUD", "1"]])
    assert main(["ingest", "registrations", "--confirm-smaller", str(late)]) == 0
    with pytest.raises(SnapshotRefused, match="registrations.parquet"):
        snapshot("2008Q4", today=date(2009, 2, 1))
    assert (first.folder / "registrations.parquet").read_bytes() == before
    assert main(["snapshot", "--quarter", "2008Q4"]) == 1


def test_an_open_quarter_is_refused():
    with pytest.raises(SnapshotRefused, match="has not closed yet"):
        snapshot("2009Q1", today=date(2009, 3, 31))


def test_diff_between_two_snapshots(demo_copy, capsys):
    snapshot("2008Q4", today=date(2010, 1, 1))
    snapshot("2009Q1", today=date(2010, 1, 1))
    assert main(["snapshot", "--diff", "2008Q4", "2009Q1"]) == 0
    out = capsys.readouterr().out
    assert "2008Q4 -> 2009Q1" in out
    assert "registrations: 700 -> 1052 rows: +352 added, -0 removed, ~0 changed" in out
    assert "added: as_of=2009-01-01, region_code=11, confession_code=" in out


def test_a_diff_across_a_column_that_came_or_went_compares_what_both_have(demo_copy, capsys):
    """A mart that gained a column between two quarters (the old early-warning flag left
    monitoring_indicators) is compared on the columns both have, and says which differ."""
    import pyarrow as pa

    first = snapshot("2008Q4", today=date(2010, 1, 1)).folder
    second = snapshot("2009Q1", today=date(2010, 1, 1)).folder
    path = first / "registrations.parquet"
    table = pq.read_table(path)
    pq.write_table(table.append_column("early_warning", pa.array([False] * len(table))), path)
    assert main(["snapshot", "--diff", first.name, second.name]) == 0
    out = capsys.readouterr().out
    assert "registrations: 700 -> 1052 rows: +352 added, -0 removed, ~0 changed" in out
    assert "columns removed (rows compared without them): early_warning" in out
