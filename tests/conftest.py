"""Shared fixtures: one Prefect server for the whole run (the test harness's, used by `ahual`
subprocesses too), a fresh AHUAL_HOME per test, and a demo warehouse built once for the tests
that read marts."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
# Commands run in the test's own process (or subprocess), never in a warm worker left running.
os.environ["AHUAL_DAEMON"] = "0"
# The harness's server runs no lease repossessor, so a writer a fault test kills would hold
# Prefect's global writer limit for ever: one machine's lock file is what these tests exercise
# (tests/e2e/test_production.py takes the limit, against a real server).
os.environ["AHUAL_WRITER_LIMIT"] = "0"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
for _handler in ("CONSOLE", "CONSOLE_FLOW_RUNS", "CONSOLE_TASK_RUNS"):
    os.environ.setdefault(f"PREFECT_LOGGING_HANDLERS_{_handler}_LEVEL", "WARNING")


@pytest.fixture(scope="session", autouse=True)
def prefect_harness():
    """The harness's server, started once for the run; yields its API URL, which every flow of
    the run (and every `ahual` subprocess given `prefect_env`) uses. A module whose tests need
    no Prefect overrides this fixture with one that yields None."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        os.environ["PREFECT_API_URL"] = PREFECT_API_URL.value()
        yield PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def prefect_env(prefect_harness: str) -> dict[str, str]:
    """Environment for `ahual` subprocesses: the session's server instead of their own."""
    return {"PREFECT_API_URL": prefect_harness}


@pytest.fixture(autouse=True)
def inbox_settles_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inbox files written by a test are complete when written (tests of the waiting rule set
    their own AHUAL_INBOX_SETTLE_SECONDS)."""
    monkeypatch.setenv("AHUAL_INBOX_SETTLE_SECONDS", "0")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "ahual-home"
    monkeypatch.setenv("AHUAL_HOME", str(path))
    return path


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory, prefect_harness) -> Path:
    """The demo's own home after `ahual demo`, once per test process (its runs are on that
    process's Prefect server, which tests of the demo's runs read)."""
    return _build_demo(tmp_path_factory.mktemp("demo"))


def _build_demo(user: Path) -> Path:
    """Run `ahual demo` through the real CLI entry, as a new user runs it: no AHUAL_HOME, so it
    chooses its own per-user folder, here under a temporary XDG_DATA_HOME. The analyst's
    default home must stay untouched."""
    from ahual.flows import settings
    from ahual.flows.cli import main

    patch = pytest.MonkeyPatch()
    patch.delenv("AHUAL_HOME", raising=False)
    patch.setenv("XDG_DATA_HOME", str(user / "data"))
    try:
        path, default = settings.default_demo_home(), settings.default_home()
        assert main(["demo"]) == 0
    finally:
        os.environ.pop("AHUAL_HOME", None)  # the demo points this process at its home
        patch.undo()
    assert path.is_relative_to(user) and (path / "warehouse.duckdb").exists()
    assert not default.exists(), f"ahual demo wrote into the analyst's default home {default}"
    return path


@pytest.fixture(scope="module")
def demo_con(demo_home: Path):
    """A read-only connection to the demo's published warehouse, shared by a module's tests."""
    import duckdb

    with duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True) as connection:
        yield connection


@pytest.fixture
def in_demo_home(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AHUAL_HOME", str(demo_home))
    return demo_home


@pytest.fixture
def demo_copy(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the demo AHUAL_HOME, for tests that change it."""
    path = tmp_path / "ahual-home"
    shutil.copytree(demo_home, path, ignore=shutil.ignore_patterns("prefect", "gx"))
    monkeypatch.setenv("AHUAL_HOME", str(path))
    return path
