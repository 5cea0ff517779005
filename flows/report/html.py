"""The report as one self-contained HTML page in one language, from Jinja2 templates
(templates/*.html.j2, autoescaped) with report.css inlined: no script, no network reference,
so it opens from a file or an e-mail attachment anywhere. Same data, same bytes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ahual.flows.report import charts
from ahual.flows.report.data import ReportData
from ahual.flows.report.language import Language
from ahual.flows.report.names import Names
from ahual.flows.report.sections import (
    budget,
    key_figures,
    monitoring,
    monitoring_index,
    not_reported,
    progress,
    registrations,
    scorecard,
    surveys,
    watch,
)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "report.css"

# A status's colour in badges and progress bars.
TONE = {"done": "ok", "achieved": "ok", "in progress": "info", "on track": "info",
        "not started": "idle", "behind": "warn", "not reported": "bad"}


@cache
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


@cache
def stylesheet() -> Markup:
    """report.css for the page's <style>. It is our own file, not data; it is refused if it
    could close the style element or reach the network."""
    css = STYLESHEET.read_text(encoding="utf-8")
    lowered = css.lower()
    for forbidden in ("</", "@import", "url("):
        if forbidden in lowered:
            raise ValueError(f"{STYLESHEET.name} must not contain {forbidden!r}")
    return Markup(css.strip())


def context(data: ReportData, lang: Language) -> dict:
    """What the templates see: the figures, in no language, and the language to word them."""
    names = Names(data, lang)
    measures = progress.measures(data)
    years = budget.budget_years(data)
    line_years, lines = budget.budget_by_measure(data)
    observations = monitoring.monitoring(data)
    scores = monitoring_index.monitoring_index(data)
    count_warnings = watch.count_warnings(data)
    shown_measures = {m.no for m in measures} | {line.no for line in lines}
    build = (lang.t("document.build", number=data.build_number, built_at=lang.stamp(data.built_at))
             if data.build_number is not None else lang.t("document.no_build"))
    counts, findings = registrations.registrations(data), surveys.findings(data)
    forecasts = watch.forecasts(data)
    gaps = watch.forecast_gaps(data)
    situation = 5 if counts or findings else None  # the sections after it move down one
    return {
        "data": data, "L": lang, "t": lang.t, "names": names, "tone": TONE,
        "css": stylesheet(), "period_name": lang.period(data.period), "build": build,
        "year": data.period_end.year,
        "key": key_figures.key_figures(data),
        "measures": measures, "sections": progress.sections(measures),
        "overdue": progress.overdue(measures),
        "untranslated": any(names.measure(no).marked for no in shown_measures),
        "targets": scorecard.scorecard(data), "progress_bar": charts.progress_bar,
        "budget_years": years,
        "chart": charts.budget_chart([y for y in years if not y.is_total]),
        "budget_differs": [lang.t("budget.in_total") if y.is_total else y.year
                           for y in years if y.differs],
        "budget_line_years": line_years, "budget_lines": lines,
        "observations": observations, "warnings": monitoring.warnings(observations),
        "round": monitoring.monitoring_round(observations),
        "index_scores": scores, "index_round": monitoring_index.index_round(scores),
        "forecasts": forecasts, "forecast_gaps": gaps,
        "partial_origins": registrations.partial_origins(
            data, {f.origin for f in forecasts if f.level == "national"}
            | {g.origin for g in gaps}),
        "registrations": counts, "findings": findings,
        "survey_name": lambda texts: surveys.name(texts, lang.code),
        "number": {"situation": situation, "monitoring": 6 if situation else 5,
                   "not_reported": 7 if situation else 6},
        "count_warnings": count_warnings,
        "warnings_round": watch.warnings_round(count_warnings),
        "missing": not_reported.not_reported(data),
    }


def render_html(data: ReportData, language: str) -> str:
    """The report in `language` (kk, ru or en) as one self-contained HTML page."""
    lang = Language.of(language)
    return environment().get_template("report.html.j2").render(context(data, lang))
