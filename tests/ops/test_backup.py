"""Upgrades and backups: the warehouse records its raw layout and the releases that opened it;
an older layout is migrated, a newer one refused with what will open it; `ahual backup` is
consistent while a writer holds the warehouse, and `ahual restore` into an empty home gives the
marts back byte for byte."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

import duckdb
import pytest

from ahual.flows import settings
from ahual.flows.cli import main
from ahual.warehouse import store
from tests.helpers import write_csv

REPORT = [["as_of", "region", "confession", "associations"],
          ["2008-01-01", "Akmola Region", "ISL-SAMK", "120"],
          ["2008-01-01", "Akmola Region", "ORT-ROC", "31"]]


def marts(path: Path) -> dict[str, list[tuple]]:
    """Every mart's rows, in one order."""
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'marts'").fetchall()]
        return {n: con.execute(f"SELECT * FROM marts.{n} ORDER BY ALL").fetchall()
                for n in sorted(names)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def loaded(home: Path, tmp_path: Path) -> Path:
    """A home with one report loaded, one file refused and a local alias."""
    assert main(["ingest", "registrations", str(write_csv(tmp_path / "akmola.csv",
                                                          REPORT))]) == 0
    bad = write_csv(tmp_path / "bad.csv", [REPORT[0], ["2008-01-01", "Atlantis", "ISL", "1"]])
    assert main(["ingest", "registrations", str(bad)]) == 1
    (home / "aliases.csv").write_text("kind,code,alias,lang,who,when,why\n", encoding="utf-8")
    return home


def test_backup_then_restore_into_an_empty_home_gives_the_marts_byte_for_byte(
        loaded, tmp_path, monkeypatch, capsys):
    dest = tmp_path / "backup"
    assert main(["backup", str(dest)]) == 0
    assert f"to {dest}" in capsys.readouterr().out
    manifest = json.loads((dest / "ahual-backup.json").read_text(encoding="utf-8"))
    assert manifest["schema_version"] == store.SCHEMA_VERSION
    assert {"warehouse.duckdb", "work/warehouse.duckdb", "aliases.csv"} <= set(
        manifest["files"])
    assert any(name.startswith("quarantine/registrations/") and name.endswith("reason.txt")
               for name in manifest["files"])
    assert not any(name.startswith(("prefect/", "run/")) for name in manifest["files"])

    other = tmp_path / "restored-home"
    monkeypatch.setenv("AHUAL_HOME", str(other))
    assert main(["restore", str(dest)]) == 0
    assert sha256(other / "warehouse.duckdb") == sha256(loaded / "warehouse.duckdb")
    assert marts(other / "warehouse.duckdb") == marts(loaded / "warehouse.duckdb")
    assert (other / "aliases.csv").read_bytes() == (loaded / "aliases.csv").read_bytes()
    # the restored home works: the doctor finds it whole, a rebuild changes no mart
    assert main(["doctor"]) == 0
    assert main(["build", "--force"]) == 0
    assert marts(other / "warehouse.duckdb") == marts(loaded / "warehouse.duckdb")


def test_restore_refuses_a_home_in_use_and_a_damaged_backup(loaded, tmp_path, monkeypatch,
                                                            capsys):
    dest = tmp_path / "backup"
    assert main(["backup", str(dest)]) == 0
    assert main(["restore", str(dest)]) == 2  # into the home it came from: not empty
    assert "is not empty" in capsys.readouterr().err
    with open(dest / "work" / "warehouse.duckdb", "r+b") as handle:
        handle.seek(100)
        handle.write(b"\xff")
    monkeypatch.setenv("AHUAL_HOME", str(tmp_path / "new-home"))
    assert main(["restore", str(dest)]) == 2
    assert "is damaged: 1 file(s) differ" in capsys.readouterr().err
    assert not (tmp_path / "new-home" / "warehouse.duckdb").exists()
    assert main(["backup", str(dest)]) == 2  # nothing there to back up, and dest not empty


def test_a_backup_waits_for_the_writer_and_never_holds_half_a_load(loaded, tmp_path, capsys):
    home = settings.home()
    wh = store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)
    holding, released = threading.Event(), []

    def writer() -> None:
        with wh.exclusive():
            holding.set()
            time.sleep(3)
            released.append(time.monotonic())

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(10)
    assert main(["backup", str(tmp_path / "backup")]) == 0
    done = time.monotonic()
    thread.join()
    assert released and done >= released[0]
    assert "waiting for another Ahual load or build" in capsys.readouterr().out


def _layout(path: Path, version: int, drop_new: bool = False) -> None:
    with duckdb.connect(str(path)) as con:
        if drop_new:
            con.execute("DROP TABLE raw.load_events; DROP TABLE raw.releases")
        con.execute("UPDATE raw.schema_version SET version = ?", [version])


def test_an_older_layout_is_migrated_and_a_newer_one_refused(loaded, capsys):
    home = settings.home()
    _layout(home.working_warehouse, 2, drop_new=True)  # as the release before this one left it
    assert main(["build"]) == 0
    with duckdb.connect(str(home.working_warehouse), read_only=True) as con:
        assert con.execute("SELECT version FROM raw.schema_version").fetchall() == [
            (store.SCHEMA_VERSION,)]
        assert con.execute("SELECT release FROM raw.releases").fetchall() == [(store.release(),)]
        assert con.execute("SELECT count(*) FROM raw.load_events").fetchall() == [(0,)]
    capsys.readouterr()
    _layout(home.working_warehouse, store.SCHEMA_VERSION + 1)
    assert main(["build"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "newer than this Ahual" in err[0] and "ahual restore" in err[0]
