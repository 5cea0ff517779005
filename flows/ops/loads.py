"""What each load stands for now, and what undoing one would do (`ahual loads`).

A load that supersedes (a corrected report, a study's new microdata) can be reverted: the load
it replaced counts again. The revert itself runs as a flow with the build it changes
(`pipeline.revert_load`); here is what is read from the published warehouse before and after,
so a command that only lists never starts Prefect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ahual.flows import settings
from ahual.flows.problems import UsageError
from ahual.warehouse import store


@dataclass(frozen=True)
class Load:
    """One accepted load and its standing in the last published build."""

    batch_id: int
    kind: str
    file_name: str
    loaded_as: dict
    rows: int
    loaded_at: str
    reports: int
    current_reports: int
    replaced_by: list[int]
    replaces: list[int]
    last_action: str | None
    done_at: str | None
    who: str | None
    why: str | None

    @classmethod
    def of(cls, row: dict) -> Load:
        return cls(int(row["batch_id"]), row["kind"], row["file_name"],
                   json.loads(row["loaded_as"]) if row["loaded_as"] else {},
                   int(row["rows_loaded"]), _when(row["loaded_at"]), int(row["reports"]),
                   int(row["current_reports"]), list(row["replaced_by"]),
                   list(row["replaces"]), row["last_action"],
                   _when(row["done_at"]) if row["done_at"] else None, row["who"], row["why"])

    @property
    def reverted(self) -> bool:
        return self.last_action == "revert"

    @property
    def current(self) -> bool:
        return not self.reverted and self.current_reports == self.reports

    def standing(self) -> str:
        """The load's standing in words."""
        if self.reverted:
            return f"reverted {self.done_at} by {self.who}: {self.why}"
        if self.current:
            return "current"
        by = ", ".join(map(str, self.replaced_by)) or "-"
        if self.current_reports:
            return (f"current for {self.current_reports} of {self.reports} reports; the rest "
                    f"replaced by {by}")
        return f"replaced by {by}"

    def as_dict(self) -> dict:
        return {"batch_id": self.batch_id, "kind": self.kind, "file": self.file_name,
                "loaded_as": self.loaded_as, "rows": self.rows, "loaded_at": self.loaded_at,
                "reports": self.reports, "current_reports": self.current_reports,
                "current": self.current, "reverted": self.reverted,
                "replaced_by": self.replaced_by, "replaces": self.replaces,
                "last_action": self.last_action, "done_at": self.done_at, "who": self.who,
                "why": self.why}


def _when(value) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if hasattr(value, "isoformat") \
        else str(value)


def published_loads() -> list[Load]:
    """Every load in the published warehouse, oldest first (none before the first build)."""
    home = settings.home()
    if not home.published_warehouse.exists():
        return []
    wh = store.Warehouse.of(home)
    with wh.read_published() as con:
        return [Load.of(row) for row in store.load_standing(con)]


def _reference_files() -> dict[str, set[str]]:
    """The programme's published figures every run loads: file name -> kinds."""
    from ahual.flows.build import reference_reports  # imports the kinds: only when reverting

    found: dict[str, set[str]] = {}
    for kind, paths in reference_reports().items():
        for path in paths:
            found.setdefault(path.name, set()).add(kind)
    return found


def check_revert(batch_id: int, why: str) -> Load:
    """The load to revert, or a usage error saying why it cannot be (nothing runs)."""
    if not " ".join((why or "").split()):
        raise UsageError("--why is required: say why this load is undone (it is kept with "
                         "who did it and when)")
    home = settings.home()
    if not home.published_warehouse.exists():
        raise UsageError(f"nothing is loaded yet in {home.root}: there is no load to revert")
    found = {load.batch_id: load for load in published_loads()}
    if batch_id not in found:
        raise UsageError(f"there is no batch {batch_id}; `ahual loads` lists the loads "
                         f"(batches 1-{max(found, default=0)})")
    load = found[batch_id]
    if load.file_name in _reference_files() and load.kind in _reference_files()[load.file_name]:
        raise UsageError(f"batch {batch_id} ({load.file_name}) is the programme's published "
                         "figures (datasets/reference/reports/), which every run loads; it "
                         "cannot be reverted")
    if load.reverted:
        raise UsageError(f"batch {batch_id} ({load.file_name}) was already reverted "
                         f"{load.done_at} by {load.who}: {load.why}; send the file again to "
                         "make it current again")
    if not load.current_reports:
        raise UsageError(f"batch {batch_id} ({load.file_name}) is not current for any report "
                         f"(replaced by {', '.join(map(str, load.replaced_by))}); revert the "
                         "load that stands in its place instead")
    return load
