"""The budget: planned, printed and spent by year with their total, and each measure's funding by
year (an amount, or why there is none).
"""

from __future__ import annotations

from dataclasses import dataclass

from ahual.flows.report.data import ReportData, as_int, as_number, as_text, records

FUNDING_KINDS = ("amount", "not_required", "state_order", "none")
TOTAL = "total"


@dataclass(frozen=True)
class BudgetYear:
    year: str  # "2007" .. "2009" or "total"
    planned: float | None  # sum of the measures' lines
    printed: float | None  # as the programme prints it
    spent: float | None

    @property
    def is_total(self) -> bool:
        return self.year.lower() == TOTAL

    @property
    def differs(self) -> bool:
        """The lines do not add to the printed figure (beyond its one printed decimal)."""
        return (self.planned is not None and self.printed is not None
                and abs(self.planned - self.printed) >= 0.05)


@dataclass(frozen=True)
class Funding:
    kind: str  # amount | not_required | state_order | none
    planned: float | None
    spent: float | None


@dataclass(frozen=True)
class BudgetLine:
    no: int
    years: tuple[Funding | None, ...]  # one per year of `budget_by_measure`'s years


def budget_years(data: ReportData) -> list[BudgetYear]:
    """The years, then the total (computed from the years when the warehouse gives none)."""
    rows = [BudgetYear(as_text(r.get("year")), as_number(r.get("planned_mln_tenge")),
                       as_number(r.get("printed_mln_tenge")), as_number(r.get("spent_mln_tenge")))
            for r in records(data.budget_totals)]
    years = sorted((r for r in rows if not r.is_total), key=lambda r: r.year)
    total = next((r for r in rows if r.is_total), None)
    if total is None and years:
        total = BudgetYear(TOTAL, *(_sum(getattr(r, key) for r in years)
                                    for key in ("planned", "printed", "spent")))
    return years + ([total] if total else [])


def _sum(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) if values else None


def budget_by_measure(data: ReportData) -> tuple[list[int], list[BudgetLine]]:
    lines: dict[int, dict[int, Funding]] = {}
    for r in records(data.budget):
        kind = as_text(r.get("funding_kind")) or "none"
        amount = kind == "amount"
        lines.setdefault(as_int(r.get("measure_no")) or 0, {})[as_int(r.get("year")) or 0] = \
            Funding(kind, as_number(r.get("planned_mln_tenge")) if amount else None,
                    as_number(r.get("spent_mln_tenge")) if amount else None)
    years = sorted({year for by_year in lines.values() for year in by_year})
    return years, [BudgetLine(no, tuple(lines[no].get(year) for year in years))
                   for no in sorted(lines)]
