"""The inbox: what analysts and regional offices drop into `AHUAL_HOME/inbox/`, laid out by kind.

    inbox/registrations/           registration reports
    inbox/progress/                agencies' progress reports
    inbox/monitoring/round-N/      monitoring sheets of round N
    inbox/survey/<STUDY>/          one study's microdata (a CSV's codebook beside it)

The folders come from the kinds' declarations (flows/kinds/): a kind with a folder option (a
round, a study) has one sub-folder per value. A file is taken once it is complete: it has not
changed for a while (AHUAL_INBOX_SETTLE_SECONDS, 60 by default), and names that copy tools use
while writing (`.part`, `.tmp`, `.partial`, `.crdownload`, or a leading dot) are left alone; to
deliver
atomically, copy under such a name and rename when done. Links, folders and special files are
refused unread. Afterwards every file is moved out of the way, never deleted: into
`processed/<stamp>/` beside it when loaded (or already loaded), `rejected/<stamp>/` when
refused (its reason is in quarantine/).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ahual.flows import settings
from ahual.flows.gate.files import Candidate, FileOutcome, receive
from ahual.flows.kinds import kinds
from ahual.flows.problems import Problem, UsageError

SETTLE_SECONDS = 60
IN_PROGRESS = (".part", ".tmp", ".partial", ".crdownload", ".download")
ASIDE = {"processed", "rejected"}


@dataclass
class Waiting:
    candidates: list[Candidate] = field(default_factory=list)
    not_ready: list[FileOutcome] = field(default_factory=list)  # still being written, or misplaced

    @property
    def anything(self) -> bool:
        return bool(self.candidates or self.not_ready)


def folders(root: Path) -> list[tuple[str, Path, object]]:
    """(kind, folder, options) of every inbox folder there is (sub-folders named as the kind's
    folder option says: round-2, S04)."""
    found = []
    for name, kind in kinds().items():
        base = root / name
        if kind.folder_option is None:
            found.append((name, base, kind.options()))
            continue
        if not base.is_dir() or base.is_symlink():
            continue
        for sub in sorted(base.iterdir()):
            options = kind.options_for_folder(sub.name) if sub.is_dir() else None
            if options is not None and not sub.is_symlink():
                found.append((name, sub, options))
    return found


def unusable(root: Path) -> list[FileOutcome]:
    """Sub-folders that stand for options the kind refuses (inbox/survey/S99/ for a study
    the registry does not have): their files wait, with the reason."""
    waiting = []
    for name, folder, options in folders(root):
        try:
            kinds()[name].check_options(options)
        except UsageError as error:
            waiting += [FileOutcome(p.name, name, "waiting", problems=[Problem(
                p.name, "known folder", f"{folder.name}/: {error}")])
                for p in sorted(folder.iterdir()) if p.is_file()]
    return waiting


def scan(root: Path, settle_seconds: float = SETTLE_SECONDS, inbox: bool = True) -> Waiting:
    """Every file waiting under `root` (the inbox, or with `inbox=False` the demo's inputs,
    laid out the same way)."""
    waiting = Waiting(not_ready=unusable(root))
    refused_folders = {(o.kind, o.problems[0].message.split("/", 1)[0]) for o in waiting.not_ready}
    now = time.time()
    for name, folder, options in folders(root):
        kind = kinds()[name]
        if not folder.is_dir() or (name, folder.name) in refused_folders:
            continue
        for path in sorted(folder.iterdir()):
            if path.name in ASIDE and path.is_dir() and not path.is_symlink():
                continue
            if path.name.startswith(".") or path.name.endswith(IN_PROGRESS):
                continue
            if kind.is_side_file(path) and not path.is_symlink():
                continue  # travels with its data file
            try:
                age = now - os.lstat(path).st_mtime
            except OSError:
                continue  # gone since it was listed
            if age < settle_seconds:
                waiting.not_ready.append(FileOutcome(path.name, name, "waiting", problems=[
                    Problem(path.name, "file complete", f"changed {age:.0f} s ago; taken once "
                            f"it has not changed for {settle_seconds:.0f} s")]))
                continue
            candidate = receive(path, kind, options)
            if inbox:
                candidate.resubmit = f"put the corrected file into {folder}/"
            waiting.candidates.append(candidate)
    for name, kind in kinds().items():  # files a kind with sub-folders cannot place
        base = root / name
        if kind.folder_option is None or not base.is_dir():
            continue
        for path in sorted(base.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                waiting.not_ready.append(FileOutcome(path.name, name, "waiting", problems=[
                    Problem(path.name, "file in its folder", "put it in inbox/"
                            f"{name}/{kind.folder_name(None)}/, the folder of what it is")]))
    return waiting


def waiting(root: Path) -> Waiting:
    for name, _folder, _options in folders(root):
        (root / name).mkdir(parents=True, exist_ok=True)
    return scan(root, settings.settings().inbox_settle_seconds)


def move_aside(candidates: list[Candidate], outcomes: list[FileOutcome]) -> None:
    """Move each file (a link as the link itself) and its side files to processed/ or
    rejected/ beside it."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    by_name = {o.file: o for o in outcomes}
    for candidate in candidates:
        outcome = by_name.get(candidate.path.name)
        if outcome is None:
            continue
        aside = "rejected" if outcome.status == "rejected" else "processed"
        target = candidate.path.parent / aside / stamp
        target.mkdir(parents=True, exist_ok=True)
        for path in (candidate.path, *candidate.side_files.values()):
            if os.path.lexists(path):
                shutil.move(str(path), str(target / path.name))
