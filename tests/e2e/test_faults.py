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

from ahual.flows import settings
from ahual.flows.cli import main
from ahual.flows.snapshot import take as snapshot
from tests.helpers import REPO, write_csv

REPORT = [["as_of", "region", "confession", "associations"],
          ["2010-01-01", "Akmola Region", "ISL-SAMK", "130"],
          ["2010-01-01", "Akmola Region", "ORT-ROC", "31"]]

# Child processes run `ahual ingest` with one function replaced by a version that signals the
# test (writes the marker file) at the chosen point and then hangs, so the test can kill it
# exactly there.
HANG_AT = {
    "while checking the file": """
        from ahual.flows.gate import validation
        def hang(*args, **kwargs):
            signal_and_hang()
        validation.validate = hang
    """,
    "inside the load transaction": """
        from ahual.warehouse import store
        real = store.insert_batch
        def hang(con, **batch):
            real(con, **batch)
            signal_and_hang()
        store.insert_batch = hang
    """,
    "inside the build transaction": """
        from ahual.warehouse import runner
        def hang(con, **options):
            con.execute("CREATE OR REPLACE TABLE marts.registrations AS SELECT 1 AS broken")
            signal_and_hang()
        runner.build = hang
    """,
    "while publishing": """
        import shutil
        from ahual.warehouse import store
        def hang(self):
            staging = self.published.with_name(f".{self.published.name}.{os.getpid()}.tmp")
            shutil.copyfile(self.working, staging)
            signal_and_hang()
        store.Warehouse.publish = hang
    """,
}
CHILD = """
import os, sys, time
from pathlib import Path

def signal_and_hang():
    Path(sys.argv[1]).write_text("here")
    time.sleep(600)

{patch}
from ahual.flows.cli import main
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
        env = dict(os.environ)
        env.pop("PREFECT_API_URL", None)
        if not own_server:
            env.update(prefect_env)
        process = subprocess.Popen([sys.executable, "-c", code, str(marker), str(report)],
                                   env=env, cwd=REPO, stdout=subprocess.PIPE,
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
    with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as con:
        files = [r[0] for r in con.execute("SELECT file_name FROM raw.load_batches "
                                           "WHERE file_name IN ('x', '2010.csv')").fetchall()]
        rows = con.execute("SELECT count(*) FROM marts.registrations "
                           "WHERE as_of = DATE '2010-01-01'").fetchone()[0]
    return files, rows


@pytest.mark.parametrize("point", list(HANG_AT))
def test_a_load_killed_at_any_stage_changes_nothing_and_the_next_run_is_clean(
        point, demo_copy, tmp_path, child):
    report = write_csv(tmp_path / "2010.csv", REPORT)
    before = digest(settings.home().published_warehouse)
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
    assert digest(settings.home().published_warehouse) == before
    assert main(["ingest", "registrations", str(report)]) == 0
    assert loaded_2010() == (["2010.csv"], 2)
    assert main(["doctor"]) == 0


def test_a_full_disk_fails_the_load_cleanly(demo_copy, tmp_path, child):
    report = write_csv(tmp_path / "2010.csv", REPORT)
    before = digest(settings.home().published_warehouse)
    # no file may grow past this: the disk is full
    limit = settings.home().working_warehouse.stat().st_size
    process = child(None, tmp_path / "unused", report, preexec_fn=lambda: resource.setrlimit(
        resource.RLIMIT_FSIZE, (limit, limit)))
    output = process.communicate(timeout=300)[0].decode()
    assert process.returncode != 0, output
    assert digest(settings.home().published_warehouse) == before
    assert main(["ingest", "registrations", str(report)]) == 0
    assert loaded_2010() == (["2010.csv"], 2)


def test_two_loads_of_the_same_region_at_once_both_finish(demo_copy, tmp_path, child):
    first = write_csv(tmp_path / "2010.csv", REPORT)
    second = write_csv(tmp_path / "2010-corrected.csv",
                       [r if r[3] != "130" else r[:3] + ["131"] for r in REPORT])
    # Two commands with no server running start at once: one starts the local server, the
    # other waits for it and uses it (the others share the session's).
    a = child(None, tmp_path / "a", first, own_server=True)
    b = child(None, tmp_path / "b", second, own_server=True)
    try:
        outputs = [p.communicate(timeout=300)[0].decode() for p in (a, b)]
    finally:
        from ahual.flows.ops import server

        server.stop(settings.home())  # the one local server both commands shared
    assert (a.returncode, b.returncode) == (0, 0), outputs
    assert sum("starting Ahual's local Prefect server" in o for o in outputs) <= 1
    with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as con:
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
