"""Refused files are kept, untouched, beside a reason an analyst can read."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from flows import config
from flows.problems import Problem


def quarantine(path: Path, sha256: str, kind: str, problems: list[Problem]) -> Path:
    """Copy the file to `quarantine/<kind>/<sha12>/` with reason.txt and reason.json.

    The folder is named by content, so refusing the same bytes again rewrites one entry.
    """
    folder = config.quarantine_dir() / kind / sha256[:12]
    folder.mkdir(parents=True, exist_ok=True)
    kept = folder / _safe_name(path.name)
    shutil.copyfile(path, kept)
    refused = f"{path.name} was refused on {datetime.now():%Y-%m-%d %H:%M}; nothing was loaded."
    lines = [refused, f"SHA-256: {sha256}", "", "What to fix:"]
    lines += [f"- {p.plain()}" for p in problems]
    lines += ["", f"Send the corrected file again: ahual ingest {kind} FILE"]
    (folder / "reason.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "reason.json").write_text(json.dumps(
        {"file": path.name, "sha256": sha256, "kind": kind,
         "problems": [p.as_dict() for p in problems]}, ensure_ascii=False, indent=2),
        encoding="utf-8")
    return kept


def _safe_name(name: str) -> str:
    """A file name from outside never chooses where we write: keep only its last part."""
    base = Path(name.replace("\\", "/")).name.lstrip(".")
    return base or "file"
