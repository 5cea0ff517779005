"""Everything the semi-annual report shows, queried from the published warehouse (never the
working one) into a `ReportData`: the figures (warehouse/queries/report_*.sql, parameters
bound) and the names of their codes in kk/ru/en (the reference data, and the kinds of output
from the progress reports' contract).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from ahual.flows import resources, settings
from ahual.flows.kinds.survey.registry import study_variables
from ahual.flows.obligations import due_date, missing_registrations
from ahual.flows.periods import Period
from ahual.flows.problems import UsageError
from ahual.flows.report.data import ReportData
from ahual.flows.report.sections import registrations
from ahual.warehouse import store

NOT_REPORTED = ["kind", "code", "missing", "round", "due"]


def _query(con, name: str, **params) -> pd.DataFrame:
    return con.sql(store.query(f"report_{name}"), params=params or None) \
        .to_arrow_table().to_pandas()


def _stack(*frames: pd.DataFrame) -> pd.DataFrame:
    """The frames' rows one after another (an empty frame adds nothing, not its dtypes)."""
    full = [frame for frame in frames if not frame.empty]
    return pd.concat(full, ignore_index=True) if full else frames[0]


def output_kinds() -> pd.DataFrame:
    """The kinds of output agencies report (datasets/contracts/progress.yaml `outputs`), named
    in each language: each kind lists its English, Russian and Kazakh header, in that order."""
    rows = [(kind, names[2], names[1], names[0])
            for kind, names in resources.contract("progress")["outputs"].items()]
    return pd.DataFrame(rows, columns=["output_kind", "name_kk", "name_ru", "name_en"])


def gather(period: Period) -> ReportData:
    home = settings.home()
    wh = store.Warehouse.of(home)
    with wh.read_published() as con:
        known = {row[0] for row in con.sql(store.query("report_periods")).fetchall()}
        if str(period) not in known:
            raise UsageError(f"{period} is not a reporting half-year of the programme "
                             f"({', '.join(sorted(known))})")
        build = store.one(con, store.query("last_build"))
        due = due_date(period)
        regions = pd.DataFrame(
            [("region", code, "registrations", None, due)
             for code, _ in missing_registrations(con, period)], columns=NOT_REPORTED)
        not_reported = _query(con, "not_reported", period=str(period), period_end=period.end)
        reporting = registrations.reporting_date(period.end)
        coverage = _query(con, "registration_coverage", as_of=reporting)
        shown, previous = registrations.dates(coverage, reporting)
        counts = _query(con, "registrations", shown=shown, previous=previous) \
            if shown else pd.DataFrame()
        return ReportData(
            period=str(period), period_start=period.start, period_end=period.end,
            generated_at=datetime.now().replace(microsecond=0),
            build_number=int(build[0]) if build else None,
            built_at=datetime.fromisoformat(build[1]) if build else None,
            progress=_query(con, "progress", period=str(period)),
            outputs=_query(con, "outputs", period=str(period)),
            scorecard=_query(con, "scorecard", period=str(period)),
            budget=_query(con, "budget", year=period.year),
            budget_totals=_query(con, "budget_totals", period_end=period.end),
            monitoring=_query(con, "monitoring", period_end=period.end),
            not_reported=_stack(not_reported, regions),
            measures=_query(con, "measures"),
            agencies=_query(con, "agencies"),
            regions=_query(con, "regions"),
            indicators=_query(con, "indicators"),
            targets=_query(con, "targets"),
            output_kinds=output_kinds(),
            monitoring_index=_query(con, "monitoring_index", period_end=period.end),
            forecasts=_query(con, "forecasts", period_end=period.end),
            forecast_gaps=_query(con, "forecast_gaps", period_end=period.end),
            count_warnings=_query(con, "warnings", period_end=period.end),
            families=_query(con, "families"),
            registration_coverage=coverage, registrations=counts,
            survey_estimates=_query(con, "survey_estimates", period_end=period.end),
            survey_questions=study_variables()[
                ["study_id", "variable", "question_kk", "question_ru", "question_en"]],
            demo=home.is_demo,
        )
