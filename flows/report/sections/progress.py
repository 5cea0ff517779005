"""The programme's measures as the progress and overdue sections show them: grouped by the
plan's section (5.10 after 5.9), each with its deadline, status, who has not reported, the
outputs delivered and the period's money; the overdue ones with their days late.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ahual.flows.report.data import ReportData, as_date, as_int, as_number, as_text, codes, records
from ahual.flows.report.deadline_wording import Deadline, deadline

MEASURE_STATUSES = ("done", "in progress", "not started", "not reported")


@dataclass(frozen=True)
class Measure:
    no: int
    section: str
    agencies: tuple[str, ...]  # responsible, the plan's order
    due: date | None
    deadline: Deadline
    status: str  # done | in progress | not started | not reported (to date)
    silent: tuple[str, ...]  # responsible agencies with no report for the period (when some did)
    outputs: tuple[tuple[str, float], ...]  # (output kind, quantity) delivered in the period
    planned: float | None  # the period's year, mln tenge
    spent: float | None  # in the period, mln tenge
    overdue: bool
    days_late: int | None  # at the end of the period, when overdue


@dataclass(frozen=True)
class Section:
    section: str
    measures: tuple[Measure, ...]

    @property
    def done(self) -> int:
        return sum(m.status == "done" for m in self.measures)


def natural(section: str) -> list[tuple]:
    """Sort key so that section 5.10 comes after 5.9."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"[.\s]+", section)]


def measures(data: ReportData) -> list[Measure]:
    # outputs in the contract's order (conferences by level, then bulletins, literature, ...)
    order = {as_text(r.get("output_kind")): i for i, r in enumerate(records(data.output_kinds))}
    delivered: dict[int, list[tuple[str, float]]] = {}
    for row in records(data.outputs):
        quantity = as_number(row.get("quantity"))
        if quantity:
            delivered.setdefault(as_int(row.get("measure_no")), []).append(
                (as_text(row.get("output_kind")), quantity))
    rows = []
    for row in records(data.progress):
        no = as_int(row.get("measure_no")) or 0
        agencies, reported = codes(row.get("agencies")), codes(row.get("reported_by"))
        status = as_text(row.get("status")) or "not reported"
        due = as_date(row.get("due_date"))
        overdue = bool(row.get("overdue"))
        silent = tuple(a for a in agencies if a not in reported) \
            if reported and status != "done" else ()
        rows.append(Measure(
            no=no, section=as_text(row.get("section")), agencies=agencies, due=due,
            deadline=deadline(as_text(row.get("deadline_text_kk"))), status=status,
            silent=silent,
            outputs=tuple(sorted(delivered.get(no, []), key=lambda o: (order.get(o[0], 99), o))),
            planned=as_number(row.get("planned_mln_tenge")),
            spent=as_number(row.get("spent_mln_tenge")), overdue=overdue,
            days_late=days_late(due, data.period_end) if overdue else None))
    return sorted(rows, key=lambda m: (natural(m.section), m.no))


def days_late(due: date | None, period_end: date) -> int | None:
    return (period_end - due).days if due and due < period_end else None


def sections(rows: list[Measure]) -> list[Section]:
    grouped: dict[str, list[Measure]] = {}
    for measure in rows:
        grouped.setdefault(measure.section, []).append(measure)
    return [Section(name, tuple(group)) for name, group in grouped.items()]


def overdue(rows: list[Measure]) -> list[Measure]:
    return [m for m in sorted(rows, key=lambda m: m.no) if m.overdue]
