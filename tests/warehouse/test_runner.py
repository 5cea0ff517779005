"""The model runner on in-memory DuckDB: what a model reads comes from DuckDB's parse of it, the
layers are kept, only what changed is rebuilt, and what a removed model left is dropped."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from ahual.warehouse import runner


@pytest.fixture(scope="module")
def prefect_harness():
    """These tests never touch Prefect."""
    yield None


def models(root: Path, files: dict[str, str]) -> dict[str, runner.Model]:
    for name, sql in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql, encoding="utf-8")
    return runner.discover(root)


def test_what_a_model_reads_is_parsed_not_grepped():
    sql = """
        -- staging.not_a_dependency in a comment, 'core.nor_in_a_string'
        with recent as (select * from core.counts where as_of > date '2008-01-01')
        select r.*, x.name from recent as r join staging.stg_names as x using (code)
        where r.code not in (select code from marts.excluded)
    """
    assert runner.tables_read(sql) == {"core.counts", "staging.stg_names", "marts.excluded"}


def test_order_follows_references_and_files_starting_with_underscore_are_not_models(tmp_path):
    found = models(tmp_path, {
        "staging/kind/_raw.sql": "create table if not exists raw.rows (x int)",
        "staging/kind/stg_rows.sql": "select x from raw.rows",
        "core/totals.sql": "select sum(x) as total from staging.stg_rows",
        "marts/report.sql": "select total from core.totals",
    })
    assert set(found) == {"staging.stg_rows", "core.totals", "marts.report"}
    order = [m.table for m in runner.build_order(found, {"raw.rows"})]
    assert order == ["staging.stg_rows", "core.totals", "marts.report"]


def test_only_staging_reads_raw(tmp_path):
    found = models(tmp_path, {"core/sneaky.sql": "select * from raw.rows"})
    with pytest.raises(runner.ModelError, match="only staging reads raw"):
        runner.build_order(found, {"raw.rows"})


def test_an_unknown_table_is_named(tmp_path):
    found = models(tmp_path, {"marts/m.sql": "select * from core.nowhere"})
    with pytest.raises(runner.ModelError, match="core.nowhere"):
        runner.build_order(found, set())


def build(con, found, sources, previous=None, force=False, shares=None):
    return runner.build(con, reference_files={}, sources=sources, previous=previous or {},
                        models=found, force=force, shares=shares)


def test_a_rebuild_runs_only_what_is_downstream_of_a_change(tmp_path):
    found = models(tmp_path, {
        "staging/a/stg_a.sql": "select x from raw.a",
        "staging/b/stg_b.sql": "select y from raw.b",
        "core/a_total.sql": "select sum(x) as total from staging.stg_a",
        "marts/both.sql": "select total, (select count(*) from staging.stg_b) as n "
                          "from core.a_total",
        "marts/b_only.sql": "select y from staging.stg_b",
    })
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.a (x int); create table raw.b (y int)")
    con.execute("insert into raw.a values (1), (2); insert into raw.b values (7)")
    first = build(con, found, {"raw.a": "1", "raw.b": "1"})
    assert len(first.rebuilt) == 5
    again = build(con, found, {"raw.a": "1", "raw.b": "1"}, first.hashes)
    assert again.rebuilt == [] and again.inputs_hash == first.inputs_hash
    con.execute("insert into raw.b values (8)")
    changed = build(con, found, {"raw.a": "1", "raw.b": "2"}, first.hashes)
    assert set(changed.rebuilt) == {"staging.stg_b", "marts.both", "marts.b_only"}
    assert con.execute("select n from marts.both").fetchall() == [(2,)]
    forced = build(con, found, {"raw.a": "1", "raw.b": "2"}, changed.hashes, force=True)
    assert len(forced.rebuilt) == 5


def test_a_kinds_staging_sees_only_its_share_of_a_shared_source(tmp_path):
    """The staging of kind `a` joins the shared batches table from its own rows: a batch of
    kind `b` changes the batches table but not `a`'s share of it, so nothing of `a` rebuilds."""
    found = models(tmp_path, {
        "staging/a/stg_a.sql": "select x, file from raw.a join raw.batches using (batch)",
        "staging/b/stg_b.sql": "select y, file from raw.b join raw.batches using (batch)",
        "staging/stg_batches.sql": "select * from raw.batches",
        "marts/a.sql": "select * from staging.stg_a",
        "marts/b.sql": "select * from staging.stg_b",
        "marts/files.sql": "select count(*) as n from staging.stg_batches",
    })
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.batches (batch int, file text);"
                "create table raw.a (batch int, x int); create table raw.b (batch int, y int);"
                "insert into raw.batches values (1, 'a.csv'); insert into raw.a values (1, 5)")
    first = build(con, found, {"raw.a": "1", "raw.b": "0", "raw.batches": "1"},
                  shares={("raw.batches", "a"): "1", ("raw.batches", "b"): "0"})
    con.execute("insert into raw.batches values (2, 'b.csv'); insert into raw.b values (2, 7)")
    second = build(con, found, {"raw.a": "1", "raw.b": "1", "raw.batches": "2"}, first.hashes,
                   shares={("raw.batches", "a"): "1", ("raw.batches", "b"): "1"})
    assert set(second.rebuilt) == {"staging.stg_b", "marts.b", "staging.stg_batches",
                                   "marts.files"}
    assert con.execute("select * from marts.b").fetchall() == [(7, "b.csv")]


def test_a_changed_model_rebuilds_itself_and_what_reads_it(tmp_path):
    files = {"staging/a/stg_a.sql": "select x from raw.a",
             "core/doubled.sql": "select 2 * x as x from staging.stg_a",
             "marts/m.sql": "select x from core.doubled"}
    found = models(tmp_path, files)
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.a (x int); insert into raw.a values (3)")
    first = build(con, found, {"raw.a": "1"})
    found = models(tmp_path, {"core/doubled.sql": "select 10 * x as x from staging.stg_a"})
    second = build(con, found, {"raw.a": "1"}, first.hashes)
    assert second.rebuilt == ["core.doubled", "marts.m"]
    assert con.execute("select x from marts.m").fetchall() == [(30,)]


def test_what_a_removed_model_left_is_dropped(tmp_path):
    found = models(tmp_path, {"staging/a/stg_a.sql": "select x from raw.a",
                              "marts/old.sql": "select x from staging.stg_a"})
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.a (x int)")
    first = build(con, found, {"raw.a": "1"})
    (tmp_path / "marts" / "old.sql").unlink()
    build(con, runner.discover(tmp_path), {"raw.a": "1"}, first.hashes)
    tables = {r[0] for r in con.execute("select table_schema || '.' || table_name "
                                        "from information_schema.tables").fetchall()}
    assert "marts.old" not in tables and "staging.stg_a" in tables


def test_the_project_models_parse_and_order():
    found = runner.discover()
    sources = {f"raw.{t}" for t in ("load_batches", "load_events")}
    from ahual.flows.build import reference_files
    from ahual.flows.kinds import raw_tables

    sources |= {f"raw.{t}" for t in raw_tables()}
    sources |= {f"reference.{n}" for n in reference_files()}
    order = [m.table for m in runner.build_order(found, sources)]
    assert order.index("core.registration_counts") < order.index("marts.registrations")
    assert all(m.layer == "staging" for m in found.values()
               if any(r.startswith("raw.") for r in m.reads))


def _python_models() -> list[runner.Model]:
    return [m for m in runner.discover().values() if m.is_python]


def test_a_python_model_reads_what_its_queries_read():
    """A Python model's SQL is in its folder's `.sql` files, or for a one-file model in
    warehouse/queries/model_<name>_*.sql, and in the kinds' pieces it declares as SOURCES. Its
    inputs (the queries that do not read the mart itself) read exactly its READS, which the
    runner orders the build by; the queries that write its comparison or backtest from the built
    mart read the mart and what is published."""
    queries = runner.MODELS_ROOT / "queries"
    python = _python_models()
    assert {m.name for m in python} >= {"study_estimates", "monitoring_warnings",
                                        "association_forecasts"}
    for model in python:
        files = [*model.queries(), *model.sources(), *model.helper_queries()]
        assert files, f"{model.table} has no queries of its own"
        inputs = [runner.tables_read(f.read_text(encoding="utf-8"), f.name) for f in files]
        inputs = [read for read in inputs if model.table not in read]
        assert set().union(*inputs) == model.reads, model.table
    owned = {q for m in python if not m.is_folder for q in m.queries()}
    assert set(queries.glob("model_*.sql")) == owned  # each belongs to a one-file Python model


def test_python_models_keep_no_sql_of_their_own():
    """No SELECT of a warehouse table is written in a Python model, its engine or its helpers."""
    select = re.compile(r"\bselect\b[^;]{0,600}?\bfrom\s+(raw|staging|core|marts|reference)\.",
                        re.IGNORECASE)
    for model in _python_models():
        for path in [p for p in model.files() if p.suffix == ".py"] + model.helpers():
            found = select.search(path.read_text(encoding="utf-8"))
            assert found is None, (f"{path.name} holds SQL ({found.group(0)[:60]!r}...): move "
                                   "it to a .sql file of its model")


def test_a_python_models_fingerprint_covers_its_queries_engine_and_helpers():
    """Changing a query, an engine module of a folder model or a helper such as survey_design.py
    rebuilds the model: all are part of the code its fingerprint is taken over."""
    models = {m.name: m for m in _python_models()}
    for model in models.values():
        code = model.code()
        for path in [*model.files(), *model.queries(), *model.sources(), *model.helpers()]:
            assert path.read_text(encoding="utf-8") in code, (model.table, path.name)
    forecasts, warnings = models["association_forecasts"], models["monitoring_warnings"]
    assert forecasts.is_folder and warnings.is_folder
    fits = (forecasts.path.parent / "fits.py").read_text(encoding="utf-8")
    limits = (warnings.path.parent / "control_limits.py").read_text(encoding="utf-8")
    design = (runner.MODELS_ROOT / "survey_design.py").read_text(encoding="utf-8")
    assert fits in forecasts.code() and limits in warnings.code()
    assert design in models["study_estimates"].code()
    assert fits not in models["study_estimates"].code()
    store = (runner.MODELS_ROOT / "store.py").read_text(encoding="utf-8")
    assert store not in models["study_estimates"].code()  # opening connections decides no row


FOLDER_MODEL = {
    "staging/a/__init__.py": "",  # no build(): a plain folder, its .sql are models
    "staging/a/stg_a.sql": "select x from raw.a",
    "marts/scaled/__init__.py": (
        "from pathlib import Path\n\nfrom . import engine\n\nREADS = ('staging.stg_a',)\n\n\n"
        "def build(con):\n"
        "    sql = (Path(__file__).parent / 'input.sql').read_text()\n"
        "    return engine.scaled(con.sql(sql).to_arrow_table())\n"),
    "marts/scaled/engine.py": (
        "import pyarrow.compute as pc\n\nFACTOR = 2\n\n\n"
        "def scaled(table):\n"
        "    return table.set_column(0, 'x', pc.multiply(table.column('x'), FACTOR))\n"),
    "marts/scaled/input.sql": "select x from staging.stg_a",
    "marts/scaled/scaled.notes.md": "a generated document: not a model",
    "marts/flat.py": ("READS = ('marts.scaled',)\n\n\n"
                      "def build(con):\n"
                      "    sql = 'select sum(x) as total from marts.scaled'\n"
                      "    return con.sql(sql).to_arrow_table()\n"),
}


def test_a_model_can_be_a_folder_whose_files_are_its_own(tmp_path):
    """`marts/scaled/` is one model: its engine, query and document are not models; a folder
    whose `__init__.py` has no build() is only a folder; a one-file Python model beside it works."""
    found = models(tmp_path, FOLDER_MODEL)
    assert set(found) == {"staging.stg_a", "marts.scaled", "marts.flat"}
    scaled = found["marts.scaled"]
    assert scaled.is_folder and scaled.folder is None and found["staging.stg_a"].folder == "a"
    assert [p.name for p in scaled.files()] == ["__init__.py", "engine.py", "input.sql"]
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.a (x int); insert into raw.a values (3)")
    first = build(con, found, {"raw.a": "1"})
    assert first.rebuilt == ["staging.stg_a", "marts.scaled", "marts.flat"]
    assert con.execute("select x from marts.scaled").fetchall() == [(6,)]
    assert con.execute("select total from marts.flat").fetchall() == [(6,)]


def test_a_change_in_a_folder_models_engine_rebuilds_it(tmp_path):
    """Only the engine module changes (not the model's __init__.py, not its query): the model's
    fingerprint changes, it and what reads it are rebuilt, with the new engine."""
    found = models(tmp_path, FOLDER_MODEL)
    con = duckdb.connect()
    con.execute("create schema raw; create table raw.a (x int); insert into raw.a values (3)")
    first = build(con, found, {"raw.a": "1"})
    engine = tmp_path / "marts" / "scaled" / "engine.py"
    engine.write_text(engine.read_text().replace("FACTOR = 2", "FACTOR = 10"))
    found = runner.discover(tmp_path)
    again = runner.fingerprints(found, {"raw.a": "1"})
    assert again["marts.scaled"] != first.hashes["marts.scaled"]
    assert again["staging.stg_a"] == first.hashes["staging.stg_a"]
    second = build(con, found, {"raw.a": "1"}, first.hashes)
    assert second.rebuilt == ["marts.scaled", "marts.flat"]
    assert con.execute("select total from marts.flat").fetchall() == [(30,)]


def test_a_folder_model_reading_an_unknown_table_is_named_by_its_folder(tmp_path):
    found = models(tmp_path, {"marts/m/__init__.py": ("READS = ('core.nowhere',)\n\n\n"
                                                      "def build(con):\n    return None\n")})
    with pytest.raises(runner.ModelError, match=r"^m/__init__\.py reads core\.nowhere"):
        runner.build_order(found, set())
