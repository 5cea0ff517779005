"""The report as a workbook in one language: the same figures as the page, one sheet per
section, values only (no formulas), numbers kept numeric (Excel shows them with the reader's
own separators) and dates as dates in the language's order. Every text cell passes through
`neutralise` against spreadsheet formula injection.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ahual.flows.report.data import ReportData, plain
from ahual.flows.report.language import Language
from ahual.flows.report.names import Names
from ahual.flows.report.sections import (
    budget,
    key_figures,
    monitoring,
    not_reported,
    progress,
    scorecard,
    sheets,
)

# Text that a spreadsheet would take for a formula when it is typed or re-entered: = + - @, and
# tab or carriage return (CSV-era tricks), also after leading spaces; full-width forms too.
_FORMULA_START = tuple("=+-@\t\r＝＋－＠")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML 1.0 cannot hold these


def neutralise(value) -> tuple[object, bool]:
    """(value to write, whether the cell needs Excel's quote prefix).

    Numbers, dates, booleans and None come back unchanged (so -2.5 stays a number). Text comes
    back as the same text, minus characters XML cannot hold; the flag is True when it starts
    like a formula. `_put` then writes it as a string cell (openpyxl writes
    <c t="inlineStr"><is><t>=cmd…</t></is></c>: a string, never <f>) and sets the cell style's
    quotePrefix (<xf quotePrefix="1">), the file form of a typed leading apostrophe: Excel and
    LibreOffice show the text as it is and keep it text when the cell is edited and re-entered.
    No apostrophe is added to the text itself: that would change what the reader sees, and the
    string type already stops evaluation on open.
    """
    value = plain(value)
    if not isinstance(value, str):
        return value, False
    text = _ILLEGAL.sub("\ufffd", value)[:32767]
    return text, text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START)


BOLD = Font(bold=True)
BANNER_FONT = Font(bold=True, color="962220", size=12)
BANNER_FILL = PatternFill("solid", fgColor="FBE7E6")
HEADER_FILL = PatternFill("solid", fgColor="E9EDF2")
HEADER_RULE = Border(bottom=Side(style="thin", color="1C2530"))
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
MONEY, WHOLE, DECIMAL, SHARE = "#,##0.0", "#,##0", "#,##0.0#", "0.0%"
SHEET_NAME = re.compile(r"[^\[\]:*?/\\]{1,31}")  # what Excel accepts as a sheet's name


class Formatted(NamedTuple):
    """A value with its own number format, in a column of mixed values (the summary sheet)."""
    value: object
    number_format: str


class Column(NamedTuple):
    label: str
    number_format: str | None = None
    width: int | None = None


def _put(sheet, row: int, column: int, value, number_format: str | None = None,
         day_format: str = "yyyy-mm-dd"):
    if isinstance(value, Formatted):
        value, number_format = value
    value, quote = neutralise(value)
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)  # Excel has no time zones
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl guesses 'f' for "=…" and 'e' for "#N/A": it is text
        if quote:
            cell.quotePrefix = True
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.number_format = number_format or (WHOLE if value == int(value) else DECIMAL)
    elif isinstance(value, date):
        cell.number_format = day_format
    return cell


def _shown(value, day_format: str) -> str:
    """About what a cell shows, to size its column."""
    value = plain(value.value if isinstance(value, Formatted) else value)
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, (date, datetime)):
        return day_format
    return "" if value is None else str(value)


class Book:
    """A workbook in one language, written sheet by sheet."""

    def __init__(self, lang: Language, banner: str = ""):
        self.lang = lang
        self.day = lang.t("format.xlsx_date")
        self.banner = banner  # the first line of every sheet (a demo's: its figures are made up)
        self.book = Workbook()
        self.book.remove(self.book.active)

    def sheet(self, key: str, columns: list[Column], rows: list[list]) -> None:
        """A sheet with a bold frozen header, an autofilter and widths that fit the content;
        with a banner, the banner is its first line and the header the second."""
        title = self.lang.t(f"xlsx.{key}")
        if not SHEET_NAME.fullmatch(title):
            raise ValueError(f"labels/{self.lang.code}.yaml xlsx.{key}: {title!r} cannot name "
                             "a sheet (at most 31 characters, none of []:*?/\\)")
        sheet = self.book.create_sheet(title)
        top = 2 if self.banner else 1  # the header's row
        if self.banner:
            cell = _put(sheet, 1, 1, self.banner)
            cell.font, cell.fill = BANNER_FONT, BANNER_FILL
            sheet.row_dimensions[1].height = 21
        chars = []
        for col, column in enumerate(columns, 1):
            longest = max([len(column.label)] + [len(_shown(v[col - 1], self.day)) for v in rows])
            chars.append(column.width or min(max(longest + 2, 8), 60))
            sheet.column_dimensions[get_column_letter(col)].width = chars[-1]
            cell = _put(sheet, top, col, column.label)
            cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, HEADER_RULE
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        for r, values in enumerate(rows, top + 1):
            lines = 1
            for col, value in enumerate(values, 1):
                cell = _put(sheet, r, col, value, columns[col - 1].number_format, self.day)
                shown = _shown(value, self.day)
                wrap = isinstance(cell.value, str) and len(shown) > chars[col - 1] - 2
                cell.alignment = WRAP if wrap else TOP
                if wrap:
                    lines = max(lines, math.ceil(len(shown) / (chars[col - 1] - 2)))
            # Excel and LibreOffice do not reliably grow a row for wrapped text they did not lay
            # out themselves, so such a row gets the height of the lines it needs.
            if lines > 1:
                sheet.row_dimensions[r].height = 15 * lines
        sheet.freeze_panes = f"A{top + 1}"
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A{top}:{last}{max(len(rows) + top, top + 1)}"


def _tenge(value) -> Formatted | None:
    return None if value is None else Formatted(value, MONEY)


def write_xlsx(data: ReportData, language: str, path: Path) -> None:
    """The report in `language` (kk, ru or en) as a workbook at `path`."""
    lang = Language.of(language)
    t, names = lang.t, Names(data, lang)
    out = Book(lang, t("document.demo") if data.demo else "")
    measures = progress.measures(data)
    key = key_figures.key_figures(data)
    years = budget.budget_years(data)
    line_years, lines = budget.budget_by_measure(data)
    marked = any(names.measure(no).marked for no in {m.no for m in measures}
                 | {line.no for line in lines})
    measure_head = t("progress.measure") + (" " + t("marker.untranslated") if marked else "")
    build = (t("document.build", number=data.build_number, built_at=lang.stamp(data.built_at))
             if data.build_number is not None else t("document.no_build"))

    def year_name(row: budget.BudgetYear) -> str:
        return t("budget.total") if row.is_total else row.year

    summary = [
        [t("xlsx.programme"), t("document.heading")],
        *([[t("xlsx.programme"), t("document.official_title")]]
          if t("document.official_title") else []),
        [t("xlsx.basis"), t("document.basis")],
        [t("xlsx.period"), lang.period(data.period)],
        [t("xlsx.period_start"), data.period_start], [t("xlsx.period_end"), data.period_end],
        [t("xlsx.generated"), lang.stamp(data.generated_at)], [t("xlsx.data"), build],
        [t("xlsx.measures"), key.measures],
        *[[t("xlsx.measures_status", status=lang.status(s)), n]
          for s, n in key.by_status.items()],
        [t("xlsx.measures_overdue"), key.overdue], [t("xlsx.targets"), key.targets],
        [t("xlsx.targets_achieved"), key.achieved],
        [t("xlsx.budget_planned"), _tenge(key.planned)],
        [t("xlsx.budget_spent"), _tenge(key.spent)],
        [t("xlsx.warnings"), key.warnings],
        [t("xlsx.agencies_missing"), key.agencies_missing],
        [t("xlsx.regions_missing"), key.regions_missing],
    ]
    for row in years:
        summary += [[t("xlsx.year_planned", year=year_name(row)), _tenge(row.planned)],
                    [t("xlsx.year_printed", year=year_name(row)), _tenge(row.printed)],
                    [t("xlsx.year_spent", year=year_name(row)), _tenge(row.spent)]]
    summary += sheets.summary(data, lang, names)
    if marked:
        summary.append([t("xlsx.note"), t("document.untranslated_note")])
    out.sheet("summary", [Column(t("xlsx.item"), width=56), Column(t("xlsx.value"), width=80)],
              summary)

    def deadline(m: progress.Measure) -> str:
        return names.deadline(m.deadline).text

    def outputs(m: progress.Measure) -> str:
        return "; ".join(f"{names.output(kind)}: {lang.number(n)}" for kind, n in m.outputs)

    out.sheet("progress", [
        Column(t("progress.number"), "0"), Column(t("xlsx.section")),
        Column(measure_head, width=60), Column(t("progress.responsible"), width=44),
        Column(t("progress.due"), lang.t("format.xlsx_date")), Column(t("xlsx.deadline"), width=30),
        Column(t("progress.status")), Column(t("xlsx.not_reported_by"), width=30),
        Column(t("progress.outputs"), width=50),
        Column(t("xlsx.planned", year=data.period_end.year), MONEY),
        Column(t("xlsx.spent"), MONEY)],
        [[m.no, m.section, names.measure(m.no).text, "; ".join(names.agencies(m.agencies)),
          m.due, deadline(m), lang.status(m.status), "; ".join(names.agencies(m.silent)),
          outputs(m), m.planned, m.spent] for m in measures])

    out.sheet("overdue", [
        Column(t("progress.number"), "0"), Column(measure_head, width=60),
        Column(t("progress.responsible"), width=44),
        Column(t("progress.due"), lang.t("format.xlsx_date")),
        Column(t("overdue.days_late"), WHOLE), Column(t("progress.status"))],
        [[m.no, names.measure(m.no).text, "; ".join(names.agencies(m.agencies)), m.due,
          m.days_late, lang.status(m.status)] for m in progress.overdue(measures)])

    out.sheet("scorecard", [
        Column(t("scorecard.target"), width=60), Column(t("scorecard.unit")),
        Column(t("scorecard.planned")), Column(t("scorecard.achieved")),
        Column(t("xlsx.share_planned"), SHARE), Column(t("scorecard.status"))],
        [[names.target(r.code).text, lang.unit(r.unit), r.planned, r.achieved, r.share,
          lang.status(r.status)] for r in scorecard.scorecard(data)])

    # Funding that is not an amount stays a word in its column and leaves the figures empty.
    out.sheet("budget", [
        Column(t("budget.number"), "0"), Column(measure_head, width=60),
        Column(t("budget.year"), "0"), Column(t("xlsx.funding")),
        Column(t("xlsx.planned_mln"), MONEY), Column(t("xlsx.spent_mln"), MONEY)],
        [[line.no, names.measure(line.no).text, year, lang.funding(f.kind), f.planned, f.spent]
         for line in lines for year, f in zip(line_years, line.years, strict=True)
         if f is not None])

    for extra in sheets.situation(data, lang, names):
        out.sheet(extra.key, [Column(*column) for column in extra.columns], extra.rows)

    out.sheet("monitoring", [
        Column(t("xlsx.round"), "0"), Column(t("monitoring.region"), width=30),
        Column(t("monitoring.indicator"), width=50), Column(t("monitoring.value")),
        Column(t("monitoring.change")), Column(t("xlsx.early_warning"))],
        [[r.round, names.region(r.region), names.indicator(r.indicator), r.value, r.change,
          lang.yes_no(r.warning)] for r in monitoring.monitoring(data)])

    for extra in sheets.after_monitoring(data, lang, names):
        out.sheet(extra.key, [Column(*column) for column in extra.columns], extra.rows)

    out.sheet("not_reported", [
        Column(t("not_reported.who")), Column(t("not_reported.name"), width=50),
        Column(t("not_reported.missing"), width=60),
        Column(t("not_reported.due"), lang.t("format.xlsx_date"))],
        [[*names.missing(m), m.due] for m in not_reported.not_reported(data)])

    out.book.properties.title = t("document.title", period=lang.period(data.period))
    out.book.properties.creator = "Ahual"
    out.book.properties.language = lang.code
    created = data.generated_at.replace(tzinfo=None)
    out.book.properties.created = out.book.properties.modified = created
    out.book.save(path)
