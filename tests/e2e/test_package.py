"""Ahual is a real package: the wheel carries the SQL models, reference data, contracts,
suites, templates and demo inputs, and `ahual demo` runs from it in an empty folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.helpers import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the checkout: building writes build/ beside the sources."""
    out, source = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("src") / "ahual"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                           "--disable-pip-version-check", "-w", str(out), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "warning" not in (done.stdout + done.stderr).lower(), done.stderr
    [found] = out.glob("ahual-*.whl")
    return found


def test_every_folder_of_shipped_files_is_a_listed_package():
    """pyproject.toml lists the packages by hand (the folders map into one namespace): a new
    folder of data must be listed too, or its files would not ship."""
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    roots = {"flows": "ahual", "warehouse": "ahual.warehouse", "datasets": "ahual.datasets",
             "expectations": "ahual.expectations"}
    for folder, package in roots.items():
        for sub in (REPO / folder).rglob("*"):
            parts = sub.relative_to(REPO / folder).parts
            if (sub.is_dir() and "__pycache__" not in parts and all(p.isidentifier() for p in parts)
                    and any(f.is_file() for f in sub.iterdir())):
                assert ".".join([package, *parts]) in listed, sub


def test_the_wheel_carries_everything_ahual_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("ahual/cli/app.py", "ahual/warehouse/raw.sql",
                     "ahual/warehouse/marts/registrations.sql",
                     "ahual/warehouse/marts/registrations.yml",
                     "ahual/warehouse/marts/study_estimates.py",
                     "ahual/warehouse/staging/registrations/_raw.sql",
                     "ahual/warehouse/queries/snapshot_mart.sql",
                     "ahual/datasets/reference/regions.csv",
                     ("ahual/datasets/reference/reports/registrations/"
                      "national_registrations_1990_2007.csv"),
                     "ahual/datasets/contracts/survey.yaml",
                     "ahual/datasets/demo/survey/S01/S01.sav",
                     "ahual/expectations/registrations.json",
                     "ahual/expectations/marts/study_estimates.json",
                     "ahual/report/templates/report.html.j2", "ahual/report/labels/kk.yaml",
                     "ahual/gate/data_docs/templates/page.j2",
                     "ahual/gate/data_docs/vendor/jquery-3.7.1/jquery.min.js",
                     "ahual/prefect.yaml"):
        assert expected in names, expected
    assert not [n for n in names if n.startswith(("tests/", "bench/", "flows/"))]


def test_the_demo_runs_from_the_installed_wheel_in_an_empty_folder(wheel, tmp_path,
                                                                   prefect_env):
    site, empty, user = tmp_path / "site", tmp_path / "empty", tmp_path / "user"
    empty.mkdir()
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                           "--disable-pip-version-check", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import ahual; "
            "assert ahual.__file__.startswith(sys.argv[1]), ahual.__file__; "
            "from ahual.cli import main; sys.exit(main(['demo']))")
    env = {k: v for k, v in os.environ.items() if k != "AHUAL_HOME"}
    env.update(prefect_env, HOME=str(user), XDG_DATA_HOME=str(user / ".local" / "share"))
    ran = subprocess.run([sys.executable, "-c", code, str(site)], cwd=empty, env=env,
                         capture_output=True, text=True, timeout=900)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert list(empty.iterdir()) == []  # nothing written where the command ran
    home = user / ".local" / "share" / "ahual-demo"  # the demo's own home, not the analyst's
    assert (home / "warehouse.duckdb").is_file() and any((home / "snapshots").iterdir())
    assert not (user / ".local" / "share" / "ahual").exists()
    assert "671 -> 3783" in ran.stdout
