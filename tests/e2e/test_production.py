"""Beyond one machine, for real (flows/ops/production/README.md): a Prefect server on
PostgreSQL, the process work pool, the deployments of flows/prefect.yaml, and two workers
sharing one AHUAL_HOME.

The module starts it all once (`production`), runs the scenario and stops everything before any
test looks at what happened:

- two runs of `inbox-ingest` are created at once, and with them a run of a second writer
  (`build-marts`, deployed by this test only): the inbox deployment's own limit queues its second
  run, and only the global writer limit `ahual-warehouse-writer` stands between the inbox run and
  the build, which run at the same time on the two workers;
- then `quarterly-snapshot` (it reads the published warehouse), the same files through a plain
  `ahual inbox` on a second AHUAL_HOME (one machine), and `prefect deploy` again (an upgrade).

Who held the writer limit, and when, is read from the server's concurrency events; which worker
ran what from its `executed-flow-run` events. The server is shared, so it is authenticated
(PREFECT_SERVER_API_AUTH_STRING, a fresh secret per run): a client without the secret is
refused, and neither the secret nor the database's credentials are written anywhere Ahual or
Prefect writes. PostgreSQL comes from .ci/install-postgres.sh (or AHUAL_TEST_POSTGRES_URL, a
role that may create databases); each run gets a fresh database, dropped at the end. Without
PostgreSQL the module skips and says how to get it.
"""

from __future__ import annotations

import asyncio
import base64
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import duckdb
import httpx
import pytest

from ahual.flows.ops.server import free_port
from tests.helpers import REPO

POOL = "ahual"
WRITER_LIMIT = "ahual-warehouse-writer"
INSTALL_SCRIPT = REPO / ".ci" / "install-postgres.sh"
PG_URL_FILE = Path(os.environ.get("AHUAL_PG_DIR", "/tmp/ahual-postgres")) / "url"
BAD_FILE = "2009-07-01_zhambyl_has-errors.csv"
LOCK_WAIT = "waiting for another Ahual load or build to finish"  # store.Warehouse.exclusive
WAIT_SECONDS = 180  # the longest any one step may take before the test gives up


@pytest.fixture(scope="module")
def prefect_harness():
    """This module runs its own Prefect server, on PostgreSQL."""
    yield None


# --- PostgreSQL ---------------------------------------------------------------------------------

def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _sql(dsn: str, *statements: str) -> str | None:
    """Run statements on PostgreSQL; the error if it cannot be reached."""
    import asyncpg

    async def run():
        con = await asyncpg.connect(_asyncpg_dsn(dsn), timeout=10)
        try:
            for statement in statements:
                await con.execute(statement)
        finally:
            await con.close()

    try:
        asyncio.run(run())
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def _postgres_installed() -> bool:
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb") or shutil.which("initdb"))


@pytest.fixture(scope="module")
def postgres_admin():
    """A URL of a PostgreSQL role that may create databases, and whether this test started the
    cluster (then it stops it again)."""
    url = os.environ.get("AHUAL_TEST_POSTGRES_URL")
    started = False
    if not url:
        if not PG_URL_FILE.exists() or _sql(PG_URL_FILE.read_text().strip(), "SELECT 1"):
            if not _postgres_installed():
                pytest.skip("PostgreSQL is not installed: run .ci/install-postgres.sh (Debian's "
                            "postgresql, a test cluster on 127.0.0.1:54329) or set "
                            "AHUAL_TEST_POSTGRES_URL=postgresql+asyncpg://USER:PASSWORD@HOST:"
                            "PORT/DB for a role that may create databases")
            started = True  # installed, not running: start the test cluster (never installs)
            out = subprocess.run(["bash", str(INSTALL_SCRIPT), "--no-install"],
                                 capture_output=True, text=True, timeout=120)
            if not PG_URL_FILE.exists():
                pytest.skip(f"PostgreSQL is installed but .ci/install-postgres.sh could not start "
                            f"a cluster: {out.stdout.strip()} {out.stderr.strip()}")
        url = PG_URL_FILE.read_text().strip()
    problem = _sql(url, "SELECT 1")
    if problem:
        pytest.skip(f"PostgreSQL at {url.split('@')[-1]} cannot be reached ({problem}); run "
                    f".ci/install-postgres.sh")
    yield url
    if started:
        subprocess.run(["bash", str(INSTALL_SCRIPT), "--stop"], capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def prefect_database(postgres_admin: str):
    """A fresh database for this run's Prefect server, dropped at the end."""
    name = f"ahual_e2e_{uuid4().hex[:10]}"
    problem = _sql(postgres_admin, f'CREATE DATABASE "{name}"')
    assert problem is None, f"cannot create the test database: {problem}"
    base, _, _ = postgres_admin.rpartition("/")
    yield f"{base}/{name}"
    problem = _sql(postgres_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert problem is None, f"cannot drop the test database {name}: {problem}"


# --- processes ----------------------------------------------------------------------------------

class Processes:
    """Every process the test starts, each in its own process group, with its output in a log
    file; `stop()` ends the groups and whatever they started in groups of their own."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict, cwd: Path | None = None
              ) -> subprocess.Popen:
        with open(self.folder / f"{name}.log", "wb") as log:
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, env=env,
                                       cwd=cwd or self.folder, start_new_session=True)
        self.started.append((name, process))
        return process

    def log(self, name: str, tail: int = 4000) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""

    def finish(self, name: str, process: subprocess.Popen, timeout: float = WAIT_SECONDS) -> int:
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} did not finish within {timeout:.0f} s:\n{self.log(name)}")

    def stop(self) -> None:
        for _name, process in reversed(self.started):
            groups = {process.pid} | {_group(pid) for pid in _descendants(process.pid)}
            for signum in (signal.SIGTERM, signal.SIGKILL):
                for group in groups - {None}:
                    try:
                        os.killpg(group, signum)
                    except ProcessLookupError:
                        pass
                try:
                    process.wait(15 if signum == signal.SIGTERM else 5)
                    if not any(_alive_group(g) for g in groups - {None}):
                        break
                except subprocess.TimeoutExpired:
                    continue


def _parents() -> dict[int, int]:
    found = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            found[int(stat.split("/")[2])] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    return found


def _descendants(pid: int) -> list[int]:
    parents, found, todo = _parents(), [], [pid]
    while todo:
        current = todo.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        todo += children
    return found


def _group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return None


def _alive_group(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _clean_environment() -> dict[str, str]:
    """This process's environment without its Prefect and Ahual settings (the session's test
    harness sets some): each process below gets exactly the ones its service would have."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "AHUAL_"))}
    return env | {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
                  "AHUAL_DAEMON": "0"}


def _credentials(url: str) -> str:
    """user:password@host:port of a database URL."""
    return url.split("://", 1)[1].split("/", 1)[0]


def _until(what: str, check, timeout: float = WAIT_SECONDS, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(every)
    pytest.fail(f"gave up after {timeout:.0f} s waiting for {what}")


def _settle(check, timeout: float):
    """`check()`'s first true value within `timeout` seconds, else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    return None


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# --- the scenario -------------------------------------------------------------------------------

@dataclass
class Run:
    id: str
    label: str  # what the test created it for
    deployment: str
    state_type: str = ""
    state_name: str = ""
    message: str = ""
    start: datetime | None = None
    end: datetime | None = None
    worker: str = ""
    held: list[tuple[datetime, datetime]] = field(default_factory=list)  # the writer limit
    logs: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    runs: dict[str, Run]  # by label
    holders: list[tuple[datetime, datetime, str]]  # every holder of the writer limit
    writer_limit: dict
    workers: list[str]
    scheduled: dict[str, int]  # deployment -> runs the scheduler created from prefect.yaml
    deployments_before: dict
    deployments_after: dict
    runs_before_redeploy: int
    runs_after_redeploy: int
    one_machine_exit: int
    one_machine_output: str
    shared: Path
    single: Path
    seconds: dict[str, float]
    folder: Path  # the processes' logs
    secrets: list[str]  # the auth string's password, the database's user:password@host
    without_auth: dict[str, str | int]  # what clients without the auth string got
    from_api: str  # every artifact and every run log, as the API gives them

    def timeline(self) -> str:
        t0 = min((r.start for r in self.runs.values() if r.start), default=datetime.now(UTC))

        def at(moment: datetime | None) -> str:
            return f"{(moment - t0).total_seconds():7.1f}" if moment else "      -"

        header = f"{'run':<14} {'worker':<9} {'start':>7} {'end':>7}  {'writer limit held':<22}"
        rows = [f"{header} final state"]
        for r in sorted(self.runs.values(), key=lambda r: r.start or t0):
            held = ", ".join(f"{(a - t0).total_seconds():.1f}-{(b - t0).total_seconds():.1f}"
                             for a, b in r.held) or "-"
            rows.append(f"{r.label:<14} {r.worker or '-':<9} {at(r.start)} {at(r.end)}"
                        f"  {held:<22} {r.state_name}: {r.message[:70]}")
        rows += [f"{'':<14} writer limit held by {who}: {at(a).strip()}-{at(b).strip()}"
                 for a, b, who in self.holders if who.startswith("one machine")]
        rows.append(f"(seconds after {t0:%H:%M:%S.%f}Z)")
        return "\n".join(rows)


class Api:
    def __init__(self, url: str, auth: str):
        self.http = httpx.Client(base_url=url, timeout=30, headers={
            "Authorization": f"Basic {base64.b64encode(auth.encode()).decode()}"})

    def __call__(self, method: str, path: str, body: dict | None = None):
        answer = self.http.request(method, path, json=body)
        assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json() if answer.content else None

    def deployments(self) -> dict[str, dict]:
        return {d["name"]: d for d in self("POST", "/deployments/filter", {})}

    def runs(self, ids: list[str]) -> dict[str, dict]:
        body = {"flow_runs": {"id": {"any_": ids}}, "limit": 200}
        return {r["id"]: r for r in self("POST", "/flow_runs/filter", body)}

    def events(self, prefix: str, since: datetime) -> list[dict]:
        body = {"filter": {"event": {"prefix": [prefix]}, "order": "ASC",
                           "occurred": {"since": since.isoformat(),
                                        "until": (datetime.now(UTC) + timedelta(minutes=5))
                                        .isoformat()}},
                "limit": 50}  # the most the API gives at once; the test makes fewer
        return self("POST", "/events/filter", body)["events"]


def _related(event: dict, kind: str) -> str | None:
    for resource in event["related"]:
        if resource["prefect.resource.id"].startswith(f"prefect.{kind}."):
            return resource["prefect.resource.id"].removeprefix(f"prefect.{kind}.")
    return None


@pytest.fixture(scope="module")
def production(prefect_database: str, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    folder = tmp_path_factory.mktemp("production")
    shared, single = folder / "shared-home", folder / "one-machine-home"
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    auth = f"ahual:{uuid4().hex}"  # the shared server's secret (basic auth), fresh per run
    processes = Processes(folder)
    prefect = [sys.executable, "-m", "prefect"]
    base = _clean_environment()
    client_env = base | {"PREFECT_API_URL": api_url, "PREFECT_HOME": str(folder / "client"),
                         "PREFECT_API_AUTH_STRING": auth}
    seconds: dict[str, float] = {}
    began = time.monotonic()

    def lap(name: str) -> None:
        seconds[name] = round(time.monotonic() - began, 1)

    def cli(name: str, argv: list[str], env: dict, cwd: Path = REPO) -> str:
        rc = processes.finish(name, processes.start(name, argv, env, cwd))
        assert rc == 0, f"{' '.join(argv[2:])} exited {rc}:\n{processes.log(name)}"
        return processes.log(name)

    try:
        # 1. the server, on PostgreSQL (test-only speed-ups: a queued run of a deployment with a
        #    concurrency limit retries after 2 s instead of 30 s; the scheduler loops every 5 s)
        server = processes.start("server", prefect + [
            "server", "start", "--host", "127.0.0.1", "--port", str(port)], base | {
            "PREFECT_HOME": str(folder / "server"),
            "PREFECT_SERVER_API_AUTH_STRING": auth,
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_database,
            "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "2",
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5"})

        def healthy() -> bool:
            if server.poll() is not None:
                pytest.fail(f"the Prefect server stopped:\n{processes.log('server')}")
            try:
                return httpx.get(f"{api_url}/health", timeout=2).json() is True
            except (httpx.HTTPError, ValueError):
                return False

        _until("the Prefect server on PostgreSQL", healthy)
        lap("server up")
        api = Api(api_url, auth)
        # a client without the secret: the API and Prefect's own CLI are refused
        without_auth: dict[str, str | int] = {
            "api": httpx.post(f"{api_url}/flow_runs/filter", json={}, timeout=30).status_code,
            "wrong": Api(api_url, "ahual:wrong").http.post("/flow_runs/filter",
                                                           json={}).status_code}
        refused = processes.start("no-auth", prefect + ["work-pool", "ls"], {
            k: v for k, v in client_env.items() if k != "PREFECT_API_AUTH_STRING"})
        without_auth["cli"] = processes.finish("no-auth", refused)
        without_auth["cli_output"] = processes.log("no-auth")

        # 2. the pool, then the deployments and the two workers at the same time
        cli("work-pool", prefect + ["work-pool", "create", POOL, "--type", "process"], client_env)
        deploy = processes.start("deploy", prefect + [
            "deploy", "--all", "--prefect-file", "flows/prefect.yaml"], client_env, REPO)
        workers = []
        for n in (1, 2):
            workers.append(f"worker-{n}")
            processes.start(f"worker-{n}", prefect + [
                "worker", "start", "--pool", POOL, "--name", f"worker-{n}", "--limit", "1"],
                base | {"PREFECT_API_URL": api_url, "PREFECT_API_AUTH_STRING": auth,
                        "PREFECT_HOME": str(folder / f"worker-{n}"),
                        "AHUAL_HOME": str(shared), "AHUAL_INBOX_SETTLE_SECONDS": "0",
                        "PREFECT_WORKER_QUERY_SECONDS": "1",
                        "PREFECT_WORKER_PREFETCH_SECONDS": "1"}, folder)
        rc = processes.finish("deploy", deploy)
        assert rc == 0, f"prefect deploy exited {rc}:\n{processes.log('deploy')}"
        lap("deployed")
        _until("two workers online", lambda: {w["name"] for w in api(
            "POST", f"/work_pools/{POOL}/workers/filter", {}) if w["status"] == "ONLINE"}
            >= set(workers))
        lap("workers online")
        deployments_before = api.deployments()

        # the schedules of prefect.yaml work (the scheduler makes runs); none may fall in the
        # test's window (the daily inbox run at 07:00 Almaty would take the test's files)
        ours = {d["id"]: name for name, d in deployments_before.items()}

        def scheduled() -> dict[str, list]:
            found: dict[str, list] = {}
            for r in api("POST", "/flow_runs/filter", {
                    "flow_runs": {"deployment_id": {"any_": list(ours)},
                                  "state": {"type": {"any_": ["SCHEDULED"]}}}, "limit": 200}):
                found.setdefault(ours[r["deployment_id"]], []).append(r)
            return found if len(found) == len(ours) else {}

        auto = _until("the scheduler to create runs from prefect.yaml's schedules", scheduled)
        soon = datetime.now(UTC) + timedelta(minutes=15)
        for r in (r for rs in auto.values() for r in rs
                  if _time(r["expected_start_time"]) < soon):
            api("POST", f"/flow_runs/{r['id']}/set_state", {
                "state": {"type": "CANCELLED", "message": "in the test's window"}, "force": True})

        # a second writing deployment (test only): nothing but the writer limit orders it with
        # the inbox run
        flow = api("POST", "/flows/", {"name": "build-marts"})
        probe = api("POST", "/deployments/", {
            "name": "writer-probe", "flow_id": flow["id"],
            "entrypoint": "ahual.flows.pipeline:build_marts", "work_pool_name": POOL,
            "pull_steps": [], "description": "tests/e2e/test_production.py: a second writer"})

        # 3. files in the shared inbox, then two inbox runs and the build at once
        inbox = shared / "inbox" / "registrations"
        inbox.mkdir(parents=True)
        for demo_home in (shared, single):  # the walkthrough sends the made-up demo files
            demo_home.mkdir(parents=True, exist_ok=True)
            (demo_home / "MADE-UP-DEMO-DATA.txt").write_text("a demo of production\n")
        demo = REPO / "datasets" / "demo" / "registrations"
        for path in sorted(demo.iterdir()):
            shutil.copy2(path, inbox / path.name)
        since = datetime.now(UTC) - timedelta(seconds=5)
        inbox_id = deployments_before["inbox-ingest"]["id"]
        created = {}
        for label, deployment_id in (("inbox 1", inbox_id), ("inbox 2", inbox_id),
                                     ("build-marts", probe["id"])):
            run = api("POST", f"/deployments/{deployment_id}/create_flow_run", {})
            created[label] = run["id"]
        lap("runs created")

        def finished(ids: list[str]):
            found = api.runs(ids)
            done = all(r["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
                       for r in found.values())
            return found if done and len(found) == len(ids) else None

        _until("the three writing runs to finish", lambda: finished(list(created.values())))
        lap("writers done")

        # 4. the snapshot (reads the published warehouse), one machine's `ahual inbox` on a
        #    second AHUAL_HOME, and an upgrade's re-deploy, at the same time
        runs_before_redeploy = len(api("POST", "/flow_runs/filter", {
            "flow_runs": {"deployment_id": {"any_": [inbox_id]},
                          "state": {"type": {"any_": ["COMPLETED", "FAILED"]}}}, "limit": 200}))
        created["snapshot"] = api(
            "POST", f"/deployments/{deployments_before['quarterly-snapshot']['id']}"
            "/create_flow_run", {})["id"]
        (single / "inbox" / "registrations").mkdir(parents=True)
        for path in sorted(demo.iterdir()):
            shutil.copy2(path, single / "inbox" / "registrations" / path.name)
        one_machine = processes.start("one-machine", [sys.executable, "-m", "ahual.flows", "inbox"],
                                      base | {"PREFECT_API_URL": api_url,
                                              "PREFECT_API_AUTH_STRING": auth,
                                              "AHUAL_HOME": str(single),
                                              "AHUAL_INBOX_SETTLE_SECONDS": "0"})
        redeploy = processes.start("redeploy", prefect + [
            "deploy", "--all", "--prefect-file", "flows/prefect.yaml"], client_env, REPO)
        one_machine_exit = processes.finish("one-machine", one_machine)
        rc = processes.finish("redeploy", redeploy)
        assert rc == 0, f"prefect deploy (again) exited {rc}:\n{processes.log('redeploy')}"
        final = _until("the snapshot run to finish", lambda: finished(list(created.values())))
        lap("all done")
        deployments_after = api.deployments()
        runs_after_redeploy = len(api("POST", "/flow_runs/filter", {
            "flow_runs": {"deployment_id": {"any_": [inbox_id]},
                          "state": {"type": {"any_": ["COMPLETED", "FAILED"]}}}, "limit": 200}))

        # 5. what happened, from the API (events are stored a moment after they happen)
        names = {v: k for k, v in created.items()}
        runs = {}
        for run_id, r in final.items():
            runs[names[run_id]] = Run(
                run_id, names[run_id], r["deployment_id"], r["state"]["type"],
                r["state"]["name"], r["state"]["message"] or "", _time(r["start_time"]),
                _time(r["end_time"]))
        writer_limit = api("GET", f"/v2/concurrency_limits/{WRITER_LIMIT}")
        limit_resource = f"prefect.concurrency-limit.{writer_limit['id']}"

        def read_events(whole: bool = True):
            executed = {_related(e, "flow-run"): e["resource"]["prefect.resource.id"]
                        for e in api.events("prefect.worker.executed-flow-run", since)}
            slots = [e for e in api.events("prefect.concurrency-limit.", since)
                     if e["resource"]["prefect.resource.id"] == limit_resource
                     and e["event"].rsplit(".", 1)[-1] in ("acquired", "released")]
            released = sum(e["event"].endswith(".released") for e in slots)
            complete = set(names) <= set(executed) and released * 2 == len(slots)
            return (executed, slots) if complete or not whole else None

        executed, slots = _settle(read_events, 30) or read_events(whole=False)
        for run_id, worker in executed.items():
            if run_id in names:
                runs[names[run_id]].worker = worker.rsplit(".", 1)[-1]
        acquired: dict[str, datetime] = {}
        holders = []
        for event in slots:
            run_id = _related(event, "flow-run") or "?"
            if event["event"].endswith(".acquired"):
                acquired[run_id] = _time(event["occurred"])
            elif run_id in acquired:
                interval = (acquired.pop(run_id), _time(event["occurred"]))
                holders.append((*interval, names.get(run_id, f"one machine ({run_id[:8]})")))
                if run_id in names:
                    runs[names[run_id]].held.append(interval)
        assert not acquired, f"writer limit acquired and never released by {acquired}"
        for run in runs.values():
            run.logs = [entry["message"] for entry in api("POST", "/logs/filter", {
                "logs": {"flow_run_id": {"any_": [run.id]}}, "limit": 200})]
        from_api = json.dumps([api("POST", "/artifacts/filter", {"limit": 200}),
                               api("POST", "/logs/filter", {"limit": 200})])
        lap("read back")
        return Outcome(
            runs=runs, holders=sorted(holders), writer_limit=writer_limit, workers=workers,
            scheduled={name: len(rs) for name, rs in auto.items()},
            deployments_before=deployments_before, deployments_after=deployments_after,
            runs_before_redeploy=runs_before_redeploy, runs_after_redeploy=runs_after_redeploy,
            one_machine_exit=one_machine_exit, one_machine_output=processes.log("one-machine"),
            shared=shared, single=single, seconds=seconds, folder=folder,
            secrets=[auth.split(":", 1)[1], _credentials(prefect_database)],
            without_auth=without_auth, from_api=from_api)
    except BaseException:
        print(f"milestones (s from start): {seconds}")
        for name, _process in processes.started:
            print(f"--- {name}.log (end) ---\n{processes.log(name, 6000)}")
        raise
    finally:
        processes.stop()


# --- what it did --------------------------------------------------------------------------------

def test_the_deployments_of_prefect_yaml_run_on_two_workers(production: Outcome):
    print("\n" + production.timeline())
    print(f"milestones (s from start): {production.seconds}")
    runs = production.runs
    assert {r.state_type for r in runs.values()} <= {"COMPLETED", "FAILED"}, production.timeline()
    # the writer that got the files rejects the bad one and loads the rest; the other inbox run
    # finds nothing left; the build and the snapshot complete
    inbox = sorted((runs["inbox 1"], runs["inbox 2"]), key=lambda r: r.start)
    loader, second = inbox
    assert (loader.state_type, loader.state_name) == ("FAILED", "Rejected"), production.timeline()
    assert BAD_FILE in loader.message and "1 of 5 file(s) rejected" in loader.message
    assert (second.state_type, second.message) == ("COMPLETED", "inbox: nothing waiting")
    assert runs["build-marts"].state_type == "COMPLETED", runs["build-marts"].message
    assert runs["snapshot"].state_type == "COMPLETED", runs["snapshot"].message
    # the two workers both ran flows: the inbox run and the build were on different ones
    assert {r.worker for r in runs.values()} == set(production.workers), production.timeline()
    assert runs["build-marts"].worker != loader.worker, production.timeline()
    # the shared inbox: loaded files aside as processed, the bad one as rejected and quarantined
    inbox_folder = production.shared / "inbox" / "registrations"
    assert sorted(p.name for p in inbox_folder.glob("processed/*/*")) == sorted(
        p.name for p in (REPO / "datasets" / "demo" / "registrations").iterdir()
        if p.name != BAD_FILE)
    assert [p.name for p in inbox_folder.glob("rejected/*/*")] == [BAD_FILE]
    reasons = list((production.shared / "quarantine").rglob("reason.json"))
    assert len(reasons) == 1 and json.loads(reasons[0].read_text())["file"] == BAD_FILE


def test_one_writer_at_a_time_across_the_workers(production: Outcome):
    runs, timeline = production.runs, production.timeline()
    assert production.writer_limit["limit"] == 1
    assert production.writer_limit["active_slots"] == 0, "a writer slot is left taken"
    first, second = sorted((runs["inbox 1"], runs["inbox 2"]), key=lambda r: r.start)
    writers = [first, runs["build-marts"]]
    assert [len(r.held) for r in writers] == [1, 1], timeline
    # the second inbox run found nothing waiting, so it wrote nothing; the snapshot only reads
    assert not second.held and not runs["snapshot"].held, timeline
    # nobody held the writer limit while another did: not these runs, nor the one machine's
    # `ahual inbox` on the same server
    holders = production.holders
    assert len(holders) == 3, holders
    for (_, end, who), (start, _, after) in zip(holders, holders[1:], strict=False):
        assert end <= start, f"{who} still held the writer limit when {after} took it\n{timeline}"
    # the two inbox runs did not even run at once (the deployment's own limit queued one)...
    assert first.end <= second.start, timeline
    # ...while the inbox run and the build did, on two workers: only the writer limit kept
    # their writing apart
    loader, build = first, runs["build-marts"]
    assert loader.start < build.end and build.start < loader.end, (
        f"the inbox run and the build did not run at the same time, so the writer limit was "
        f"not tested\n{timeline}")
    # and the lock file never had to: no writer waited on it
    for run in writers:
        assert not [m for m in run.logs if LOCK_WAIT in m], f"{run.label} waited on the lock file"


def _mart_hashes(home: Path) -> dict[str, tuple[int, str]]:
    """Every mart's row count and a hash of its rows in order."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        marts = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' "
            "ORDER BY 1").fetchall()]
        return {t: con.execute(
            f"SELECT count(*), md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) FROM "
            f"(SELECT CAST(t AS VARCHAR) AS r FROM marts.{t} t)").fetchone() for t in marts}


def test_the_marts_equal_those_of_one_machine(production: Outcome):
    assert production.one_machine_exit == 1, production.one_machine_output  # 1: one rejected
    shared, single = _mart_hashes(production.shared), _mart_hashes(production.single)
    assert shared.keys() == single.keys() and len(shared) > 10
    differ = {t: (shared[t], single[t]) for t in shared if shared[t] != single[t]}
    assert not differ, f"marts that differ (rows, md5) shared vs one machine: {differ}"
    assert shared["registrations"][0] > 1000


def test_readers_get_the_snapshot_of_the_published_marts(production: Outcome):
    folders = list((production.shared / "snapshots").iterdir())
    assert len(folders) == 1, folders
    manifest = json.loads((folders[0] / "manifest.json").read_text())
    from ahual.flows.snapshot import mart_spec

    end = manifest["period_end"]  # the quarter of the latest data; a row dated later waits
    with duckdb.connect(str(production.shared / "warehouse.duckdb"), read_only=True) as con:
        for name, entry in manifest["files"].items():
            mart = entry["mart"].removeprefix("marts.")
            column = mart_spec(mart).get("period_column")
            where = [f'"{column}" <= DATE \'{end}\''] if column else []
            if "suppressed" in {c[0] for c in con.execute(f"DESCRIBE marts.{mart}").fetchall()}:
                where.append("NOT coalesce(suppressed, false)")
            published = con.execute(f"SELECT count(*) FROM marts.{mart} "
                                    + (f"WHERE {' AND '.join(where)}" if where else "")
                                    ).fetchone()[0]
            parquet = folders[0] / name
            assert con.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone()[0] \
                == published, mart


def test_redeploying_keeps_the_deployments_schedules_and_history(production: Outcome):
    before, after = production.deployments_before, production.deployments_after
    assert set(production.scheduled) == {"inbox-ingest", "completeness-check",
                                         "consolidated-report", "quarterly-snapshot"}
    def schedules(deployment: dict) -> list:
        return [(s["id"], s["slug"], s["schedule"], s["active"]) for s in deployment["schedules"]]

    for name, deployment in before.items():
        assert after[name]["id"] == deployment["id"], name
        assert schedules(after[name]) == schedules(deployment), name
        assert not after[name]["paused"]
    assert before["inbox-ingest"]["schedules"][0]["schedule"]["timezone"] == "Asia/Almaty"
    assert production.runs_after_redeploy == production.runs_before_redeploy == 2


def test_the_shared_server_refuses_a_client_without_its_secret(production: Outcome):
    refused = production.without_auth
    assert (refused["api"], refused["wrong"]) == (401, 401), refused
    assert refused["cli"] != 0 and "401" in str(refused["cli_output"]), refused["cli_output"]
    # ...while the workers, the deploys and `ahual inbox`, given it, did their work
    assert production.deployments_before and production.one_machine_exit == 1


def test_no_secret_is_written_anywhere(production: Outcome):
    """Not in prefect.yaml, the processes' logs, the homes (warehouse, snapshots, quarantine,
    Data Docs), nor what the API keeps (artifacts, run logs)."""
    places = [REPO / "flows" / "prefect.yaml", *production.folder.rglob("*"),
              *production.shared.rglob("*"), *production.single.rglob("*")]
    files = [p for p in places if p.is_file() and not p.is_symlink()]
    assert any(p.suffix == ".parquet" for p in files) and any(p.suffix == ".log" for p in files)
    for secret in production.secrets:
        assert len(secret) >= 12 and ("@" in secret or len(set(secret)) > 8)
        found = [str(p) for p in files if secret.encode() in p.read_bytes()]
        assert not found, f"a secret is written in {found}"
        assert secret not in production.from_api
