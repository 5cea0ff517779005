"""The files that ship with Ahual: reference data and demo inputs (datasets/), input contracts,
GX suites (expectations/) and the SQL models (warehouse/). Found through importlib.resources,
so they are the same in a checkout and in an installed wheel; never written.
"""

from __future__ import annotations

import hashlib
import subprocess
from functools import cache
from importlib import metadata, resources
from pathlib import Path

import yaml


def _package_dir(package: str) -> Path:
    # Ahual is installed as plain files (a wheel or an editable checkout), never zipped, so the
    # traversable is a real folder that DuckDB and pandas can read from by path.
    return Path(str(resources.files(package)))


def datasets() -> Path:
    return _package_dir("ahual.datasets")


def reference() -> Path:
    return datasets() / "reference"


def contracts() -> Path:
    return datasets() / "contracts"


def demo() -> Path:
    return datasets() / "demo"


def expectations() -> Path:
    return _package_dir("ahual.expectations")


def warehouse() -> Path:
    return _package_dir("ahual.warehouse")


def notebooks() -> Path | None:
    """notebooks/ of the checkout Ahual runs from (notebooks are not part of the wheel)."""
    folder = _package_dir("ahual.flows").parent / "notebooks"
    return folder if folder.is_dir() else None


@cache
def demo_hashes() -> frozenset[str]:
    """SHA-256 of every bundled demo input: such a file is refused in a home that is not the
    demo's, so made-up figures never reach an analyst's warehouse by mistake."""
    return frozenset(hashlib.sha256(path.read_bytes()).hexdigest()
                     for path in demo().rglob("*") if path.is_file()
                     and path.suffix in (".csv", ".xlsx", ".sav", ".yaml"))


@cache
def contract(kind: str) -> dict:
    """An input kind's contract, `datasets/contracts/<kind>.yaml`."""
    return yaml.safe_load((contracts() / f"{kind}.yaml").read_text(encoding="utf-8"))


@cache
def code_version() -> str:
    """Ahual's version, with the git commit when running from a checkout ("+dirty" if it has
    local changes)."""
    release = metadata.version("ahual")
    checkout = _package_dir("ahual.flows").parent
    if not (checkout / ".git").exists():
        return release
    try:
        commit = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short=12", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=True).stdout
        dirty = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain",
                                "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return release
    return f"{release}+{commit.strip()}" + (".dirty" if dirty.strip() else "")
