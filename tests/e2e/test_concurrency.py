"""A reader holding the published warehouse never blocks a load (faults: test_faults.py)."""

from __future__ import annotations

import duckdb

from ahual.flows import settings
from ahual.flows.cli import main
from tests.helpers import write_csv

REPORT = [["as_of", "region", "confession", "associations"],
          ["2010-01-01", "Akmola Region", "ISL-SAMK", "130"],
          ["2010-01-01", "Akmola Region", "ORT-ROC", "31"]]


def test_a_reader_holding_the_published_warehouse_does_not_block_a_load(demo_copy, tmp_path):
    report = write_csv(tmp_path / "2010.csv", REPORT)
    with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as reader:
        before = reader.execute("SELECT count(*) FROM marts.registrations").fetchone()[0]
        assert main(["ingest", "registrations", str(report)]) == 0
        # the open reader keeps its consistent view of the build it opened
        assert reader.execute("SELECT count(*) FROM marts.registrations").fetchone()[0] == before
    with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as fresh:
        assert fresh.execute("SELECT count(*) FROM marts.registrations").fetchone()[0] == (
            before + 2)
