"""`ahual` commands use the local Prefect server that `ahual serve` runs, when it answers,
instead of starting an ephemeral one each (flows/serve.py, flows/cli.py)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from flows.cli import _quiet_prefect
from flows.serve import running_local_server, server_file


@pytest.fixture
def bare_env(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """AHUAL_HOME with no Prefect settings in the environment, as an analyst's shell has
    (monkeypatch also removes what `_quiet_prefect` sets there, after the test)."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_HOME", raising=False)
    server_file().parent.mkdir(parents=True, exist_ok=True)
    return home


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_commands_use_the_server_serve_runs(bare_env: Path, monkeypatch: pytest.MonkeyPatch):
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()  # the session's real server stands in for `ahual serve`'s
    server_file().write_text(url, encoding="utf-8")
    assert running_local_server() == url
    _quiet_prefect(verbose=False)
    assert os.environ["PREFECT_API_URL"] == url
    assert os.environ["PREFECT_HOME"] == str(bare_env / "prefect")


def test_a_server_that_stopped_is_ignored(bare_env: Path):
    server_file().write_text(f"http://127.0.0.1:{free_port()}/api", encoding="utf-8")
    assert running_local_server() is None
    _quiet_prefect(verbose=False)
    assert "PREFECT_API_URL" not in os.environ  # an ephemeral server, as without serve


def test_no_server_file_means_an_ephemeral_server(bare_env: Path):
    assert running_local_server() is None
    _quiet_prefect(verbose=False)
    assert "PREFECT_API_URL" not in os.environ
