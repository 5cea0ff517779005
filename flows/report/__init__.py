"""`ahual report --period 2009H2 --lang kk,ru`: the semi-annual information report to the
Government, one HTML page and one workbook per language (report-<period>-<lang>.html/.xlsx).

    gather.py     the figures and the names of their codes, from the published warehouse
                  (warehouse/queries/report_*.sql)
    data.py       ReportData: what the report shows, already queried, in no language
    sections/     each section's figures in no language (summary, progress, scorecard,
                  budget, situation, monitoring, what to watch, not reported) and the
                  workbook's sheets beyond the programme's own
    deadline_wording.py  the plan's Kazakh deadline wording read into a Deadline
    language.py   one language: its labels (labels/<lang>.yaml) and how it writes numbers, dates
    names.py      every code by its name in the report's language
    charts.py     the charts' geometry (the SVG is written by the templates)
    html.py       the page from templates/*.html.j2 (autoescaped) with report.css inlined
    xlsx.py       the workbook (openpyxl), text neutralised against formula injection

Each language is its own document, as the Government receives them (kk and ru by default):
a reader gets a whole report in one state language, not two half-columns, and the workbook's
sheets, headers and words need one language each. Written to `AHUAL_HOME/reports/<period>/`;
scheduled on 20 January and 20 July.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from ahual.flows import settings
from ahual.flows.console import say
from ahual.flows.obligations import half_year
from ahual.flows.problems import UsageError

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGES = ("kk", "ru")


@dataclass(frozen=True)
class ReportFiles:
    period: str
    html: list[Path] = field(default_factory=list)
    xlsx: list[Path] = field(default_factory=list)


def _languages(languages: list[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(x.strip() for x in (languages or DEFAULT_LANGUAGES)
                                if x.strip()))
    unknown = [x for x in chosen if x not in LANGUAGES]
    if unknown or not chosen:
        raise UsageError(f"report languages {', '.join(chosen) or '(none)'}: write one or more "
                         f"of {', '.join(LANGUAGES)}")
    return chosen


def write(period: str | None = None, languages: list[str] | None = None) -> ReportFiles:
    """Write the report for a half-year (default: the last closed one) in each language
    (default: kk and ru)."""
    # Imported here, not at the top: the pipeline and the CLI import this package at start-up,
    # and these bring pandas, DuckDB, Jinja2 and openpyxl (measured: ~1-4 s on the shared host).
    from ahual.flows.report.gather import gather
    from ahual.flows.report.html import render_html
    from ahual.flows.report.sections import key_figures, scorecard
    from ahual.flows.report.xlsx import write_xlsx

    chosen = _languages(languages)
    half = half_year(period)
    say(f"report {half}: gathering from {settings.home().published_warehouse} ...")
    data = gather(half)
    folder = settings.home().reports / str(half)
    folder.mkdir(parents=True, exist_ok=True)
    files = ReportFiles(str(half))
    for lang in chosen:
        html = folder / f"report-{half}-{lang}.html"
        xlsx = folder / f"report-{half}-{lang}.xlsx"
        # write beside and rename: a reader never opens a half-written report
        partial = html.with_suffix(".html.partial")
        partial.write_text(render_html(data, lang), encoding="utf-8")
        partial.replace(html)
        partial = xlsx.with_suffix(".xlsx.partial")
        write_xlsx(data, lang, partial)
        partial.replace(xlsx)
        files.html.append(html)
        files.xlsx.append(xlsx)
    key = key_figures.key_figures(data)
    behind = sum(t.status == "behind" for t in scorecard.scorecard(data))
    say(f"report {half}: " + "\n              ".join(map(str, files.html + files.xlsx)) + "\n"
        f"  {key.measures} measures, {key.overdue} overdue; {behind} target(s) behind; "
        f"{key.warnings} early warning(s); {key.agencies_missing} agencies and "
        f"{key.regions_missing} regions not reported")
    _artifacts(files)
    return files


def _artifacts(files: ReportFiles) -> None:
    if "prefect" not in sys.modules:
        return
    # Prefect only when a flow already loaded it: `ahual report` outside a flow never pays for it.
    from prefect import runtime
    from prefect.artifacts import create_link_artifact

    if not runtime.flow_run.id:
        return
    for i, path in enumerate(files.html + files.xlsx):
        create_link_artifact(key=f"report-{path.suffix[1:]}-{i}", link=path.as_uri(),
                             link_text=path.name,
                             description=f"Semi-annual information report {files.period}")
