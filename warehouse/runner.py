"""Build the models: reference seeds, then staging -> core -> marts, in dependency order, and only
those whose inputs changed since the last build.

A model is one SELECT in `warehouse/<layer>/.../<name>.sql` and becomes `<layer>.<name>`
(staging models are views over raw, core and marts are tables); where SQL cannot say it, a
model is a Python module `<name>.py` with `READS` (the tables it reads) and `build(con)`
returning an Arrow table. A Python model with an engine of its own is one folder,
`<layer>/<name>/`, whose `__init__.py` declares `READS` and `build(con)`: every other file in
it (engine modules, its queries as `.sql`, its generated documents) is the model's, not a model.
What a SQL model reads is taken from DuckDB's own parse of it (`json_serialize_sql`), so the
order is derived, never maintained by hand. Files whose name starts with `_` are not models (a
kind's `_raw.sql` declares its raw tables).

Every model has a fingerprint: its own text (and, for a mart, its suite) and the fingerprints
of what it reads. The sources' fingerprints (raw tables, reference files) are passed in. A model
whose fingerprint equals the last build's is left as it is. Nothing here opens or commits a
transaction: the caller decides what a build is committed with.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.util
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from graphlib import TopologicalSorter
from pathlib import Path
from types import ModuleType

import duckdb

LAYERS = ("staging", "core", "marts")
CODE = {".py", ".sql", ".json"}  # a folder model's files that decide its rows (not its .md)
MODELS_ROOT = Path(__file__).parent
_PARSER = duckdb.connect()  # parses SQL only; never holds data
_NO_ROWS = {MODELS_ROOT / "store.py", MODELS_ROOT / "runner.py"}  # helpers that decide no row


class ModelError(ValueError):
    """A model is malformed: it reads what its layer may not read, or an unknown table."""


@dataclass(frozen=True)
class Model:
    layer: str
    name: str
    path: Path  # the model's file; a folder model's `__init__.py`

    @property
    def table(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def is_folder(self) -> bool:
        """A Python model that is a folder of its own (engine, queries, documents)."""
        return self.path.name == "__init__.py"

    @property
    def file(self) -> str:
        """The model's file as a message names it (a folder model's with its folder)."""
        return f"{self.path.parent.name}/{self.path.name}" if self.is_folder else self.path.name

    @property
    def folder(self) -> str | None:
        """The sub-folder of its layer a model is in (a kind's staging), if any."""
        place = self.path.parent.parent if self.is_folder else self.path.parent
        return None if place.name == self.layer else place.name

    @property
    def is_python(self) -> bool:
        return self.path.suffix == ".py"

    @property
    def materialized(self) -> str:
        return "view" if self.layer == "staging" else "table"

    def source(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def files(self) -> list[Path]:
        """The model's own code: a folder model's every .py, .sql and .json (settings) file,
        not its documents; else its one file."""
        if not self.is_folder:
            return [self.path]
        return sorted(p for p in self.path.parent.rglob("*")
                      if p.suffix in CODE and "__pycache__" not in p.parts)

    def queries(self) -> list[Path]:
        """A Python model's SQL: a folder model's `.sql` files, a module's
        `queries/model_<name>_*.sql`."""
        if self.is_folder:
            return [p for p in self.files() if p.suffix == ".sql"]
        if not self.is_python:
            return []
        return sorted((MODELS_ROOT / "queries").glob(f"model_{self.name}_*.sql"))

    def sources(self) -> list[Path]:
        """Files outside a Python model whose text is part of it: its `SOURCES`, if it
        declares them (the kinds' pieces a shared model is assembled from)."""
        if not self.is_python:
            return []
        return [Path(p) for p in getattr(self._module(), "SOURCES", ())]

    def helpers(self) -> list[Path]:
        """The `ahual.warehouse` modules outside the model that its Python imports, and what
        they import in turn, but the store and the runner (which open connections, read
        query files and parse SQL: they decide no row)."""
        own = set(self.files())
        found: set[Path] = set()
        todo = [p for p in own if p.suffix == ".py"]
        while todo:
            path = todo.pop()
            for helper in _imported(path) - own - found - _NO_ROWS:
                found.add(helper)
                todo.append(helper)
        return sorted(found)

    def helper_queries(self) -> list[Path]:
        """The SQL of the helpers it imports: `queries/helper_<helper>*.sql` (one query that
        several models share, as the study marts share their declared domains)."""
        return sorted(q for h in self.helpers()
                      for q in (MODELS_ROOT / "queries").glob(f"helper_{h.stem}*.sql"))

    def code(self) -> str:
        """What decides this model's rows besides its inputs: its text and, for a Python
        model, its queries, its sources and the helpers it imports (their change rebuilds it,
        as a changed SQL model's does)."""
        if not self.is_python:
            return self.source()
        own = self.files() if self.is_folder else [self.path, *self.queries()]
        return "\n".join(p.read_text(encoding="utf-8")
                         for p in [*own, *self.sources(), *self.helpers(),
                                   *self.helper_queries()])

    @cached_property
    def reads(self) -> frozenset[str]:
        if self.is_python:
            return frozenset(self._module().READS)
        return frozenset(tables_read(self.source(), self.file))

    def _module(self) -> ModuleType:
        if not self.path.is_relative_to(MODELS_ROOT):  # a tree outside the package (tests)
            return _load(self)
        parts = self.path.relative_to(MODELS_ROOT).with_suffix("").parts
        return importlib.import_module(".".join(
            ("ahual.warehouse", *(parts[:-1] if self.is_folder else parts))))

    def select(self) -> str:
        return self.source()

    def run(self, con: duckdb.DuckDBPyConnection) -> None:
        # a model that became a table (a staging view rewritten in Python) or a view leaves
        # the object of the other type first: CREATE OR REPLACE cannot change the type
        other = "VIEW" if self.is_python or self.materialized == "table" else "BASE TABLE"
        if con.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND "
                       "table_name = ? AND table_type = ?",
                       [self.layer, self.name, other]).fetchall():
            con.execute(f"DROP {'VIEW' if other == 'VIEW' else 'TABLE'} {self.table}")
        if self.is_python:
            result = self._module().build(con)
            con.register("python_model_result", result)
            try:
                con.execute(f"CREATE OR REPLACE TABLE {self.table} AS "
                            "SELECT * FROM python_model_result")
            finally:
                con.unregister("python_model_result")
            return
        con.execute(f"CREATE OR REPLACE {self.materialized.upper()} {self.table} AS\n"
                    f"{self.source()}")


def _load(model: Model) -> ModuleType:
    """A Python model outside `ahual.warehouse` imported from its file (a folder model as a
    package, so that its modules import one another)."""
    name = f"_ahual_model_{model.layer}_{model.name}"
    for stale in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[stale]  # its files may have changed since: read them again
    spec = importlib.util.spec_from_file_location(
        name, model.path,
        submodule_search_locations=[str(model.path.parent)] if model.is_folder else None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # before it runs: its own relative imports look it up
    spec.loader.exec_module(module)
    return module


def _imported(path: Path) -> set[Path]:
    """The files under `ahual.warehouse` a Python file imports (absolute imports)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    found = set()
    for name in names:
        parts = name.split(".")
        if parts[:2] != ["ahual", "warehouse"] or len(parts) < 3:
            continue
        where = MODELS_ROOT.joinpath(*parts[2:])
        for candidate in (where.with_suffix(".py"), where / "__init__.py"):
            if candidate.is_file():
                found.add(candidate)
    return found


def tables_read(sql: str, where: str = "model") -> set[str]:
    """`schema.table` names a SELECT reads, from DuckDB's parse tree (CTE names have no
    schema and are left out)."""
    tree = json.loads(_PARSER.execute("SELECT json_serialize_sql(?)", [sql]).fetchall()[0][0])
    if tree.get("error"):
        raise ModelError(f"{where}: {tree.get('error_message', 'cannot be parsed')}")
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and node.get("schema_name"):
                found.add(f"{node['schema_name']}.{node['table_name']}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return found


def _declares_build(init: Path) -> bool:
    """A folder is a model when its `__init__.py` defines `build`."""
    tree = ast.parse(init.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef) and node.name == "build" for node in tree.body)


def discover(root: Path = MODELS_ROOT) -> dict[str, Model]:
    models = {}
    for layer in LAYERS:
        base = root / layer
        folders = {p.parent for p in base.rglob("__init__.py")
                   if p.parent != base and _declares_build(p)}
        for path in sorted(base.rglob("*")):
            home = next((d for d in reversed(path.parents) if d in folders), None)
            if home is not None:  # a folder model: its __init__.py is the model, the rest its own
                if path != home / "__init__.py":
                    continue
                model = Model(layer, home.name, path)
            elif path.suffix not in {".sql", ".py"} or path.name.startswith("_"):
                continue
            else:
                model = Model(layer, path.stem, path)
            if model.table in models:
                raise ModelError(f"two models make {model.table}: {models[model.table].path} "
                                 f"and {path}")
            models[model.table] = model
    return models


def build_order(models: Mapping[str, Model], sources: set[str]) -> list[Model]:
    """Models in an order where each comes after what it reads; `sources` are the tables that
    exist before any model runs (raw.*, reference.*)."""
    graph = {}
    for table, model in models.items():
        for read in model.reads:
            schema = read.split(".", 1)[0]
            if schema == "raw" and model.layer != "staging":
                raise ModelError(f"{model.file} reads {read}: only staging reads raw tables")
            if read not in models and read not in sources:
                raise ModelError(f"{model.file} reads {read}, which no model or source "
                                 "makes")
        graph[table] = {r for r in model.reads if r in models} - {table}
    return [models[t] for t in TopologicalSorter(graph).static_order()]


def _digest(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class BuildResult:
    hashes: dict[str, str]  # every model's fingerprint
    rebuilt: list[str]  # models run by this build, in order
    mart_rows: dict[str, int] = field(default_factory=dict)

    @property
    def inputs_hash(self) -> str:
        return _digest(*(f"{t}={h}" for t, h in sorted(self.hashes.items())))


def fingerprints(models: Mapping[str, Model], sources: Mapping[str, str],
                 extra: Mapping[str, str] | None = None,
                 shares: Mapping[tuple[str, str], str] | None = None) -> dict[str, str]:
    """Each model's fingerprint. `sources`: fingerprint of every raw and reference table;
    `extra`: text that belongs to a model besides its own (a mart's suite); `shares`: (source,
    folder) -> the fingerprint of the part of a source the models of `staging/<folder>/` see
    (a kind's own rows of raw.load_batches, which its staging joins from its rows), so that a
    load of another kind leaves them and all they feed as they are."""
    extra, shares = extra or {}, shares or {}
    hashes: dict[str, str] = {}
    for model in build_order(models, set(sources)):
        def seen(table: str, model: Model = model) -> str:
            return (hashes.get(table) or shares.get((table, model.folder))
                    or sources[table])

        hashes[model.table] = _digest(
            model.table, model.code(), extra.get(model.table, ""),
            *(f"{r}={seen(r)}" for r in sorted(model.reads)))
    return hashes


def load_reference(con: duckdb.DuckDBPyConnection, files: Mapping[str, Path],
                   changed: set[str]) -> None:
    """`reference.<name>` tables from CSV files (all text; staging models cast)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS reference")
    for name, path in files.items():
        if f"reference.{name}" in changed:
            con.execute(f"CREATE OR REPLACE TABLE reference.{name} AS "
                        "SELECT * FROM read_csv(?, header = true, all_varchar = true)",
                        [str(path)])


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {f"{s}.{t}" for s, t in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}


def drop_stale(con: duckdb.DuckDBPyConnection, models: Mapping[str, Model]) -> None:
    """Drop what a removed or renamed model left behind, so no stale mart is published."""
    for schema, name, kind in con.execute(
            "SELECT table_schema, table_name, table_type FROM information_schema.tables "
            f"WHERE table_schema IN {LAYERS}").fetchall():
        if f"{schema}.{name}" not in models:
            con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} {schema}.{name}")


def build(con: duckdb.DuckDBPyConnection, *, reference_files: Mapping[str, Path],
          sources: Mapping[str, str], previous: Mapping[str, str],
          extra: Mapping[str, str] | None = None, force: bool = False,
          progress: Callable[[str, int, int], None] | None = None,
          models: Mapping[str, Model] | None = None,
          shares: Mapping[tuple[str, str], str] | None = None) -> BuildResult:
    """Bring every reference table and model up to date inside the caller's transaction.

    `sources` fingerprints every raw table and every `reference.<name>`; `previous` is the
    last build's model and source fingerprints (`shares`: see `fingerprints`). A model is run
    when its fingerprint changed,
    its table is missing, or `force`; everything it feeds changes fingerprint with it."""
    models = models if models is not None else discover()
    hashes = fingerprints(models, sources, extra, shares)
    present = existing_tables(con)
    changed_reference = {t for t in sources if t.startswith("reference.")
                         and (force or previous.get(t) != sources[t] or t not in present)}
    load_reference(con, reference_files, changed_reference)
    for layer in LAYERS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {layer}")
    order = build_order(models, set(sources))
    todo = [m for m in order
            if force or previous.get(m.table) != hashes[m.table] or m.table not in present]
    for i, model in enumerate(todo, 1):
        if progress:
            progress(model.table, i, len(todo))
        model.run(con)
    drop_stale(con, models)
    mart_rows = {m.table: con.execute(f"SELECT count(*) FROM {m.table}").fetchall()[0][0]
                 for m in order if m.layer == "marts"}
    return BuildResult(hashes={**hashes, **sources}, rebuilt=[m.table for m in todo],
                       mart_rows=mart_rows)
