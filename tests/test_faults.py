"""Fault injection: loads killed at each stage, a full disk, two loads at once, a snapshot
during a load. After each, the published warehouse is either as before or fully loaded, and
the next run is clean."""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date

import duckdb
import pytest

from flows import config
from flows.cli import main
from flows.snapshot import snapshot
from tests.conftest import write_csv

REPORT = [["as_of", "region", "confession", "associations"],
          ["2010-01-01", "Akmola Region", "ISL-SAMK", "130"],
          ["2010-01-01", "Akmola Region", "ORT-ROC", "31"]]

# Child processes run `ahual ingest` with one function replaced by a version that signals the
# test (writes the marker file) at the chosen point and then hangs, so the test can kill it
# exactly there.
HANG_AT = {
    "while checking the file": """
        from flows import ingest
        real = ingest.validate
        def hang(*args, **kwargs):
            signal_and_hang()
        ingest.validate = hang
    """,
    "inside the load transaction": """
        from warehouse import store
        def hang(con, **batch):
            con.execute("BEGIN TRANSACTION")
            con.execute("INSERT INTO raw.load_batches VALUES (999, 'registrations', 'x', 'x', 0,"
                        " 0, now(), NULL)")
            signal_and_hang()
        store.load_batch = hang
    """,
    "inside the build transaction": """
        from warehouse import runner
        real = runner.build
        def hang(con, progress=None):
            con.execute("BEGIN TRANSACTION")
            con.execute("CREATE OR REPLACE TABLE marts.registrations AS SELECT 1 AS broken")
            signal_and_hang()
        runner.build = hang
    """,
    "while publishing": """
        import shutil
        from flows import config
        from warehouse import store
        def hang():
            target = config.published_warehouse()
            staging = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(config.working_warehouse(), staging)
            signal_and_hang()
        store.publish = hang
    """,
}
CHILD = """
import os, sys, time
from pathlib import Path

def signal_and_hang():
    Path(sys.argv[1]).write_text("here")
    time.sleep(600)

{patch}
from flows.cli import main
sys.exit(main(["ingest", "registrations", sys.argv[2]]))
"""


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def child(prefect_env):
    """Starts `ahual ingest` children. They use the session's Prefect server unless
    `own_server=True` (then each starts its ephemeral one, as for a user without a server).
    Each child leads its own process group, killed whole at teardown: a child killed by a test
    must not leave its ephemeral server (or anything else) running for the rest of the suite."""
    started: list[subprocess.Popen] = []

    def start(point: str | None, marker, report, own_server=False, **popen) -> subprocess.Popen:
        code = CHILD.format(patch=textwrap.dedent(HANG_AT[point]) if point else "")
        env = dict(os.environ, PYTHONPATH=str(config.REPO_ROOT))
        env.pop("PREFECT_API_URL", None)
        if not own_server:
            env.update(prefect_env)
        process = subprocess.Popen([sys.executable, "-c", code, str(marker), str(report)],
                                   env=env, cwd=config.REPO_ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True, **popen)
        started.append(process)
        return process

    yield start
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the group outlives a killed leader
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
        process.stdout.close()


def loaded_2010() -> tuple[list[str], int]:
    with duckdb.connect(str(config.published_warehouse()), read_only=True) as con:
        files = [r[0] for r in con.execute("SELECT file_name FROM raw.load_batches "
                                           "WHERE file_name IN ('x', '2010.csv')").fetchall()]
        rows = con.execute("SELECT count(*) FROM marts.registrations "
                           "WHERE as_of = DATE '2010-01-01'").fetchone()[0]
    return files, rows


@pytest.mark.parametrize("point", list(HANG_AT))
def test_a_load_killed_at_any_stage_changes_nothing_and_the_next_run_is_clean(
        point, demo_copy, tmp_path, child):
    report = write_csv(tmp_path / "2010.csv", REPORT)
    before = digest(config.published_warehouse())
    marker = tmp_path / "marker"
    process = child(point, marker, report)
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert process.poll() is None, process.stdout.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the load never reached the point"
            time.sleep(0.2)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert digest(config.published_warehouse()) == before
    assert main(["ingest", "registrations", str(report)]) == 0
    assert loaded_2010() == (["2010.csv"], 2)
    assert main(["doctor"]) == 0


def test_a_full_disk_fails_the_load_cleanly(demo_copy, tmp_path, child):
    report = write_csv(tmp_path / "2010.csv", REPORT)
    before = digest(config.published_warehouse())
    limit = config.working_warehouse().stat().st_size  # no file may grow past this: disk full
    process = child(None, tmp_path / "unused", report, preexec_fn=lambda: resource.setrlimit(
        resource.RLIMIT_FSIZE, (limit, limit)))
    output = process.communicate(timeout=300)[0].decode()
    assert process.returncode != 0, output
    assert digest(config.published_warehouse()) == before
    assert main(["ingest", "registrations", str(report)]) == 0
    assert loaded_2010() == (["2010.csv"], 2)


def test_two_loads_of_the_same_region_at_once_both_finish(demo_copy, tmp_path, child):
    first = write_csv(tmp_path / "2010.csv", REPORT)
    second = write_csv(tmp_path / "2010-corrected.csv",
                       [r if r[3] != "130" else r[:3] + ["131"] for r in REPORT])
    # Two ephemeral servers starting at once on 2 cores is the case the CLI's start-up timeout
    # is for, and the only subprocess test that keeps it (the others share the session's).
    a = child(None, tmp_path / "a", first, own_server=True)
    b = child(None, tmp_path / "b", second, own_server=True)
    outputs = [p.communicate(timeout=300)[0].decode() for p in (a, b)]
    assert (a.returncode, b.returncode) == (0, 0), outputs
    with duckdb.connect(str(config.published_warehouse()), read_only=True) as con:
        batches = con.execute("SELECT count(*) FROM raw.load_batches WHERE file_name LIKE "
                              "'2010%'").fetchone()[0]
        current = con.execute("SELECT count(*) FROM marts.registrations WHERE as_of = "
                              "DATE '2010-01-01'").fetchone()[0]
    assert (batches, current) == (2, 2)  # one report current, the other kept as history


def test_a_snapshot_during_a_load_reads_the_last_published_build(demo_copy, tmp_path, child):
    report = write_csv(tmp_path / "2010.csv", REPORT)
    marker = tmp_path / "marker"
    process = child("inside the load transaction", marker, report)
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        taken = snapshot("2009Q4", today=date(2010, 2, 1))  # does not wait for the load
        assert taken.status == "written"
    finally:
        process.kill()
        process.wait(timeout=30)
    assert main(["doctor"]) == 0
