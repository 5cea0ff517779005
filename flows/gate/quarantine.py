"""Refused files are kept, untouched, beside a reason an analyst can read.

`quarantine/<kind>/<load key>/` holds `received/` (the file and the files that came with it,
such as a survey's codebook, byte for byte), `reason.txt` and `reason.json`. The folder is
named by the load (the bytes and what they were sent as), so refusing the same load again adds
an attempt to the same entry; earlier reasons are kept in reason.json.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

from ahual.flows.problems import PERSONAL_DATA, Problem, shown

REASONS = ("reason.txt", "reason.json")


def quarantine(root: Path, *, file_name: str, path: Path | None, kind: str, load_key: str,
               sha256: str, loaded_as: dict, side_files: dict[str, Path],
               problems: list[Problem], stage: str, resubmit: str,
               validation_page: str | None = None, flow_run_id: str | None = None,
               convert_to: str | None = None) -> Path:
    """Copy the file (`path`; None when it could not be read, as a link or a folder is never
    read) and its side files to `root/<kind>/<key12>/received/`, beside reason.txt and
    reason.json; return the folder. `convert_to`: the formats a file of a format the kind does
    not read must be saved in before it is sent again ("CSV or XLSX")."""
    folder = root / kind / load_key[:12]
    folder.mkdir(parents=True, exist_ok=True)
    personal = any(p.rule == PERSONAL_DATA for p in problems)
    kept_files = [] if personal else [p for p in (path, *side_files.values()) if p is not None]
    if kept_files:
        (folder / "received").mkdir(exist_ok=True)
    for source in kept_files:
        kept = folder / "received" / safe_name(source.name)
        if not kept.exists():
            shutil.copyfile(source, kept)
    now = datetime.now()
    record_file = folder / "reason.json"
    earlier = []
    if record_file.exists():
        try:
            earlier = json.loads(record_file.read_text(encoding="utf-8")).get("attempts", [])
        except (OSError, ValueError):
            earlier = []
    attempt = {"refused_at": now.isoformat(timespec="seconds"), "stage": stage,
               "rules": sorted({p.rule for p in problems}),
               "problems": [p.as_dict() for p in problems],
               "validation_page": validation_page, "flow_run_id": flow_run_id}
    record = {"file": file_name, "kind": kind, "kept": bool(kept_files), "sha256": sha256,
              "load_key": load_key, "loaded_as": loaded_as,
              "side_files": {r: p.name for r, p in side_files.items()}, "resubmit": resubmit,
              "attempts": [*earlier, attempt]}
    record_file.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    what = ("its rows would break the rules of the published marts" if stage == "build"
            else "it breaks the rules of its kind")
    lines = [(f"{shown(file_name)} was refused on {now:%Y-%m-%d %H:%M}: {what}; nothing of "
              "it was loaded."), f"Kind: {kind}" + (f"; loaded as {shown(as_words(loaded_as))}"
                                                     if as_words(loaded_as) else ""),
             f"SHA-256: {sha256}", ""]
    if personal:
        lines += ["The file itself is not kept: it holds personal data.", ""]
    elif not kept_files:
        lines += ["The file itself is not kept: it could not be read.", ""]
    if validation_page:
        lines += [f"Validation: {validation_page}", ""]
    lines += ["What to fix:", *[f"- {p.plain()}" for p in problems]]
    if earlier:
        lines += ["", f"Refused {len(earlier)} time(s) before: "
                  + ", ".join(f"{a['refused_at']} ({'; '.join(a['rules'])})" for a in earlier)]
    lines += ["", f"Save it as {convert_to}, then send that file:" if convert_to
              else "Send the corrected file again:", f"  {resubmit}"]
    (folder / "reason.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def as_words(loaded_as: dict) -> str:
    """What a load was sent as, in words: "study S01, codebook 3f2a9c01b7e4" ("" for none)."""
    words = [f"{k} {v}" for k, v in loaded_as.items() if k != "side_files"]
    words += [f"{role} {sha[:12]}" for role, sha in (loaded_as.get("side_files") or {}).items()]
    return ", ".join(words)


def safe_name(name: str) -> str:
    """A file name from outside never chooses where we write: keep only its last part, with
    no leading dots and no control characters."""
    base = Path(name.replace("\\", "/")).name.lstrip(".")
    base = "".join(c if c.isprintable() else "_" for c in base)
    return base or "file"
