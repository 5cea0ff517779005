"""Properties of ingest + build over random valid reports (hypothesis): what goes in comes out,
order and file boundaries do not matter, and loading twice is loading once."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ahual.flows import build as build_step
from ahual.flows import settings as ahual_settings
from ahual.flows.gate.check import check
from ahual.flows.gate.files import receive
from ahual.flows.kinds import kind
from ahual.warehouse import store
from tests.helpers import write_csv, write_xlsx

REGIONS = ["11", "15", "19", "35", "63", "71", "75"]
CONFESSIONS = ["ISL-SAMK", "ORT-ROC", "CAT-RCC", "PRO-BAP", "JUD", "BUD", "NTR-JW", "CHF"]
DATES = ["2008-01-01", "2008-07-01", "2009-01-01"]

cells = st.dictionaries(
    st.tuples(st.sampled_from(DATES), st.sampled_from(REGIONS), st.sampled_from(CONFESSIONS)),
    st.one_of(st.none(), st.integers(0, 10_000)), min_size=1, max_size=40)
PROPERTY = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def write_long(path: Path, items: list, encoding: str) -> Path:
    body = [[d, r, c, "" if n is None else ("-" if n == 0 else str(n))] for (d, r, c), n in items]
    return write_csv(path, [["as_of", "region", "confession", "associations"], *body],
                     encoding=encoding, delimiter=";" if encoding == "cp1251" else ",")


def write_wide(path: Path, items: list) -> Path:
    """One row per date x region; a cell the report does not give is absent, so such reports
    only use combinations present in `items` (missing combinations get their own file)."""
    rows = {}
    for (d, r, c), n in items:
        rows.setdefault((d, r), {})[c] = n
    codes = sorted({c for (_, _, c), _ in items})
    table = [["as_of", "region", *codes]]
    table += [[d, r, *[row.get(c, "") if row.get(c) is not None else "" for c in codes]]
              for (d, r), row in sorted(rows.items())]
    return write_xlsx(path, table)


def load_and_build(files: list[Path]) -> set[tuple]:
    """The gate's steps on each file (receive, check, load), then one build: what the ingest
    flow does, without Prefect."""
    registrations = kind("registrations")
    home = ahual_settings.home()
    wh = store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)
    national = build_step.reference_reports()["registrations"]  # loaded by every real run
    with wh.exclusive(), wh.connect() as con, store.transaction(con):
        for path in [*national, *files]:
            candidate = receive(path, registrations, registrations.options())
            if store.loaded_batch(con, candidate.load_key) is not None:
                continue
            checked = check(candidate)
            assert checked.parsed is not None, [p.plain() for p in checked.problems]
            store.insert_batch(con, kind="registrations", file_name=path.name,
                               sha256=candidate.sha256, load_key=candidate.load_key,
                               loaded_as=candidate.loaded_as_json, size=candidate.size,
                               tables=checked.parsed.tables, flow_run_id=None)
        build_step.build(con)
        return set(con.execute(
            "SELECT as_of::varchar, region_code, confession_code, associations "
            "FROM marts.registrations WHERE level <> 'national'").fetchall())


def expected(data: dict) -> set[tuple]:
    return {(d, r, c, n) for (d, r, c), n in data.items()}


@pytest.fixture(autouse=True)
def marts_unchecked(monkeypatch):
    """The marts' GX checks change no value and cost more than the rest of an example (they are
    tested on their own): the properties are about what the gate and the models do to counts."""
    monkeypatch.setattr(build_step, "check_marts", lambda con, marts: {})


@pytest.fixture
def fresh_home(tmp_path_factory, monkeypatch):
    """A fresh warehouse per example, in one AHUAL_HOME whose GX project (costly to create)
    every example shares; the inputs of each example go to a folder of their own."""
    home = tmp_path_factory.mktemp("property") / "home"
    monkeypatch.setenv("AHUAL_HOME", str(home))

    def make() -> Path:
        shutil.rmtree(home / "work", ignore_errors=True)
        inputs = Path(tempfile.mkdtemp(dir=home.parent)) / "home"
        return inputs
    return make


@PROPERTY
@given(data=cells, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]))
def test_every_count_comes_back_exactly(fresh_home, data, encoding):
    home = fresh_home()
    path = write_long(home.parent / "report.csv", list(data.items()), encoding)
    assert load_and_build([path]) == expected(data)


@PROPERTY
@given(data=cells, order=st.randoms(use_true_random=False), parts=st.integers(1, 4))
def test_row_order_and_file_boundaries_do_not_matter(fresh_home, data, order, parts):
    home = fresh_home()
    items = list(data.items())
    order.shuffle(items)
    # Split by date x region: one region's report for a date is one file's business.
    groups = [list(g) for _, g in itertools.groupby(
        sorted(items, key=lambda i: i[0][:2]), key=lambda i: i[0][:2])]
    files = []
    for i in range(parts):
        chunk = [item for g in groups[i::parts] for item in g]
        if chunk:
            order.shuffle(chunk)
            files.append(write_long(home.parent / f"part{i}.csv", chunk, "utf-8"))
    assert load_and_build(files) == expected(data)


@PROPERTY
@given(data=cells)
def test_loading_twice_is_loading_once(fresh_home, data):
    home = fresh_home()
    path = write_wide(home.parent / "report.xlsx", list(data.items()))
    once = load_and_build([path])
    with duckdb.connect(str(ahual_settings.home().working_warehouse)) as con:
        batches = con.execute("SELECT count(*) FROM raw.load_batches").fetchone()[0]
    assert load_and_build([path]) == once
    with duckdb.connect(str(ahual_settings.home().working_warehouse)) as con:
        assert con.execute("SELECT count(*) FROM raw.load_batches").fetchone()[0] == batches
