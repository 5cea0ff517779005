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


def test_every_file_of_the_fixed_folders_ships_with_nothing_listed(wheel):
    """setup.py finds the packages (every folder under the four fixed folders) and pyproject's
    package-data takes their files: a new folder of models or data ships without being listed
    anywhere. Every file under flows/, warehouse/, datasets/ and expectations/ is in the wheel
    as ahual/<folder>/<path>."""
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = []
    for folder in ("flows", "warehouse", "datasets", "expectations"):
        for path in (REPO / folder).rglob("*"):
            parts = path.relative_to(REPO).parts
            if path.is_file() and "__pycache__" not in parts and path.suffix != ".pyc":
                if "/".join(("ahual", *parts)) not in names:
                    missing.append("/".join(parts))
    assert missing == []


def test_the_wheel_carries_everything_ahual_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("ahual/flows/cli/app.py", "ahual/warehouse/raw.sql",
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
                     "ahual/flows/report/templates/report.html.j2",
                     "ahual/flows/report/labels/kk.yaml",
                     "ahual/flows/gate/data_docs/templates/page.j2",
                     "ahual/flows/gate/data_docs/vendor/jquery-3.7.1/jquery.min.js",
                     "ahual/flows/prefect.yaml"):
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
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import ahual.flows; "
            "assert ahual.flows.__file__.startswith(sys.argv[1]), ahual.flows.__file__; "
            "from ahual.flows.cli import main; sys.exit(main(['demo']))")
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
