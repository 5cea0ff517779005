"""Every model of every layer has its `.yml` beside it (description, key, columns), and what the
`.yml` lists is what the build makes: the same columns, in the table's order."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import yaml

from ahual.warehouse import runner

MODELS = runner.discover()


def description_of(model: runner.Model) -> Path:
    """A model's `.yml`: beside its file; a folder model's beside its folder or inside it."""
    if not model.is_folder:
        return model.path.with_suffix(".yml")
    folder = model.path.parent
    found = [p for p in (folder.with_suffix(".yml"), folder / f"{model.name}.yml") if p.is_file()]
    assert len(found) <= 1, f"{model.table} is described twice: {found}"
    return found[0] if found else folder.with_suffix(".yml")


def spec_of(model: runner.Model) -> dict:
    path = description_of(model)
    assert path.is_file(), f"{model.table} has no description: write {path}"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(demo_home: Path) -> dict[str, list[str]]:
    """The demo warehouse's tables and views of the three layers -> their columns in order."""
    with duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT table_schema || '.' || table_name, column_name "
            "FROM information_schema.columns WHERE table_schema IN ('staging', 'core', 'marts') "
            "ORDER BY table_schema, table_name, ordinal_position").fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def test_the_layers_have_models_of_every_form():
    assert {m.layer for m in MODELS.values()} == set(runner.LAYERS)
    assert any(m.is_python for m in MODELS.values() if m.layer == "staging")
    assert any(m.is_folder for m in MODELS.values())


@pytest.mark.parametrize("table", sorted(MODELS))
def test_a_model_has_its_description(table: str):
    model = MODELS[table]
    spec = spec_of(model)
    assert spec.get("name", model.name) == model.name, description_of(model)
    assert isinstance(spec.get("description"), str) and spec["description"].strip(), table
    columns = spec.get("columns")
    assert isinstance(columns, dict) and columns, f"{table}: no columns in its .yml"
    undescribed = [c for c, text in columns.items() if not (isinstance(text, str) and text.strip())]
    assert not undescribed, f"{table}: columns without a description: {undescribed}"
    assert set(spec.get("key") or []) <= set(columns), f"{table}: key names unknown columns"


@pytest.mark.parametrize("table", sorted(MODELS))
def test_what_a_description_lists_is_what_the_build_makes(table: str,
                                                          built: dict[str, list[str]]):
    assert table in built, f"the demo build made no {table}"
    made = built[table]
    described = list(spec_of(MODELS[table])["columns"])
    assert described == made, (
        f"{description_of(MODELS[table])}: described but not built "
        f"{[c for c in described if c not in made]}, built but not described "
        f"{[c for c in made if c not in described]}"
        + (" (the same columns, another order)" if set(described) == set(made) else ""))
