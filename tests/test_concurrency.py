"""Readers never wait for loads, loads never wait for readers, and a killed load leaves the
published warehouse as it was."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb

from flows import config
from flows.cli import main
from tests.conftest import write_csv

REPORT = [["as_of", "region", "confession", "associations"],
          ["2010-01-01", "Akmola Region", "ISL-SAMK", "130"],
          ["2010-01-01", "Akmola Region", "ORT-ROC", "31"]]


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_reader_holding_the_published_warehouse_does_not_block_a_load(demo_copy, tmp_path):
    report = write_csv(tmp_path / "2010.csv", REPORT)
    with duckdb.connect(str(config.published_warehouse()), read_only=True) as reader:
        before = reader.execute("SELECT count(*) FROM marts.registrations").fetchone()[0]
        assert main(["ingest", "registrations", str(report)]) == 0
        # the open reader keeps its consistent view of the build it opened
        assert reader.execute("SELECT count(*) FROM marts.registrations").fetchone()[0] == before
    with duckdb.connect(str(config.published_warehouse()), read_only=True) as fresh:
        assert fresh.execute("SELECT count(*) FROM marts.registrations").fetchone()[0] == (
            before + 2)


HANG_INSIDE_LOAD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from warehouse import store

    def load_then_hang(con, **batch):
        # write the batch inside a transaction, then hang before COMMIT: the test kills us here
        con.execute("BEGIN TRANSACTION")
        con.execute("INSERT INTO raw.load_batches VALUES (999, 'registrations', 'x', 'x', 0, 0,"
                    " now(), NULL)")
        Path(sys.argv[1]).write_text("inside the load")
        time.sleep(600)

    store.load_batch = load_then_hang
    from flows.cli import main
    sys.exit(main(["ingest", "registrations", sys.argv[2]]))
""")


def test_a_load_killed_midway_changes_nothing_and_the_next_run_is_clean(demo_copy, tmp_path):
    report = write_csv(tmp_path / "2010.csv", REPORT)
    published = config.published_warehouse()
    before = digest(published)
    marker = tmp_path / "marker"
    env = dict(os.environ, PYTHONPATH=str(config.REPO_ROOT))
    child = subprocess.Popen([sys.executable, "-c", HANG_INSIDE_LOAD, str(marker), str(report)],
                             env=env, cwd=config.REPO_ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert child.poll() is None, "the load ended before it could be killed"
            assert time.monotonic() < deadline, "the load never started"
            time.sleep(0.2)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert digest(published) == before
    assert main(["ingest", "registrations", str(report)]) == 0
    with duckdb.connect(str(published), read_only=True) as con:
        batches = con.execute("SELECT batch_id, file_name FROM raw.load_batches "
                              "WHERE file_name IN ('x', '2010.csv')").fetchall()
        rows = con.execute("SELECT count(*) FROM marts.registrations "
                           "WHERE as_of = DATE '2010-01-01'").fetchone()[0]
    assert [b[1] for b in batches] == ["2010.csv"] and rows == 2
