"""Ingest: receive -> read and parse -> validate (GX) -> load all-or-nothing, or quarantine.

One machinery for every input kind; a kind only says how to parse its files, which suite
checks them and which raw table takes them. Each file is a few coarse Prefect tasks (never one
per row), and the whole run holds the working warehouse's writer lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from prefect import flow, runtime, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import monitoring, progress_reports, registrations, surveys
from flows.parsed import Parsed
from flows.problems import InputRejected, Problem
from flows.progress import say
from flows.quarantine import quarantine
from flows.validation import data_docs_once, validate
from warehouse import store


@dataclass(frozen=True)
class InputKind:
    """An input kind: how to turn one received file into checked rows for raw tables.

    `parse(path, options)` reads and interprets the file (raising InputRejected when it cannot)
    and says which frames go to which raw tables and which GX suite checks which frame.
    `options` carries command-line context such as a survey's study id.
    """

    name: str
    parse: Callable[[Path, dict], Parsed]


KINDS = {
    "registrations": InputKind("registrations", registrations.parse_file),
    "monitoring": InputKind("monitoring", monitoring.parse_file),
    "survey": InputKind("survey", surveys.parse_file),
    "progress": InputKind("progress", progress_reports.parse_file),
}


@dataclass
class FileOutcome:
    file: str
    status: str  # loaded | unchanged | rejected
    rows: int = 0
    batch_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    quarantined: str | None = None
    data_docs: str | None = None

    def line(self) -> str:
        if self.status == "loaded":
            return f"loaded    {self.file}: {self.rows} rows as batch {self.batch_id}"
        if self.status == "unchanged":
            return f"unchanged {self.file}: already loaded as batch {self.batch_id}"
        return f"REJECTED  {self.file}: {len(self.problems)} problem(s); kept in {self.quarantined}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@task(name="check file", cache_policy=NO_CACHE)
def check_file(path: Path, kind: InputKind, options: dict
               ) -> tuple[Parsed | None, list[Problem], str | None]:
    """Read, parse and validate one file; the rows are returned only if every rule holds."""
    try:
        parsed = kind.parse(path, options)
    except InputRejected as refused:
        return None, refused.problems, None
    problems, docs = [], None
    for suite, frame in parsed.checks:
        outcome = validate(frame, suite, path.name)
        problems += outcome.problems
        docs = outcome.data_docs or docs
    return (None if problems else parsed), problems, docs


@task(name="load file", cache_policy=NO_CACHE)
def load_file(con: duckdb.DuckDBPyConnection, path: Path, sha256: str, kind: InputKind,
              parsed: Parsed) -> int:
    return store.load_batch(con, kind=kind.name, file_name=path.name, sha256=sha256,
                            size=path.stat().st_size, tables=parsed.tables,
                            flow_run_id=_flow_run_id())


@task(name="quarantine file", cache_policy=NO_CACHE)
def quarantine_file(con: duckdb.DuckDBPyConnection, path: Path, sha256: str, kind: InputKind,
                    problems: list[Problem]) -> str:
    kept = quarantine(path, sha256, kind.name, problems)
    store.record_rejection(con, kind=kind.name, file_name=path.name, sha256=sha256,
                           rules="; ".join(sorted({p.rule for p in problems})),
                           reason="\n".join(p.plain() for p in problems),
                           quarantine_path=str(kept.parent), flow_run_id=_flow_run_id())
    return str(kept.parent)


def ingest_one(path: Path, kind: InputKind, options: dict | None = None,
               con: duckdb.DuckDBPyConnection | None = None) -> FileOutcome:
    """Take one file through the gate. Call inside `store.exclusive()`; pass `con` (the open
    working warehouse) when taking many files, so they share one connection."""
    if con is None:
        with store.connect() as con:
            return ingest_one(path, kind, options, con)
    if not path.is_file():
        problem = Problem(path.name, "file readable", f"no such file: {path}")
        return FileOutcome(path.name, "rejected", problems=[problem], quarantined="(not kept: "
                           "the file does not exist)")
    sha256 = sha256_of(path)
    batch_id = store.loaded_batch(con, kind.name, sha256)
    if batch_id is not None:
        return FileOutcome(path.name, "unchanged", batch_id=batch_id)
    parsed, problems, docs = check_file(path, kind, options or {})
    if parsed is None:
        kept = quarantine_file(con, path, sha256, kind, problems)
        return FileOutcome(path.name, "rejected", problems=problems, quarantined=kept,
                           data_docs=docs)
    batch_id = load_file(con, path, sha256, kind, parsed)
    return FileOutcome(path.name, "loaded", rows=parsed.rows, batch_id=batch_id, data_docs=docs)


def report_outcomes(kind: str, outcomes: list[FileOutcome]) -> None:
    """Say what happened to every file, on the terminal and as Prefect artifacts."""
    table = []
    for outcome in outcomes:
        say(outcome.line())
        for problem in outcome.problems:
            say(f"          {problem.plain()}")
        table.append({"file": outcome.file, "status": outcome.status, "rows": outcome.rows,
                      "batch": outcome.batch_id or "",
                      "rule": "; ".join(sorted({p.rule for p in outcome.problems})),
                      "first problem": outcome.problems[0].plain() if outcome.problems else ""})
    if _flow_run_id():
        create_table_artifact(key=f"ingest-{kind}", table=table,
                              description=f"What `ahual ingest {kind}` did with each file")
        counts = {s: sum(o.status == s for o in outcomes) for s in ("loaded", "unchanged",
                                                                   "rejected")}
        create_markdown_artifact(key=f"ingest-{kind}-summary", markdown=(
            f"## Ingest {kind}\n\n{counts['loaded']} loaded, {counts['unchanged']} unchanged, "
            f"{counts['rejected']} rejected.\n"))


@flow(name="ingest")
def ingest(kind: str, files: list[str], options: dict | None = None,
           build: bool = True) -> list[FileOutcome]:
    """Validate and load files of one input kind, then rebuild and publish the marts."""
    from flows.build import build_marts

    spec = KINDS[kind]
    outcomes = []
    with store.exclusive(on_wait=say), data_docs_once():
        # One connection for every file; closed before the build, which publishes by copy.
        with store.connect() as con:
            for i, name in enumerate(files, 1):
                say(f"[{i}/{len(files)}] {kind}: {Path(name).name}")
                outcomes.append(ingest_one(Path(name), spec, options, con))
        report_outcomes(kind, outcomes)
        # Always ask: the build skips itself when the published warehouse is up to date, and
        # catches up when an earlier run was stopped between loading and publishing.
        if build:
            build_marts()
    return outcomes


def _flow_run_id() -> str | None:
    return runtime.flow_run.id
