"""The bad-input catalogue: one generated file per case, and exactly what must happen to it.

All cases go through one real ingest flow run (Prefect, GX, DuckDB); afterwards every file is
either loaded with every one of its rows or refused with the named rule and nothing loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from ahual.flows import settings
from tests.helpers import ingest, write_csv, write_xlsx

HEAD = ["as_of", "region", "confession", "associations"]


def rows(*body: list) -> list[list]:
    return [HEAD, *body]


@dataclass
class Case:
    name: str
    make: Callable[[Path], Path]
    rule: str | None  # None: loaded
    cells: int = 0  # rows a loaded file must put in raw.registration_rows


def csv_case(name, table, rule, cells=0, **kw) -> Case:
    return Case(name, lambda d: write_csv(d / name, table, **kw), rule, cells)


def raw_case(name, content: bytes, rule) -> Case:
    def make(d: Path) -> Path:
        (d / name).write_bytes(content)
        return d / name
    return Case(name, make, rule)


def huge(d: Path) -> Path:
    path = d / "huge-200mb.csv"
    with open(path, "wb") as handle:
        handle.write(",".join(HEAD).encode() + b"\n")
        handle.truncate(200 * 2**20)  # sparse: 200 MB on paper, little on disk
    return path


CASES = [
    csv_case("utf8.csv", rows(["2008-01-01", "Akmola Region", "ISL", "3"]), None, 1),
    csv_case("bom.csv", rows(["2008-01-01", "Aktobe Region", "ISL", "3"]), None, 1,
             encoding="utf-8-sig"),
    csv_case("cp1251-semicolon.csv", [["Дата", "Регион", "Конфессия", "Количество"],
                                      ["01.01.2008", "Атырауская область", "Ислам", "5"]],
             None, 1, encoding="cp1251", delimiter=";"),
    csv_case("kazakh-headers.csv", [["Күні", "Өңір", "Конфессия", "Саны"],
                                    ["2008-01-01", "Атырау облысы", "Буддизм", "-"]], None, 1),
    Case("wide.xlsx", lambda d: write_xlsx(d / "wide.xlsx", [
        ["as_of", "region", "ISL", "ORT-ROC", "Total"],
        ["2008-01-01", "Pavlodar Region", 10, "-", 12],
        ["2008-01-01", "Kostanay Region", None, 4, 9]]), None, 6),
    csv_case("empty-cell-is-missing.csv", rows(["2008-01-01", "Mangystau Region", "JUD", ""]),
             None, 1),
    csv_case("thousands-space.csv", rows(["2008-01-01", "Kyzylorda Region", "ISL", "1 147"]),
             None, 1),
    csv_case("sql-in-name'; DROP TABLE raw.load_batches; --.csv",
             rows(["2008-01-01", "Zhambyl Region", "ISL", "7"]), None, 1),
    csv_case("formula-in-note.csv", [HEAD + ["note"], ["2008-01-01", "Almaty city", "BUD", "1",
                                                       "=cmd|' /C calc'!A0"]], None, 1),
    raw_case("utf16.csv", "as_of,region\n2008-01-01,11\n".encode("utf-16"), "file readable"),
    csv_case("mixed-separators.csv", [["as_of;region;confession;associations"],
                                      ["2008-01-01", "Akmola Region", "ISL", "3"]],
             "known region"),
    csv_case("extra-column.csv", [HEAD + ["colour"], ["2008-01-01", "Akmola Region", "ISL", "3",
                                                      "red"]], "known columns"),
    csv_case("missing-column.csv", [["as_of", "region", "confession"],
                                    ["2008-01-01", "Akmola Region", "ISL"]],
             "required columns present"),
    csv_case("two-region-columns.csv", [["as_of", "region", "регион", "confession", "count"],
                                        ["2008-01-01", "11", "11", "ISL", "1"]],
             "one column per meaning"),
    csv_case("unknown-region.csv", rows(["2008-01-01", "Akmolla Region", "ISL", "3"]),
             "known region"),
    csv_case("unknown-confession.csv", rows(["2008-01-01", "Akmola Region", "Jedi", "3"]),
             "known confession"),
    csv_case("negative.csv", rows(["2008-01-01", "Akmola Region", "ISL", "-3"]),
             "count is a non-negative integer, «-» or empty"),
    csv_case("fraction.csv", rows(["2008-01-01", "Akmola Region", "ISL", "2.5"]),
             "count is a non-negative integer, «-» or empty"),
    csv_case("words.csv", rows(["2008-01-01", "Akmola Region", "ISL", "много"]),
             "count is a non-negative integer, «-» or empty"),
    csv_case("huge-count.csv", rows(["2008-01-01", "Akmola Region", "ISL", "5000000"]),
             "count within plausible range (0 to 10,000 per cell)"),
    csv_case("duplicate-key.csv", rows(["2008-01-01", "Akmola Region", "ISL", "3"],
                                       ["01.01.2008", "Акмолинская область", "Ислам", "4"]),
             "one row per date x region x confession"),
    csv_case("date-1989.csv", rows(["1989-12-31", "Akmola Region", "ISL", "3"]),
             "date not before 1990"),
    csv_case("date-future.csv", rows(["2099-01-01", "Akmola Region", "ISL", "3"]),
             "date not in the future"),
    csv_case("date-other-format.csv", rows(["2008/01/01", "Akmola Region", "ISL", "3"]),
             "date parseable"),
    csv_case("sql-in-cell.csv", rows(["2008-01-01", "'; DROP TABLE raw.load_batches; --", "ISL",
                                      "3"]), "known region"),
    csv_case("path-in-cell.csv", rows(["2008-01-01", "../../../etc/passwd", "ISL", "3"]),
             "known region"),
    csv_case("formula-in-cell.csv", rows(["2008-01-01", "=cmd|' /C calc'!A0", "ISL", "3"]),
             "known region"),
    raw_case("empty.csv", b"", "file readable"),
    raw_case("header-only.csv", b"as_of,region,confession,associations\n", "file readable"),
    raw_case("not-really.xlsx", b"as_of,region\n2008-01-01,11\n", "file readable"),
    raw_case("truncated.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "file readable"),
    raw_case("report.docx", b"PK\x03\x04", "file format"),
    Case("huge-200mb.csv", huge, "file size"),
]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    home = tmp_path_factory.mktemp("catalogue") / "ahual-home"
    folder = tmp_path_factory.mktemp("inputs")
    patch = pytest.MonkeyPatch()
    patch.setenv("AHUAL_HOME", str(home))
    try:
        paths = [case.make(folder) for case in CASES]
        results = ingest("registrations", paths).outcomes
        with duckdb.connect(str(settings.home().published_warehouse), read_only=True) as con:
            loaded = dict(con.execute(
                "SELECT file_name, count(r.batch_id) FROM raw.load_batches b "
                "LEFT JOIN raw.registration_rows r USING (batch_id) GROUP BY 1").fetchall())
            tables = {t for (t,) in con.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables"
            ).fetchall()}
        yield {o.file: o for o in results}, loaded, tables, home
    finally:
        patch.undo()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, outcomes):
    results, loaded, _, home = outcomes
    outcome = results[case.name]
    if case.rule is None:
        assert outcome.status == "loaded", [p.plain() for p in outcome.problems]
        assert loaded[case.name] == case.cells  # every row, once
    else:
        assert outcome.status == "rejected"
        assert case.rule in {p.rule for p in outcome.problems}
        assert case.name not in loaded  # nothing of it
        kept = Path(outcome.quarantined)
        assert kept.is_relative_to(home / "quarantine")
        assert (kept / "reason.txt").read_text(encoding="utf-8").count(case.rule) >= 1


def test_hostile_names_and_cells_changed_no_table(outcomes):
    *_, tables, home = outcomes
    assert {"raw.load_batches", "raw.registration_rows", "raw.rejections"} <= tables
    written = [p for p in home.parent.rglob("*") if not p.is_relative_to(home)]
    assert written == []  # nothing written outside AHUAL_HOME
