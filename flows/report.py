"""`ahual report --period 2008H2`: the semi-annual information report to the Government.

Queries the published warehouse (never the working one) into `ReportData` and hands it to
`flows.report_render`, which writes a self-contained HTML page and an XLSX workbook to
`AHUAL_HOME/reports/<period>/`. Scheduled on 20 January and 20 July (flows/serve.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from prefect import flow
from prefect.artifacts import create_link_artifact, create_markdown_artifact

from flows import config
from flows.completeness import missing_registrations
from flows.periods import Period, last_closed
from flows.progress import say
from flows.report_data import ReportData
from flows.report_render import render_html, write_xlsx
from warehouse import store

QUERIES = config.WAREHOUSE_MODELS / "queries"


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    xlsx: Path


def _query(con, name: str, **params) -> pd.DataFrame:
    sql = (QUERIES / f"report_{name}.sql").read_text(encoding="utf-8")
    return con.sql(sql, params=params).to_arrow_table().to_pandas()


def gather(period: Period) -> ReportData:
    """Everything the report shows for `period`, from the published warehouse."""
    with store.read_published() as con:
        known = {row[0] for row in con.execute(
            "SELECT period FROM marts.programme_measures").fetchall()}
        if str(period) not in known:
            raise ValueError(f"{period} is not a reporting half-year of the programme "
                             f"({', '.join(sorted(known))})")
        build = next(iter(con.execute("SELECT build_id, built_at FROM raw.builds "
                                      "ORDER BY build_id DESC LIMIT 1").fetchall()), None)
        progress = _query(con, "progress", period=str(period))
        monitoring = _query(con, "monitoring", period_end=period.end)
        not_reported = _query(con, "not_reported", period=str(period), period_end=period.end)
        data = ReportData(
            period=str(period), period_start=period.start, period_end=period.end,
            generated_at=datetime.now().replace(microsecond=0),
            warehouse_build=(f"build {build[0]} of {build[1]:%Y-%m-%d %H:%M}" if build
                             else "no build"),
            progress=progress,
            overdue=progress.loc[progress["overdue"],
                                 ["measure_no", "title_en", "agencies", "due_date", "status"]]
            .reset_index(drop=True),
            scorecard=_query(con, "scorecard", period=str(period)),
            budget=_query(con, "budget", year=period.year),
            budget_totals=_query(con, "budget_totals", period_end=period.end),
            monitoring=monitoring,
            warnings=monitoring.loc[monitoring["early_warning"]].reset_index(drop=True),
            not_reported=pd.concat([not_reported, _missing_registrations(period)],
                                   ignore_index=True),
        )
    return data


def _missing_registrations(period: Period) -> pd.DataFrame:
    due, missing = missing_registrations(period)
    return pd.DataFrame({"kind": "region", "code": [c for c, _ in missing],
                         "name_en": [n for _, n in missing],
                         "what": f"registration report as of {due}", "due": due},
                        columns=["kind", "code", "name_en", "what", "due"])


@flow(name="semi-annual-report")
def report(period: str | None = None) -> ReportFiles:
    """Write the information report for a half-year (default: the last closed one)."""
    half = Period.parse(period) if period else last_closed("H")
    if half.kind != "H":
        raise ValueError(f"the report is half-yearly: write a half-year like 2008H2, not {half}")
    say(f"report {half}: gathering from {config.published_warehouse()} ...")
    data = gather(half)
    folder = config.reports_dir() / str(half)
    folder.mkdir(parents=True, exist_ok=True)
    files = ReportFiles(folder / f"report-{half}.html", folder / f"report-{half}.xlsx")
    # write beside and rename: a reader never opens a half-written report
    partial = files.html.with_suffix(".html.partial")
    partial.write_text(render_html(data), encoding="utf-8")
    partial.replace(files.html)
    partial = files.xlsx.with_suffix(".xlsx.partial")
    write_xlsx(data, partial)
    partial.replace(files.xlsx)
    overdue, behind = len(data.overdue), int((data.scorecard["status"] == "behind").sum())
    say(f"report {half}: {files.html}\n              {files.xlsx}\n"
        f"  {len(data.progress)} measures, {overdue} overdue; {behind} target(s) behind; "
        f"{len(data.warnings)} early warning(s); {len(data.not_reported)} not reported")
    create_link_artifact(key="report-html", link=files.html.as_uri(),
                         description=f"Semi-annual information report {half} (HTML)")
    create_link_artifact(key="report-xlsx", link=files.xlsx.as_uri(),
                         description=f"Semi-annual information report {half} (XLSX)")
    create_markdown_artifact(key="report-summary", markdown=(
        f"## Report {half}\n\n{len(data.progress)} measures, **{overdue}** overdue; "
        f"**{behind}** target(s) behind; {len(data.warnings)} early warning(s); "
        f"{len(data.not_reported)} agencies/regions have not reported.\n\n"
        f"- HTML: `{files.html}`\n- XLSX: `{files.xlsx}`\n"))
    return files
