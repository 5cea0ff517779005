"""Nothing respondent-level leaves the warehouse: every file the demo home publishes
(snapshots/, reports/, the site, notebooks' HTML) and every Prefect artifact of the demo's runs
carries none of the demo's respondent ids and no survey cell below the suppression threshold.

Respondent ids are read from the warehouse (raw.survey_respondents: text such as "100001", the
study's number times 100 000 plus a running number; core.survey_respondents has the same). A
published figure can equal one of 24 000 ids by chance (a six-digit count or amount), so a file
leaks when it carries three different ids; a respondent-level table carries hundreds. A small
cell is a row of a published table whose domain count (`n_unweighted`, `base_n_unweighted`) is
below 30, or that is marked `suppressed`. The scanner is itself tested on planted leaks."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from ahual.flows.cli import main
from ahual.warehouse import survey_design

PUBLISHED = ("snapshots", "reports", "site", "notebooks")
TEXT = {".csv", ".json", ".html", ".htm", ".md", ".txt", ".svg", ".xml", ".js", ".css", ".tsv",
        ".yaml", ".yml", ".geojson"}
NO_TEXT = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf"}
DOMAIN_COUNTS = ("n_unweighted", "base_n_unweighted")
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
ENOUGH_TO_LEAK = 3


def tokens(value) -> set[str]:
    """The whole numbers a value shows: 100001, 100001.0 and "id 100001" all give "100001"."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, int):
        return {str(value)}
    if isinstance(value, float):
        return {str(int(value))} if value == value and value.is_integer() else set()
    found = set()
    for match in NUMBER.findall(str(value)):
        whole, _, fraction = match.partition(".")
        if not fraction.strip("0"):
            found.add(whole)
    return found


def rows_of(path: Path) -> Iterator[dict]:
    """The rows of a published table (CSV, Parquet, an xlsx sheet with a header row)."""
    if path.suffix == ".parquet":
        yield from pq.read_table(path).to_pylist()
    elif path.suffix == ".csv":
        import csv

        with open(path, newline="", encoding="utf-8", errors="replace") as handle:
            yield from csv.DictReader(handle)
    elif path.suffix == ".xlsx":  # calamine: openpyxl takes a minute for the site's sheets
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            lines = iter(book.get_sheet_by_name(name).to_python())
            header = [str(c) for c in next(lines, [])]
            for line in lines:
                yield dict(zip(header, line, strict=False))


def is_small_cell(row: dict) -> bool:
    suppressed = str(row.get("suppressed", "")).lower() in ("true", "1")
    counts = [row[c] for c in DOMAIN_COUNTS if row.get(c) not in (None, "")]
    return suppressed or any(float(c) < survey_design.SUPPRESS_BELOW for c in counts)


def scan(path: Path) -> tuple[set[str], list[dict]]:
    """The whole numbers a published file shows, and its rows that are small cells."""
    if path.suffix in (".csv", ".parquet", ".xlsx"):
        numbers, cells = set(), []
        for row in rows_of(path):
            for key, value in row.items():
                numbers |= tokens(key) | tokens(value)
            if is_small_cell(row):
                cells.append(row)
        return numbers, cells
    if path.suffix in TEXT:
        return tokens(path.read_text(encoding="utf-8", errors="replace")), []
    raise AssertionError(f"{path}: a published file of a kind this scan cannot read; teach "
                         f"tests/e2e/test_published_privacy.py to read it")


def leaks(files: list[Path], ids: frozenset[str]) -> dict[str, str]:
    """What each leaking file carries: respondent ids, or small cells."""
    found = {}
    for path in files:
        if path.suffix in NO_TEXT:
            continue
        numbers, cells = scan(path)
        carried = numbers & ids
        if len(carried) >= ENOUGH_TO_LEAK:
            found[str(path)] = f"{len(carried)} respondent ids, e.g. {sorted(carried)[:3]}"
        elif cells:
            found[str(path)] = f"{len(cells)} cell(s) below the threshold, e.g. {cells[0]}"
    return found


def published_files(home: Path) -> list[Path]:
    return sorted(p for folder in PUBLISHED for p in (home / folder).rglob("*")
                  if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def respondent_ids(demo_con) -> frozenset[str]:
    raw = {r for (r,) in demo_con.execute(
        "SELECT DISTINCT respondent_id FROM raw.survey_respondents").fetchall()}
    core = {str(r) for (r,) in demo_con.execute(
        "SELECT DISTINCT respondent_id FROM core.survey_respondents").fetchall()}
    assert len(raw) > 1000 and core <= raw and all(r.isdigit() for r in raw)
    return frozenset(raw)


def test_the_scan_finds_planted_leaks(tmp_path, respondent_ids, demo_con):
    """A respondent-level table and a small cell, as files of every readable kind."""
    import pyarrow as pa

    some = sorted(respondent_ids)[:50]
    (tmp_path / "people.csv").write_text("id,answer\n" + "".join(f"{i},1\n" for i in some))
    (tmp_path / "people.html").write_text("<td>" + "</td><td>".join(f"{i}.0" for i in some))
    pq.write_table(pa.table({"respondent": [int(i) for i in some]}), tmp_path / "people.parquet")
    book = openpyxl.Workbook()
    book.active.append(["region", "estimate", "n_unweighted"])
    book.active.append(["Ulytau Region", 0.5, 12])
    book.save(tmp_path / "cells.xlsx")
    pq.write_table(pa.table({"estimate": [0.5, 0.4], "suppressed": [False, True]}),
                   tmp_path / "cells.parquet")
    planted = sorted(tmp_path.iterdir())
    assert sorted(leaks(planted, respondent_ids)) == [str(p) for p in planted]


def test_no_published_file_carries_respondents_or_small_cells(demo_home, respondent_ids,
                                                              tmp_path, monkeypatch):
    # the site too: built from the demo's published warehouse, in a copy of the home
    home = tmp_path / "ahual-home"
    shutil.copytree(demo_home, home, ignore=shutil.ignore_patterns("prefect", "gx", "work"))
    monkeypatch.setenv("AHUAL_HOME", str(home))
    assert main(["site"]) == 0
    files = published_files(home)
    kinds = {p.parts[len(home.parts)] for p in files}
    assert {"snapshots", "reports", "site"} <= kinds, kinds
    assert any(p.suffix == ".parquet" for p in files) and any(p.suffix == ".html" for p in files)
    assert not leaks(files, respondent_ids)


def test_no_prefect_artifact_carries_respondents_or_small_cells(demo_home, respondent_ids,
                                                                prefect_harness):
    artifacts, offset = [], 0
    while page := httpx.post(f"{prefect_harness}/artifacts/filter",
                             json={"limit": 200, "offset": offset}, timeout=60).json():
        artifacts += page
        offset += len(page)
    assert artifacts, "the demo's runs made no artifacts"
    found = {}
    for artifact in artifacts:
        text = json.dumps([artifact.get("data"), artifact.get("description")],
                          ensure_ascii=False)
        carried = tokens(text) & respondent_ids
        rows = artifact.get("data")
        if isinstance(rows, str) and artifact.get("type") == "table":
            rows = json.loads(rows)  # a table artifact keeps its rows as JSON text
        rows = rows if isinstance(rows, list) else []
        cells = [r for r in rows if isinstance(r, dict) and is_small_cell(r)]
        if len(carried) >= ENOUGH_TO_LEAK or cells:
            found[artifact.get("key") or artifact["id"]] = (sorted(carried)[:3], cells[:1])
    assert not found
