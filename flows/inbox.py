"""Ingest what analysts drop into `AHUAL_HOME/inbox/` (run daily by `ahual serve`).

    inbox/registrations/           registration reports
    inbox/progress/                agencies' progress reports
    inbox/monitoring/round-N/      monitoring sheets of round N
    inbox/survey/<STUDY>/          one study's microdata (a CSV's codebook beside it)

Each file goes through the same gate as `ahual ingest`. Afterwards it is moved out of the way,
never deleted: into `processed/<stamp>/` beside it when loaded or already loaded, into
`rejected/<stamp>/` when refused (its reason is in quarantine/).
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

from prefect import flow

from flows import config
from flows.ingest import ingest
from flows.progress import say

ACCEPTED_SUFFIXES = {".csv", ".xlsx", ".sav", ".txt"}
FLAT_KINDS = ("registrations", "progress")


def _waiting(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file()
                  and p.suffix.lower() in ACCEPTED_SUFFIXES and not p.name.endswith(
                      ".codebook.csv"))


def _folders() -> list[tuple[str, Path, dict]]:
    """(kind, folder, options) for every inbox folder that exists or is always expected."""
    root = config.inbox_dir()
    found = [(kind, root / kind, {}) for kind in FLAT_KINDS]
    for folder in sorted((root / "monitoring").glob("round-*")):
        match = re.fullmatch(r"round-(\d+)", folder.name)
        if match and folder.is_dir():
            found.append(("monitoring", folder, {"round": int(match[1])}))
    for folder in sorted((root / "survey").glob("*")):
        if folder.is_dir() and folder.name not in {"processed", "rejected"}:
            found.append(("survey", folder, {"study": folder.name}))
    return found


@flow(name="inbox-ingest")
def ingest_inbox() -> dict[str, int]:
    """Ingest every file waiting in the inbox folders; return how many were refused per folder."""
    refused = {}
    for kind, folder, options in _folders():
        folder.mkdir(parents=True, exist_ok=True)
        files = _waiting(folder)
        label = str(folder.relative_to(config.inbox_dir()))
        if not files:
            say(f"inbox/{label}: nothing waiting")
            continue
        outcomes = ingest(kind, [str(p) for p in files], options)
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        for path, outcome in zip(files, outcomes, strict=True):
            where = folder / ("rejected" if outcome.status == "rejected" else "processed") / stamp
            where.mkdir(parents=True, exist_ok=True)
            shutil.move(path, where / path.name)
            codebook = path.with_name(f"{path.stem}.codebook.csv")
            if codebook.exists():
                shutil.move(codebook, where / codebook.name)
        refused[label] = sum(o.status == "rejected" for o in outcomes)
    return refused
