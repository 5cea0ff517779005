"""Receiving a file: is it a file at all, how big, which bytes, and what is it loaded as.

Nothing here reads a file's content beyond hashing it, and nothing follows a symbolic link:
a link, a folder, a device or a file nobody may read is refused by what `lstat` says. The
identity of a load is the data's SHA-256 with what it is loaded as (the kind, options such as
a study or round, and the SHA-256 of its side files): the same bytes sent as another study are
another load, and a corrected codebook beside the same data is a new load. Imports no Prefect
and no Great Expectations: `ahual ingest` decides here whether there is anything to do.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ahual.flows import resources, settings
from ahual.flows.kinds.base import Kind, Options, load_key, sha256_of
from ahual.flows.problems import Problem, shown
from ahual.warehouse import store


@dataclass
class Candidate:
    """A received file, known by its load identity; nothing of it is read yet."""

    path: Path
    kind: Kind
    options: Options
    sha256: str  # "" when the file could not be read at all
    size: int
    loaded_as: dict
    load_key: str
    side_files: dict[str, Path]
    refusal: list[Problem] = field(default_factory=list)  # refused on receipt: nothing read
    resubmit: str | None = None  # how to send it again, when not by `ahual ingest`

    @property
    def readable(self) -> bool:
        return bool(self.sha256)

    @property
    def loaded_as_json(self) -> str:
        return json.dumps(self.loaded_as, sort_keys=True, ensure_ascii=False)

    @property
    def command(self) -> str:
        return self.resubmit or self.kind.command(self.path, self.options)


@dataclass
class FileOutcome:
    """What happened to one file; the line the analyst reads."""

    file: str
    kind: str
    status: str  # loaded | reinstated (sent again, counts again) | unchanged | rejected | waiting
    rows: int = 0
    batch_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    quarantined: str | None = None
    data_docs: str | None = None
    stage: str | None = None  # rejected by: receive, file (its rules), build (the marts' rules)
    command: str | None = None  # the exact command to send it again
    summary: dict = field(default_factory=dict)

    def line(self) -> str:
        name = shown(self.file)
        if self.status == "loaded":
            return f"loaded    {name}: {counted(self.rows, 'row')} as batch {self.batch_id}"
        if self.status == "reinstated":
            was, replaces = self.summary.get("was"), self.summary.get("replaces")
            return (f"current   {name}: batch {self.batch_id} counts again"
                    + (f", in place of {replaces}" if replaces else "")
                    + (f" (it had been {was})" if was else ""))
        if self.status == "unchanged" and self.batch_id is None and self.problems:
            return f"unchanged {name}: {self.problems[0].message}"
        if self.status == "unchanged":
            return f"unchanged {name}: already loaded as batch {self.batch_id}"
        if self.status == "waiting":
            return f"waiting   {name}: {self.problems[0].message if self.problems else ''}"
        kept = f"; kept in {self.quarantined}" if self.quarantined else ""
        return f"REJECTED  {name}: {len(self.problems)} problem(s){kept}"

    def as_dict(self) -> dict:
        return {"file": self.file, "kind": self.kind, "status": self.status, "rows": self.rows,
                "batch_id": self.batch_id, "stage": self.stage,
                "quarantined": self.quarantined, "data_docs": self.data_docs,
                "command": self.command,
                "problems": [p.as_dict() for p in self.problems],
                "warnings": [p.as_dict() for p in self.warnings], "summary": self.summary}


@dataclass
class IngestResult:
    """What one run of the gate did: every file's outcome, the build, the publication."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    build: object | None = None  # build.BuildOutcome
    published: Path | None = None
    refused_build: list[Problem] = field(default_factory=list)  # nothing to blame but the build

    @property
    def rejected(self) -> bool:
        return bool(self.refused_build) or any(o.status == "rejected" for o in self.outcomes)


def counted(n: int, noun: str) -> str:
    """"1 row", "2,400 rows"."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def why_not_a_file(path: Path) -> str | None:
    """Why `path` cannot be taken as a received file, from `lstat` alone (None: it can)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return "there is no such file"
    except OSError as error:
        return f"it cannot be looked at ({shown(error.strerror)})"
    if stat.S_ISLNK(info.st_mode):
        return (f"it is a symbolic link (to {shown(os.readlink(path))}), not a file; links "
                "are never followed")
    if stat.S_ISDIR(info.st_mode):
        return "it is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "it is a device, pipe or socket, not a file"
    if not os.access(path, os.R_OK):
        return "it cannot be read (permission denied)"
    return None


def receive(path: Path, kind: Kind, options: Options) -> Candidate:
    """Look at a file and its side files and hash them. A file refused here (not a file, not
    readable, too large) is refused by its metadata: its content is never parsed."""
    why = why_not_a_file(path)
    sides: dict[str, Path] = {}
    if why is None:
        sides = options.side_files(path)
        for role, side in sides.items():
            side_why = why_not_a_file(side)
            if side_why:
                why = f"its {role} {shown(side.name)} cannot be taken: {side_why}"
                sides = {}
                break
    loaded_as = options.loaded_as(path) if why is None else options.as_dict()
    if why is not None:  # nothing to hash: the load is known by what was sent and why
        key = load_key(kind.name, f"unreadable:{path.name}:{why}", loaded_as)
        return Candidate(path, kind, options, "", 0, loaded_as, key, {},
                         [Problem(path.name, "a readable file", why)])
    size = path.stat().st_size
    sha = sha256_of(path)
    candidate = Candidate(path, kind, options, sha, size, loaded_as,
                          load_key(kind.name, sha, loaded_as), sides)
    if size > kind.max_bytes:
        candidate.refusal = [Problem(
            path.name, "file size", f"it is {size / 2**20:,.0f} MB; {kind.title.lower()} is at "
            f"most {kind.max_bytes / 2**20:,.0f} MB. Is this the right file?")]
    elif sha in resources.demo_hashes() and not settings.home().is_demo:
        candidate.refusal = [Problem(
            path.name, "no demo data in a real home", "it is one of Ahual's made-up demo "
            "files (datasets/demo/); its figures are invented and are never loaded into a "
            "real home (`ahual demo` shows them in a home of its own)")]
    return candidate


def already_published(kind: Kind, options: Options, files: list[Path]) -> list[FileOutcome] | None:
    """The outcomes when every file's load is already published and current ("unchanged",
    answered without a flow), else None: the flow receives them (a load reverted or replaced
    since is made current again by the flow)."""
    home = settings.home()
    if not home.published_warehouse.exists():
        return None
    candidates = [receive(f, kind, options) for f in files]
    if any(c.refusal for c in candidates):
        return None
    try:
        with store.Warehouse.of(home).read_published() as con:
            batches = [store.loaded_batch(con, c.load_key) for c in candidates]
            standing = [store.load_standing(con, b) for b in batches if b is not None]
    except Exception:  # an unreadable published file: let the flow say what is wrong
        return None
    if any(b is None for b in batches) or not all(store.is_current(s[0]) for s in standing
                                                  if s):
        return None
    return [FileOutcome(c.path.name, kind.name, "unchanged", batch_id=b)
            for c, b in zip(candidates, batches, strict=True)]
