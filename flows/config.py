"""Where things live: the repository's own files and the analyst's state under AHUAL_HOME.

Nothing here touches the disk at import time; every path is computed on call so a test or a
notebook can point AHUAL_HOME elsewhere with an environment variable.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATASETS = REPO_ROOT / "datasets"
REFERENCE = DATASETS / "reference"
CONTRACTS = DATASETS / "contracts"
DEMO = DATASETS / "demo"
EXPECTATIONS = REPO_ROOT / "expectations"
WAREHOUSE_MODELS = REPO_ROOT / "warehouse"


def ahual_home() -> Path:
    """The analyst's state folder: `AHUAL_HOME`, or `.ahual/` in the working directory."""
    return Path(os.environ.get("AHUAL_HOME", ".ahual")).resolve()


def published_warehouse() -> Path:
    """The read-only copy notebooks and other tools open; always the last successful build."""
    return ahual_home() / "warehouse.duckdb"


def working_warehouse() -> Path:
    """The single writer's file: loads and builds happen here, then are published by copy."""
    return ahual_home() / "work" / "warehouse.duckdb"


def quarantine_dir() -> Path:
    return ahual_home() / "quarantine"


def snapshots_dir() -> Path:
    return ahual_home() / "snapshots"


def reports_dir() -> Path:
    return ahual_home() / "reports"


def inbox_dir() -> Path:
    return ahual_home() / "inbox"


def gx_root() -> Path:
    """Great Expectations project (validation store and Data Docs) for this AHUAL_HOME."""
    return ahual_home() / "gx"


def data_docs_index() -> Path:
    return gx_root() / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def code_version() -> str:
    """The git commit of this checkout (with "+dirty" if it has local changes), else the
    package version."""
    import subprocess

    try:
        commit = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=True).stdout
        dirty = subprocess.run(["git", "-C", str(REPO_ROOT), "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout
        return commit.strip() + ("+dirty" if dirty.strip() else "")
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import version

        return f"ahual {version('ahual')}"
