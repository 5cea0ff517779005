"""The summary's key figures, from every section: measures by status and overdue, targets
achieved, the budget's total, early warnings and who has not reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from ahual.flows.report.data import ReportData
from ahual.flows.report.sections.budget import budget_years
from ahual.flows.report.sections.monitoring import monitoring, monitoring_round, warnings
from ahual.flows.report.sections.not_reported import not_reported
from ahual.flows.report.sections.progress import MEASURE_STATUSES, measures
from ahual.flows.report.sections.scorecard import scorecard


@dataclass(frozen=True)
class KeyFigures:
    measures: int
    by_status: dict[str, int]  # MEASURE_STATUSES, in that order
    overdue: int
    targets: int
    achieved: int
    planned: float | None  # 2007-2009, mln tenge
    spent: float | None  # up to the period's end
    warnings: int
    warning_regions: int
    round: int | None
    agencies_missing: int  # distinct agencies
    regions_missing: int  # distinct regions

    @property
    def anyone_missing(self) -> bool:
        return bool(self.agencies_missing or self.regions_missing)


def key_figures(data: ReportData) -> KeyFigures:
    rows, targets = measures(data), scorecard(data)
    observed, missing = monitoring(data), not_reported(data)
    flagged = warnings(observed)
    total = next((y for y in budget_years(data) if y.is_total), None)
    return KeyFigures(
        measures=len(rows),
        by_status={s: sum(m.status == s for m in rows) for s in MEASURE_STATUSES},
        overdue=sum(m.overdue for m in rows),
        targets=len(targets), achieved=sum(t.status == "achieved" for t in targets),
        planned=total.planned if total else None, spent=total.spent if total else None,
        warnings=len(flagged), warning_regions=len({r.region for r in flagged}),
        round=monitoring_round(observed),
        agencies_missing=len({m.code for m in missing if m.kind == "agency"}),
        regions_missing=len({m.code for m in missing if m.kind == "region"}))
