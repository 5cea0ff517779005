"""Ingest what analysts drop into `AHUAL_HOME/inbox/<kind>/` (run daily by `ahual serve`).

Each file goes through the same gate as `ahual ingest`. Afterwards it is moved out of the way,
never deleted: into `inbox/<kind>/processed/` when loaded or already loaded, into
`inbox/<kind>/rejected/` when refused (its reason is in quarantine/).
"""

from __future__ import annotations

import shutil
from datetime import datetime

from prefect import flow

from flows import config
from flows.ingest import ingest
from flows.progress import say

ACCEPTED_SUFFIXES = {".csv", ".xlsx", ".sav", ".txt"}
# Kinds whose files need command-line context (e.g. a survey's study id) are not taken from
# a flat inbox folder.
INBOX_KINDS = ("registrations",)


@flow(name="inbox-ingest")
def ingest_inbox() -> dict[str, int]:
    """Ingest every file waiting in the inbox folders; return how many were refused per kind."""
    refused = {}
    for kind in INBOX_KINDS:
        folder = config.inbox_dir() / kind
        folder.mkdir(parents=True, exist_ok=True)
        files = sorted(p for p in folder.iterdir()
                       if p.is_file() and p.suffix.lower() in ACCEPTED_SUFFIXES)
        if not files:
            say(f"inbox/{kind}: nothing waiting")
            continue
        outcomes = ingest(kind, [str(p) for p in files])
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        for path, outcome in zip(files, outcomes, strict=True):
            where = folder / ("rejected" if outcome.status == "rejected" else "processed") / stamp
            where.mkdir(parents=True, exist_ok=True)
            shutil.move(path, where / path.name)
        refused[kind] = sum(o.status == "rejected" for o in outcomes)
    return refused
