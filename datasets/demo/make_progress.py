"""Generate the demo progress reports in datasets/demo/progress/ (committed).

MADE-UP REPORTS. The programme's measures, agencies, deadlines and planned money are real
(datasets/reference/programme/); what the agencies report having done and spent is invented.
One consolidated file per half-year 2007H2-2009H2 (as the Ministry of Justice collects them),
in three formats and languages. Shows: targets met, on track and behind; spending against the
plan; measure 17 reported late ("in progress" past its due date, so overdue); the Ministry of
Foreign Affairs not reporting for 2009H1; Mangystau's akimat reporting only
one of its measures for 2009H1 (partial); a late agency file for 2008H2 (datasets/demo/receipts.csv
dates its arrival). Each akimat reports by name, though the plan names them as groups.
Deterministic: `python datasets/demo/make_progress.py`.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import openpyxl
import pandas as pd
import yaml
from make_registrations import HERE

REFERENCE = HERE.parent / "reference" / "programme"
OUT = HERE / "progress"
PERIODS = {"2007H2": "2007-12-31", "2008H1": "2008-06-30", "2008H2": "2008-12-31",
           "2009H1": "2009-06-30", "2009H2": "2009-12-31"}
SILENT = {"2009H1": {"MFA"}}  # does not report that half-year
# reports only the first of the measures it is responsible for (a partial report)
PARTIAL = ("2009H1", "AKIMAT_MAN")
LATE = ("2008H2", "MCI")  # sends its 2008H2 report in a file of its own
OVERDUE = 17  # still "in progress" after its due date
# outputs the lead agency of a measure reports, per half-year (made up; some targets fall short)
OUTPUTS = {
    6: {"conferences_republican": [0, 1, 1, 1, 1], "conferences_regional": [0, 2, 2, 2, 1],
        "conferences_international": [0, 1, 1, 0, 1]},
    7: {"outreach_groups": [0, 5, 4, 3, 3]},
    8: {"bulletin_issues": [0, 2, 2, 2, 2], "bulletin_copies": [0, 3000, 3000, 3000, 3000]},
    9: {"video_films": [0, 1, 2, 1, 2], "video_clips": [0, 1, 1, 2, 2]},
    22: {"literature_titles": [0, 2, 3, 3, 4], "literature_copies": [0, 6000, 9000, 10000,
                                                                    12000]},
}
HEADERS = {
    "en": {"agency": "agency", "measure": "measure", "period": "period", "status": "status",
           "spent": "spent_mln_tenge"},
    "ru": {"agency": "Государственный орган", "measure": "№ мероприятия",
           "period": "Отчетный период", "status": "Исполнение",
           "spent": "Освоено, млн тенге"},
    "kk": {"agency": "Мемлекеттік орган", "measure": "Іс-шара №", "period": "Кезең",
           "status": "Орындалуы", "spent": "Игерілді"},
}
STATUS = {"en": {"done": "done", "in progress": "in progress", "not started": "not started"},
          "ru": {"done": "выполнено", "in progress": "в процессе", "not started": "не начато"},
          "kk": {"done": "орындалды", "in progress": "орындалуда",
                 "not started": "басталған жоқ"}}
FORMAT = {"2007H2": ("ru", "csv"), "2008H1": ("kk", "xlsx"), "2008H2": ("en", "csv"),
          "2009H1": ("ru", "xlsx"), "2009H2": ("kk", "csv")}


def _members() -> dict[str, list[str]]:
    agencies = pd.read_csv(REFERENCE / "agencies.csv", dtype=str, keep_default_na=False)
    members: dict[str, list[str]] = {}
    for row in agencies.itertuples(index=False):
        if row.member_of:
            members.setdefault(row.member_of, []).append(row.agency_code)
    return members


MEMBERS = _members()


def rows(period: str) -> list[dict]:
    measures = pd.read_csv(REFERENCE / "measures.csv", dtype=str, keep_default_na=False)
    budget = pd.read_csv(REFERENCE / "budget.csv", dtype=str, keep_default_na=False)
    index = list(PERIODS).index(period)
    year, end = int(period[:4]), PERIODS[period]
    out = []
    for measure in measures.itertuples(index=False):
        if not int(measure.deadline_year_from) <= year <= int(measure.deadline_year_to):
            continue
        # the plan names the akimats as groups; each akimat reports for itself
        agencies = [member for code in measure.agencies.split(";")
                    for member in MEMBERS.get(code, [code])]
        due = measure.due_date or "2009-12-31"
        status = "done" if due <= end else "in progress"
        if int(measure.measure_no) == OVERDUE:
            status = "in progress"
        planned = budget.query("measure_no == @measure.measure_no and year == @period[:4]")
        amount = planned["planned_mln_tenge"].iloc[0] if len(planned) else ""
        for position, agency in enumerate(agencies):
            if agency in SILENT.get(period, ()):
                continue
            if (period, agency) == PARTIAL and any(r["agency"] == agency for r in out):
                continue
            row = {"agency": agency, "measure": int(measure.measure_no), "period": period,
                   "status": status, "spent": ""}
            if position == 0:  # the lead agency reports the money and the outputs
                # about 45% of the year's plan each half-year: spending runs a little short
                row["spent"] = str(Decimal(amount) * Decimal("0.45")) if amount else "-"
                for kind, series in OUTPUTS.get(int(measure.measure_no), {}).items():
                    row[kind] = series[index] or ""
            out.append(row)
    return out


def write(path, rows_: list[dict], language: str, fmt: str) -> None:
    kinds = sorted({k for r in rows_ for k in r} - set(HEADERS["en"]))
    header = [HEADERS[language][k] for k in HEADERS["en"]] + [_output_header(k, language)
                                                              for k in kinds]
    table = [[r["agency"], r["measure"], _period_text(r["period"], language),
              STATUS[language][r["status"]], r["spent"]] + [r.get(k, "") for k in kinds]
             for r in rows_]
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";" if language == "ru" else ",")
            writer.writerow(header)
            writer.writerows(table)
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "progress"
        sheet.append(header)
        for line in table:
            sheet.append(line)
        book.save(path)


def _output_header(kind: str, language: str) -> str:
    """English files head output columns with their codes; others with their names."""
    contract = yaml.safe_load((HERE.parent / "contracts" / "progress.yaml").read_text("utf-8"))
    names = dict(zip(("en", "ru", "kk"), contract["outputs"][kind], strict=True))
    return kind if language == "en" else names[language]


def _period_text(period: str, language: str) -> str:
    """Russian forms write the half-year out, as the ministries do."""
    return f"{period[5]} полугодие {period[:4]} года" if language == "ru" else period


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for period in PERIODS:
        language, fmt = FORMAT[period]
        all_rows = rows(period)
        late = [r for r in all_rows if (period, r["agency"]) == LATE]
        on_time = [r for r in all_rows if (period, r["agency"]) != LATE]
        write(OUT / f"progress-{period}_agencies_{language}.{fmt}", on_time, language, fmt)
        if late:
            write(OUT / f"progress-{period}_{LATE[1].lower()}-late_en.csv", late, "en", "csv")


if __name__ == "__main__":
    main()
