"""The scorecard: the programme's targets, planned against achieved, in the programme's order.
"""

from __future__ import annotations

from dataclasses import dataclass

from ahual.flows.report.data import ReportData, as_number, as_text, records

TARGET_STATUSES = ("achieved", "on track", "behind", "not started")
ACHIEVED_FROM = ("studies", "monitoring", "progress")  # targets.csv `achieved_from`


@dataclass(frozen=True)
class Target:
    code: str
    unit: str
    planned: float | None
    achieved: float | None
    status: str

    @property
    def share(self) -> float | None:
        if self.achieved is None or not self.planned:
            return None
        return self.achieved / self.planned

    @property
    def bar(self) -> float:
        """The share drawn in the progress bar, within 0..1."""
        return min(max(self.share or 0.0, 0.0), 1.0)


def scorecard(data: ReportData) -> list[Target]:
    """The targets in the programme's order: the studies, the monitoring rounds, then what the
    progress reports count, in the contract's order of outputs (conferences by level, bulletin,
    literature, films and clips, outreach groups)."""
    outputs = [as_text(r.get("output_kind")) for r in records(data.output_kinds)]
    source = {as_text(r.get("target_code")): as_text(r.get("achieved_from"))
              for r in records(data.targets)}

    def order(target: Target) -> tuple:
        kind, _, output = source.get(target.code, "").partition(":")
        place = outputs.index(output) if output in outputs else len(outputs)
        return (ACHIEVED_FROM.index(kind) if kind in ACHIEVED_FROM else 3, place, target.code)

    rows = [Target(as_text(r.get("target_code")), as_text(r.get("unit")),
                   as_number(r.get("planned")), as_number(r.get("achieved")),
                   as_text(r.get("status")) or "not started")
            for r in records(data.scorecard)]
    return sorted(rows, key=order)
