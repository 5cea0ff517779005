"""Who has not reported: the agencies and regions whose report for the period is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ahual.flows.report.data import ReportData, as_date, as_int, as_text, records


@dataclass(frozen=True)
class Missing:
    kind: str  # agency | region
    code: str
    missing: str  # progress | monitoring | registrations
    round: int | None
    due: date | None


def not_reported(data: ReportData) -> list[Missing]:
    order = {"agency": 0, "region": 1}
    rows = [Missing(as_text(r.get("kind")), as_text(r.get("code")), as_text(r.get("missing")),
                    as_int(r.get("round")), as_date(r.get("due")))
            for r in records(data.not_reported)]
    return sorted(rows, key=lambda m: (order.get(m.kind, 2), m.missing, m.code))
