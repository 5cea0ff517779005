"""The input of `ahual report`: everything the semi-annual information report to the Government
shows, already queried from the warehouse. The query half fills it; `flows.report_render` only
formats it, so the rendering can be tested without a warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd


@dataclass(frozen=True)
class ReportData:
    # The period and where the figures come from. `generated_at` is passed in, never taken from
    # the clock, so the same data renders the same bytes.
    period: str  # "2008H2"
    period_start: date
    period_end: date
    generated_at: datetime
    warehouse_build: str  # e.g. "build 7 of 2026-11-25 10:00 UTC"

    # Programme measures. One row per measure: measure_no (int), section ("5.1"), title_en,
    # agencies, due_date (date | None), deadline_note, status (done | in progress | not started
    # | not reported), reported_by, outputs, planned_mln_tenge, spent_mln_tenge (float | None).
    progress: pd.DataFrame
    # Measures past their due date and not done: measure_no, title_en, agencies, due_date,
    # status.
    overdue: pd.DataFrame

    # Programme targets: target_code, description_en, unit, planned, achieved (float), status
    # (achieved | on track | behind | not started).
    scorecard: pd.DataFrame

    # Funding. `budget`: measure_no, year (int), funding_kind (amount | not_required |
    # state_order | none), planned_mln_tenge, spent_mln_tenge (float | None), funding_note.
    # `budget_totals`: year ("2007".."2009", "total"), planned_mln_tenge, printed_mln_tenge (the
    # figure printed in the programme), spent_mln_tenge.
    budget: pd.DataFrame
    budget_totals: pd.DataFrame

    # The latest monitoring round: round (int), region_code, region_name_en, indicator_code,
    # indicator_name_en, value, change_vs_previous (float | None), early_warning (bool).
    # `warnings` holds the early-warning rows only, same columns.
    monitoring: pd.DataFrame
    warnings: pd.DataFrame

    # Who has not reported for the period: kind ("agency" | "region"), code, name_en, what
    # ("progress report 2008H2", "monitoring round 2"), due (date).
    not_reported: pd.DataFrame
