"""Same inputs, same bytes: the marts do not depend on thread count, order or run; a rebuild that
changes nothing changes nothing, and a rejected file builds nothing."""

from __future__ import annotations

from datetime import date

import duckdb

from ahual.flows import build as build_step
from ahual.flows import settings
from ahual.flows.cli import main
from ahual.flows.snapshot import take
from ahual.warehouse import store
from tests.helpers import write_csv


def mart_rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    marts = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_schema = 'marts'").fetchall()]
    return {m: con.execute(f"SELECT * FROM marts.{m} ORDER BY ALL").fetchall() for m in marts}


def test_every_mart_is_identical_at_one_and_at_four_threads(demo_copy):
    home = settings.home()
    builds = {}
    with duckdb.connect(str(home.working_warehouse)) as con:
        for threads in (1, 4, 1):
            con.execute(f"SET threads = {threads}")
            con.execute("BEGIN TRANSACTION")
            try:
                build_step.build(con, force=True)
                builds.setdefault(threads, []).append(mart_rows(con))
            finally:
                con.execute("ROLLBACK")
    one, four = builds[1][0], builds[4][0]
    assert set(one) == set(four) and len(one) >= 12
    for mart in one:
        assert one[mart] == four[mart], f"marts.{mart} differs between 1 and 4 threads"
    assert builds[1][0] == builds[1][1]


def test_the_demo_twice_then_a_forced_build_then_the_snapshot_again(demo_copy, capsys):
    quarter = str(take(None).quarter)  # the demo's closed quarter, taken by the demo itself
    assert main(["demo"]) == 0
    assert main(["build", "--force"]) == 0
    assert main(["snapshot", "--quarter", quarter]) == 0
    assert "reproduced byte for byte" in capsys.readouterr().out


def test_a_rejected_file_builds_and_publishes_nothing(demo_copy, tmp_path):
    home = settings.home()
    published = home.published_warehouse.stat().st_mtime_ns
    with duckdb.connect(str(home.published_warehouse), read_only=True) as con:
        builds = con.execute("SELECT count(*) FROM raw.builds").fetchall()
    bad = write_csv(tmp_path / "bad.csv", [["as_of", "region", "confession", "associations"],
                                           ["2008-01-01", "Atlantis", "ISL", "1"]])
    assert main(["ingest", "registrations", str(bad)]) == 1
    assert main(["ingest", "registrations", str(bad)]) == 1  # the same bytes again
    assert home.published_warehouse.stat().st_mtime_ns == published
    wh = store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)
    with wh.exclusive(), wh.connect() as con:
        assert con.execute("SELECT count(*) FROM raw.builds").fetchall() == builds
        assert con.execute("SELECT attempts FROM raw.rejections WHERE file_name = 'bad.csv'"
                           ).fetchall() == [(2,)]


def test_a_snapshot_taken_twice_is_the_same_bytes(demo_copy):
    first = take("2008Q4", today=date(2009, 1, 1))
    before = {p.name: p.read_bytes() for p in first.folder.iterdir()}
    assert main(["build", "--force"]) == 0
    again = take("2008Q4", today=date(2009, 6, 1))
    assert again.status == "identical"
    assert {p.name: p.read_bytes() for p in again.folder.iterdir()} == before
