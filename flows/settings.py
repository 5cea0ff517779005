"""Ahual's settings in one object: where the analyst's state lives (AHUAL_HOME) and how Prefect
is reached. Read from the environment on each call, so a test or a notebook can point
AHUAL_HOME elsewhere; nothing here touches the disk.

    AHUAL_HOME            the state folder (default: the per-user data folder, see `default_home`)
    PREFECT_API_URL       a Prefect server to use instead of Ahual's local one
    AHUAL_VERBOSE         1: show Prefect's own log lines on the terminal
    AHUAL_INBOX_SETTLE_SECONDS   how long an inbox file must be unchanged to be taken (60)
    AHUAL_WRITER_WAIT_SECONDS    how long a load waits for another one to finish (600)
    AHUAL_WRITER_LIMIT    1/0: take Prefect's global writer limit (default: with PREFECT_API_URL)
    AHUAL_NOTIFY_URL      a webhook the automations notify (flows/ops/automations.py)
    AHUAL_HOME_MODE       private (default): the home is its owner's alone (folders 0700, files
                          0600); group: its group may read it too (0750/0640), for a team
    AHUAL_IDLE_SECONDS    the local Prefect server and the warm worker leave after this long
                          unused (900; 0: they stay until `ahual server stop`)
"""

from __future__ import annotations

import getpass
import os
from functools import cached_property
from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def user_name() -> str:
    """Who did it, when not said: the login name."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def default_home() -> Path:
    """The per-user data folder (~/.local/share/ahual on Linux), never the working directory:
    a command run from anywhere must not leave a state folder behind it."""
    return user_data_path("ahual", appauthor=False)


def default_demo_home() -> Path:
    """Where `ahual demo` works unless told otherwise: a per-user folder of its own, beside and
    never inside the analyst's home, so made-up figures never mix with real ones."""
    return user_data_path("ahual-demo", appauthor=False)


class Home:
    """The layout of an AHUAL_HOME folder: every path Ahual writes is named here."""

    def __init__(self, root: Path, mode: str | None = None):
        # Every folder and file Ahual creates in a home (DuckDB files, quarantined originals,
        # reports, snapshots, the Prefect database of the server it starts) is created through
        # this process's umask, so it is set where a home is taken up: AHUAL_HOME_MODE's.
        os.umask(HOME_UMASKS[mode or Settings().home_mode])
        self.root = root

    def __repr__(self) -> str:
        return f"Home({str(self.root)!r})"

    published_warehouse = property(lambda self: self.root / "warehouse.duckdb")
    work = property(lambda self: self.root / "work")
    working_warehouse = property(lambda self: self.root / "work" / "warehouse.duckdb")
    writer_lock = property(lambda self: self.root / "work" / "warehouse.lock")
    quarantine = property(lambda self: self.root / "quarantine")
    snapshots = property(lambda self: self.root / "snapshots")
    reports = property(lambda self: self.root / "reports")
    inbox = property(lambda self: self.root / "inbox")
    gx = property(lambda self: self.root / "gx")
    prefect = property(lambda self: self.root / "prefect")
    notebooks = property(lambda self: self.root / "notebooks")
    # the centre's own study registry, laid over the shipped one (flows/kinds/survey/overlay.py)
    studies = property(lambda self: self.root / "studies")
    # the local Prefect server Ahual starts and reuses (flows/ops/server.py)
    server_url_file = property(lambda self: self.prefect / "api-url")
    server_pid_file = property(lambda self: self.prefect / "server.pid")
    server_log = property(lambda self: self.prefect / "server.log")
    server_lock = property(lambda self: self.prefect / "server.lock")

    # `ahual demo` works in a home of its own, marked by this file: everything it writes says
    # its figures are made up, and demo files are refused in any other home.
    # when each received file reached the centre (staging.stg_receipts)
    receipts = property(lambda self: self.root / "receipts.csv")
    demo_marker = property(lambda self: self.root / "MADE-UP-DEMO-DATA.txt")

    @property
    def is_demo(self) -> bool:
        return self.demo_marker.exists()

    @property
    def data_docs_index(self) -> Path:
        return self.gx / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


# private: 0700 folders / 0600 files; group: 0750 / 0640 (the group reads, only the owner writes)
HOME_UMASKS = {"private": 0o077, "group": 0o027}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    home_dir: Path = Field(default_factory=default_home, validation_alias="AHUAL_HOME")
    prefect_api_url: str | None = Field(default=None, validation_alias="PREFECT_API_URL")
    verbose: bool = Field(default=False, validation_alias="AHUAL_VERBOSE")
    # How long a load waits for another one holding the working warehouse.
    writer_wait_seconds: float = Field(default=600, validation_alias="AHUAL_WRITER_WAIT_SECONDS")
    # Prefect's global concurrency limit for writers: None (the default) uses it with a server
    # named by PREFECT_API_URL (a shared server: several machines may write), not with Ahual's
    # own local server (one machine: the lock file suffices, and a killed run frees it at once).
    writer_limit: bool | None = Field(default=None, validation_alias="AHUAL_WRITER_LIMIT")
    # An inbox file is taken once it has not changed for this long (still being copied).
    inbox_settle_seconds: float = Field(default=60, validation_alias="AHUAL_INBOX_SETTLE_SECONDS")
    # Who may read the home besides its owner: nobody, or its group (a team's shared server).
    home_mode: Literal["private", "group"] = Field(default="private",
                                                   validation_alias="AHUAL_HOME_MODE")
    # The local Prefect server and the warm worker leave after this long unused (0: never).
    idle_seconds: float = Field(default=900, validation_alias="AHUAL_IDLE_SECONDS")

    @cached_property
    def home(self) -> Home:
        return Home(self.home_dir.expanduser().resolve(), self.home_mode)

    def prefect_environment(self) -> dict[str, str]:
        """Prefect settings Ahual wants, as environment variables (Prefect reads them when it is
        first imported); values already set in the environment win."""
        level = "INFO" if self.verbose else "WARNING"
        env = {f"PREFECT_LOGGING_HANDLERS_{h}_LEVEL": level
               for h in ("CONSOLE", "CONSOLE_FLOW_RUNS", "CONSOLE_TASK_RUNS")}
        env |= {"PREFECT_HOME": str(self.home.prefect),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "GX_ANALYTICS_ENABLED": "false",
                # results of Ahual's tasks are never reused: no pickles under PREFECT_HOME
                "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false"}
        return env


def settings() -> Settings:
    return Settings()


def home() -> Home:
    return settings().home
