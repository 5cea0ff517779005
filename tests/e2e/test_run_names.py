"""The Prefect runs page shows what each run did without opening it: runs named for their work,
a refused file logged at ERROR with its first reasons, its check task Failed (Rejected). Read
back through the Prefect API of the test harness's server."""

from __future__ import annotations

import time
from pathlib import Path
from uuid import UUID

import duckdb
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterId,
    LogFilter,
    LogFilterFlowRunId,
    LogFilterLevel,
)
from prefect.client.schemas.objects import StateType

from ahual.flows.cli import main
from tests.helpers import write_csv

HEADER = ["as_of", "region", "confession", "associations"]


def report(path: Path, region: str) -> Path:
    return write_csv(path, [HEADER, ["2008-01-01", region, "ISL-SAMK", "120"],
                            ["2008-01-01", region, "ORT-ROC", "7"]])


def run_ids(home: Path, table: str) -> list[str]:
    with duckdb.connect(str(home / "work" / "warehouse.duckdb"), read_only=True) as con:
        return [r[0] for r in con.execute(f"SELECT DISTINCT flow_run_id FROM raw.{table} "
                                          "WHERE flow_run_id IS NOT NULL").fetchall()]


def errors_of(client, run_id: UUID, wait: float = 20) -> list[str]:
    """The run's log lines at ERROR or above (logs reach the server in batches)."""
    deadline = time.monotonic() + wait
    while True:
        logs = client.read_logs(log_filter=LogFilter(
            flow_run_id=LogFilterFlowRunId(any_=[run_id]), level=LogFilterLevel(ge_=40)))
        if logs or time.monotonic() > deadline:
            return [log.message for log in logs]
        time.sleep(0.5)


def test_an_ingest_run_is_named_and_its_refusal_is_an_error_and_a_failed_check(home,
                                                                                tmp_path):
    good = report(tmp_path / "akmola.csv", "Akmola Region")
    bad = report(tmp_path / "atlantis.csv", "Atlantis Region")
    assert main(["ingest", "registrations", str(good), str(bad)]) == 1
    [run_id] = run_ids(home, "rejections")
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(run_id))
        assert run.name == "registrations: 2 files"
        assert run.state.name == "Rejected" and run.state.type == StateType.FAILED
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[run.id])))
        states = {t.name: (t.state.type, t.state.name) for t in tasks}
        assert states["check atlantis.csv"] == (StateType.FAILED, "Rejected")
        assert states["check akmola.csv"][0] == StateType.COMPLETED
        errors = errors_of(client, run.id)
    [line] = [e for e in errors if e.startswith("REJECTED atlantis.csv")]
    assert line.startswith("REJECTED atlantis.csv (registrations, stage file): atlantis.csv, "
                           "row 2: unknown region «Atlantis Region»")
    assert "(rule: known region)" in line and "quarantine" in line
    assert not [e for e in errors if "akmola.csv" in e]


def test_one_file_runs_are_named_by_file_and_option_and_inbox_runs_by_count(home, tmp_path):
    good = report(tmp_path / "akmola.csv", "Akmola Region")
    assert main(["ingest", "registrations", str(good)]) == 0
    inbox = home / "inbox" / "registrations"
    inbox.mkdir(parents=True)
    report(inbox / "kostanay.csv", "Kostanay Region")
    report(inbox / "pavlodar.csv", "Pavlodar Region")
    assert main(["inbox"]) == 0
    with get_client(sync_client=True) as client:
        names = {client.read_flow_run(UUID(i)).name for i in run_ids(home, "load_batches")}
        built = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[UUID(i) for i in run_ids(home, "load_batches")])))
    assert {"registrations: akmola.csv", "inbox: 2 files"} <= names
    assert all(r.state.type == StateType.COMPLETED for r in built)
