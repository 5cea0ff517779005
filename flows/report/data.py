"""The input of `ahual report`: everything the semi-annual information report to the Government
shows, already queried from the warehouse (`gather.py` fills it). It holds codes and figures,
and beside them the names of every code in Kazakh, Russian and English, so one ReportData
renders in any of the report's languages without a warehouse (and the same data renders the
same bytes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ReportData:
    # The period and where the figures come from. `generated_at` is passed in, never taken from
    # the clock while rendering.
    period: str  # "2008H2"
    period_start: date
    period_end: date
    generated_at: datetime
    build_number: int | None  # the published warehouse's build (raw.builds)
    built_at: datetime | None

    # One row per measure: measure_no (int), section ("5.1"), agencies (';'-separated codes,
    # the plan's order), due_date (date | None), deadline_text_kk (the plan's wording),
    # deadline_quarter (int | None), status (done | in progress | not started | not reported;
    # to date), reported_by (';'-separated codes of who reported for the period),
    # planned_mln_tenge (the period's year), spent_mln_tenge (in the period), overdue (bool).
    progress: pd.DataFrame
    # What was delivered in the period: measure_no, output_kind, quantity.
    outputs: pd.DataFrame

    # Programme targets: target_code, unit (studies, conferences, copies, ...), planned,
    # achieved, status (achieved | on track | behind | not started).
    scorecard: pd.DataFrame

    # Funding. `budget`: measure_no, year (int), funding_kind (amount | not_required |
    # state_order | none), planned_mln_tenge, spent_mln_tenge (float | None; only for amounts).
    # `budget_totals`: year ("2007".."2009", "total"), planned_mln_tenge, printed_mln_tenge (the
    # figure printed in the programme), spent_mln_tenge.
    budget: pd.DataFrame
    budget_totals: pd.DataFrame

    # Highlights of the latest monitoring round: round (int), region_code, indicator_code,
    # value, change_vs_previous (float | None), early_warning (bool: marts.monitoring_warnings'
    # level is warning), warning_level (its level: warning | watch | expected | ...; None for an
    # indicator it does not judge; may be absent).
    monitoring: pd.DataFrame

    # Who has not reported: kind (agency | region), code, missing (progress | monitoring |
    # registrations), round (int | None; monitoring), due (date; for registrations the date
    # the count is as of).
    not_reported: pd.DataFrame

    # Names of the codes above. `measures`: measure_no, section, title_kk, title_en (there is
    # no Russian title). `agencies`: agency_code, abbreviation_kk, name_kk, name_ru, name_en.
    # `regions`: region_code, name_kk, name_ru, name_en; `indicators`: indicator_code, name_*.
    # `targets`: target_code, description_kk, description_en. `output_kinds`: output_kind,
    # name_kk, name_ru, name_en (datasets/contracts/progress.yaml).
    measures: pd.DataFrame
    agencies: pd.DataFrame
    regions: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    output_kinds: pd.DataFrame

    # The regional monitoring index of the latest round (marts.monitoring_index): round (int),
    # region_code, index_value (0-10 | None), band (very high | high | moderate | low | None),
    # items_scored, items_total (int), status (complete | partial | not reported),
    # change_vs_previous (float | None), change_band. Empty: no index for the period.
    monitoring_index: pd.DataFrame = field(default_factory=pd.DataFrame)

    # What to watch (marts.association_forecasts, marts.monitoring_warnings). `forecasts`: the
    # chosen forecasts from each series' latest report up to the period's end, national series
    # and the regions' totals: level (national | region), unit_code (00, a KATO code, or codes
    # joined by '+'), confession_family (a family or ALL), origin_date, origin_value, model
    # (naive | drift | growth | pooled_growth | ets), horizon (1, 2), target_date, forecast,
    # lo80, hi80, lo95, hi95, mase, coverage_80, coverage_95, backtest_forecasts.
    # `forecast_gaps`: national series whose latest report has no forecast: confession_family,
    # origin_date, origin_value, history_reports, history_after_break. `count_warnings`: the
    # latest round's improbable counts and the old fixed rule's flags (for comparison only):
    # round, region_code, indicator_code, value, expected, p_value, z_score, level (warning |
    # watch | expected), fixed_rule_warning, limit_95, limit_998. `families`: family_code (ALL
    # too), name_kk, name_ru, name_en. Empty: nothing to show.
    forecasts: pd.DataFrame = field(default_factory=pd.DataFrame)
    forecast_gaps: pd.DataFrame = field(default_factory=pd.DataFrame)
    count_warnings: pd.DataFrame = field(default_factory=pd.DataFrame)
    families: pd.DataFrame = field(default_factory=pd.DataFrame)

    # The religious situation (sections/registrations.py, sections/surveys.py).
    # `registration_coverage`: marts.registration_coverage up to the period's reporting date (the
    # day after it): as_of, units_expected, units_reported, missing_units (';'-separated KATO
    # codes), complete (bool: the date has a national figure), national_source (national
    # report | all regions | None). `registrations`: on the date the section shows and the
    # previous complete date: as_of, region_code ('00' the Republic, only on a complete date),
    # confession_code (a family or ALL), associations, population, per_100k.
    # `survey_estimates`: report_survey_estimates.sql (the headline answer of each question of
    # the studies fielded by the period's end; national, and by region for the latest study):
    # study_id, fieldwork_start, fieldwork_end, title_kk/ru/en, variable, category_code,
    # label_kk/ru/en, domain_kind, region_code ('00' national), estimate, ci_low, ci_high,
    # ci_method, n_unweighted. `survey_questions`: study_id, variable, question_kk/ru/en (the
    # registry's order). Empty: the section is left out.
    registration_coverage: pd.DataFrame = field(default_factory=pd.DataFrame)
    registrations: pd.DataFrame = field(default_factory=pd.DataFrame)
    survey_estimates: pd.DataFrame = field(default_factory=pd.DataFrame)
    survey_questions: pd.DataFrame = field(default_factory=pd.DataFrame)

    # The home holds Ahual's made-up demo data: every page and sheet says so.
    demo: bool = False


# --- frame cells as plain Python values --------------------------------------------------------

def plain(value):
    """A frame cell as a plain Python value; every kind of missing (None, NaN, NaT, NA) is None."""
    if value is None or (not isinstance(value, (str, bytes, list, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    return [{key: plain(value) for key, value in row.items()}
            for row in frame.to_dict("records")]


def as_date(value) -> date | None:
    value = plain(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10]) if value else None


def as_number(value) -> float | None:
    value = plain(value)
    return None if value is None or isinstance(value, bool) else float(value)


def as_int(value) -> int | None:
    number = as_number(value)
    return None if number is None else int(number)


def as_text(value) -> str:
    value = plain(value)
    return "" if value is None else str(value)


def codes(value) -> tuple[str, ...]:
    """';'-separated codes as a tuple, in their order, without blanks."""
    return tuple(code.strip() for code in as_text(value).split(";") if code.strip())
