"""Ahual is a real package: the wheel carries the SQL models, reference data, contracts,
suites, templates and demo inputs, and `ahual demo` runs from it in an empty folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest

from tests.helpers import REPO, write_csv
from tests.kinds.test_studies_registry import S10, STUDY, VARIABLES
from tests.kinds.test_survey import sample, write_sav


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


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel installed into a folder of its own (put first on sys.path by the commands)."""
    site = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                           "--disable-pip-version-check", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return site


# `ahual ARGS...` from the installed wheel, never from this checkout
FROM_WHEEL = ("import sys; sys.path.insert(0, sys.argv[1]); import ahual.flows; "
              "assert ahual.flows.__file__.startswith(sys.argv[1]), ahual.flows.__file__; "
              "from ahual.flows.cli import main; sys.exit(main(sys.argv[2:]))")


def test_the_demo_runs_from_the_installed_wheel_in_an_empty_folder(installed, tmp_path,
                                                                   prefect_env):
    site, empty, user = installed, tmp_path / "empty", tmp_path / "user"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "AHUAL_HOME"}
    env.update(prefect_env, HOME=str(user), XDG_DATA_HOME=str(user / ".local" / "share"))
    ran = subprocess.run([sys.executable, "-c", FROM_WHEEL, str(site), "demo"], cwd=empty,
                         env=env, capture_output=True, text=True, timeout=900)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert list(empty.iterdir()) == []  # nothing written where the command ran
    home = user / ".local" / "share" / "ahual-demo"  # the demo's own home, not the analyst's
    assert (home / "warehouse.duckdb").is_file() and any((home / "snapshots").iterdir())
    assert not (user / ".local" / "share" / "ahual").exists()
    assert "671 -> 3783" in ran.stdout


def test_an_installed_wheel_registers_a_study_of_the_centre_and_estimates_it(
        installed, tmp_path, prefect_env):
    """The tenth study, registered in AHUAL_HOME/studies/ with nothing installed edited."""
    home, given = tmp_path / "home", tmp_path / "given"
    given.mkdir()
    write_csv(given / "studies.csv", [STUDY, S10])
    write_csv(given / "study_variables.csv", VARIABLES)
    survey = write_sav(tmp_path / "s10.sav", sample())
    env = dict(os.environ, **prefect_env, AHUAL_HOME=str(home))

    def ahual(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", FROM_WHEEL, str(installed), *args],
                              env=env, capture_output=True, text=True, timeout=600)

    added = ahual("studies", "add", str(given / "studies.csv"),
                  str(given / "study_variables.csv"), "--why", "the centre's 2009 study")
    assert added.returncode == 0, added.stdout + added.stderr
    loaded = ahual("ingest", "survey", "--study", "S10", str(survey))
    assert loaded.returncode == 0, loaded.stdout[-3000:] + loaded.stderr[-3000:]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.study_estimates WHERE study_id = 'S10' "
                           "AND domain = 'national'").fetchone()[0] > 0
    assert not list(installed.rglob("studies/S10*")) and "S10" not in (
        installed / "ahual/datasets/reference/studies/studies.csv").read_text(encoding="utf-8")
