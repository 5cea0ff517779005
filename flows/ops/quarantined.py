"""What waits in quarantine: one entry per refused load (its folder, its reason.json and its
latest refusal), with the labels it was refused for. Read by `ahual aliases` (flows/ops/
aliases.py), `doctor` and `status`; written by the gate (flows/gate/quarantine.py)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ahual.flows import settings
from ahual.flows.gate.quarantine import safe_name
from ahual.flows.reading import KINDS
from ahual.warehouse import store

# The rules of the input suites that refuse an unknown label, and the vocabulary each uses.
LABEL_RULES = {f"known {kind}": kind for kind in KINDS}
_LABEL = re.compile(rf"unknown (?P<kind>{'|'.join(KINDS)}) «(?P<label>.*)»"
                    r"(?:; (?:it is ambiguous: )?did you mean «.*\?)?$")
_MORE = re.compile(r"^(?P<n>\d+) more rows break this rule$")


@dataclass
class Entry:
    """One quarantined load: its folder, its reason.json and its latest refusal."""

    folder: Path
    record: dict

    @property
    def kind(self) -> str:
        return self.record.get("kind", self.folder.parent.name)

    @property
    def file(self) -> str:
        return self.record.get("file", "")

    @property
    def latest(self) -> dict:
        attempts = self.record.get("attempts") or [{}]
        return attempts[-1]

    @property
    def kept_file(self) -> Path | None:
        if not self.record.get("kept"):
            return None
        path = self.folder / "received" / safe_name(self.file)
        return path if path.is_file() else None

    def label_problems(self) -> list[tuple[str, str | None]]:
        """(vocabulary kind, label) of each unknown-label problem of the latest refusal; the
        label is None for a "N more rows break this rule" line (the sample was cut)."""
        found = []
        for problem in self.latest.get("problems", []):
            kind = LABEL_RULES.get(problem.get("rule", ""))
            if kind is None:
                continue
            match = _LABEL.search(problem.get("message", ""))
            found.append((kind, match["label"] if match else None))
        return found

    @property
    def only_label_problems(self) -> bool:
        """Refused by its own rules, and only because labels were unknown."""
        rules = set(self.latest.get("rules", []))
        return (self.latest.get("stage") == "file" and bool(rules)
                and rules <= set(LABEL_RULES))


def quarantined(loaded: set[str] | None = None) -> list[Entry]:
    """Every quarantine entry whose load is not (or no longer) refused: entries whose load key
    has since been loaded are left out (`loaded`: the published warehouse's load keys)."""
    root = settings.home().quarantine
    loaded = published_load_keys() if loaded is None else loaded
    entries = []
    for reason in sorted(root.glob("*/*/reason.json")):
        try:
            record = json.loads(reason.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if record.get("load_key") in loaded:
            continue
        entries.append(Entry(reason.parent, record))
    return entries


def published_load_keys() -> set[str]:
    """Load keys of every batch in the published warehouse (none when there is none)."""
    home = settings.home()
    if not home.published_warehouse.exists():
        return set()
    wh = store.Warehouse.of(home)
    with wh.read_published() as con:
        return {row[0] for row in con.execute("SELECT load_key FROM raw.load_batches")
                .fetchall()}
