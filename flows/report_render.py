"""Render the semi-annual information report (`ahual report`) from a `ReportData`.

`render_html` gives one self-contained page: inline CSS, charts as inline SVG drawn here, no
script, no network reference, so it opens from a file or an e-mail attachment anywhere.
Every value from the data goes through `esc` (html.escape); markup is only ever built by `h`.
`write_xlsx` gives the same sections as sheets, values only (no formulas), each text cell
passed through `neutralise` against spreadsheet formula injection.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from flows.report_data import ReportData

PROGRAMME_EN = ("Programme on ensuring freedom of religion and improving state–confessional "
                "relations in the Republic of Kazakhstan, 2007–2009")
PROGRAMME_KK = ("Бағдарлама: Қазақстан Республикасында дін бостандығын қамтамасыз ету және "
                "мемлекеттік-конфессиялық қатынастарды жетілдіру, 2007–2009")
RESOLUTION = "Government Resolution No. 1185 of 5 December 2007"
DASH = "–"
# How a year's funding that is not an amount is shown: words, never 0.
FUNDING_TEXT = {"not_required": "not required", "state_order": "within the state order",
                "none": DASH}
SECTIONS = ("1. Progress by measure", "2. Overdue measures", "3. Scorecard", "4. Budget",
            "5. Monitoring highlights and early warnings", "6. Who has not reported")


# --- values ----------------------------------------------------------------------------------

def _plain(value):
    """A frame cell as a plain Python value; every kind of missing (None, NaN, NaT, NA) is None."""
    if value is None or (not isinstance(value, (str, bytes, list, tuple)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    return [{key: _plain(value) for key, value in row.items()}
            for row in frame.to_dict("records")]


def _date(value) -> date | None:
    value = _plain(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10]) if value else None


def _number(value) -> float | None:
    value = _plain(value)
    return None if value is None or isinstance(value, bool) else float(value)


def _text(value) -> str:
    value = _plain(value)
    return "" if value is None else str(value)


def _fmt(value, decimals: int | None = None) -> str:
    """1,234.5 with thousands separators; without `decimals`, up to 2 and none for whole numbers.

    Rounds half up, as Excel shows the same figure (Python's float format would give 4.2 for
    4.25 where the workbook shows 4.3)."""
    value = _number(value)
    if value is None:
        return DASH
    strip = decimals is None
    places = (0 if value == int(value) else 2) if strip else decimals
    exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{abs(exact) if exact == 0 else exact:,.{places}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")  # a real minus sign reads better in a table


def _money(value) -> str:
    return _fmt(value, 1)


def _signed(value) -> str:
    value = _number(value)
    if value is None:
        return DASH
    return ("+" if value > 0 else "") + _fmt(value)


def _percent(part, whole) -> str:
    part, whole = _number(part), _number(whole)
    if part is None or not whole:
        return DASH
    return f"{_fmt(100 * part / whole, 1)} %"


def _iso(value) -> str:
    day = _date(value)
    return day.isoformat() if day else DASH


def _days_late(due: date | None, period_end: date) -> int | None:
    return (period_end - due).days if due and due < period_end else None


def _stamp(moment: datetime) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M")
    return f"{text} {moment.tzname()}" if moment.tzinfo else text


def _natural(section: str) -> list[tuple]:
    """Sort key so that section 5.10 comes after 5.9."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"[.\s]+", section)]


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


# --- HTML building: nothing from the data reaches the page without esc() ---------------------

class Markup(str):
    """Text that is already HTML. Only `h`, `esc` and the fixed templates here make it."""


def esc(value) -> Markup:
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(_text(value), quote=True))


def _children(items) -> str:
    out = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, (list, tuple)):
            out.append(_children(item))
        else:
            out.append(esc(item))
    return "".join(out)


def h(tag: str, *children, **attrs) -> Markup:
    """<tag attrs>children</tag>; `class_` is `class`, other underscores become hyphens."""
    names = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{html.escape(_text(value), quote=True)}"'
        for name, value in attrs.items() if value is not None)
    return Markup(f"<{tag}{names}>{_children(children)}</{tag}>")


BADGE = {"done": "ok", "achieved": "ok", "in progress": "info", "on track": "info",
         "not started": "idle", "behind": "warn", "not reported": "bad"}


def _badge(status) -> Markup:
    status = _text(status) or "not reported"
    return h("span", status, class_=f"badge {BADGE.get(status, 'idle')}")


def _nothing(text: str) -> Markup:
    return h("p", "Nothing to report: ", text, class_="nothing")


def _table(head: list, rows: list[Markup], numeric: Iterable[int] = (),
           class_: str | None = None) -> Markup:
    numeric = set(numeric)
    cells = [h("th", label, class_="num" if i in numeric else None, scope="col")
             for i, label in enumerate(head)]
    return h("table", h("thead", h("tr", cells)), h("tbody", rows), class_=class_)


def _td(value, numeric: bool = False, class_: str | None = None, **attrs) -> Markup:
    return h("td", value, class_=" ".join(c for c in ("num" if numeric else "", class_ or "")
                                          if c) or None, **attrs)


def _unit(label: str, unit: str = "mln tenge") -> list:
    """A column heading with its unit on a second line."""
    return [label, h("span", unit, class_="unit")]


def _with_sub(main, sub) -> list:
    """A cell's main text with a smaller grey line under it (when there is one)."""
    return [main, h("span", sub, class_="sub") if _text(sub) else None]


# --- charts (inline SVG) -----------------------------------------------------------------------

def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _nice_step(top: float, ticks: int = 4) -> float:
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _progress_bar(achieved, planned, status) -> Markup:
    width, height = 160, 10
    achieved, planned = _number(achieved), _number(planned)
    share = min(max(achieved / planned, 0.0), 1.0) if achieved is not None and planned else 0.0
    label = f"{_fmt(achieved)} of {_fmt(planned)}" + (
        f" ({_percent(achieved, planned)})" if planned else "")
    return h("svg", h("title", label),
             h("rect", x=0, y=0, width=width, height=height, rx=2, class_="track"),
             h("rect", x=0, y=0, width=_n(width * share), height=height, rx=2,
               class_=f"fill {BADGE.get(_text(status), 'idle')}"),
             width=width, height=height, viewBox=f"0 0 {width} {height}", role="img",
             aria_label=label, class_="bar")


def _budget_chart(years: list[dict]) -> Markup:
    """Planned and spent by year: grouped vertical bars with their values written above."""
    width, height, left, right, top, bottom = 520, 270, 56, 8, 40, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for row in years for v in (_number(row.get("planned_mln_tenge")),
                                           _number(row.get("spent_mln_tenge"))) if v]
    step = _nice_step(max(values, default=1.0))
    ceiling = step * math.ceil(max(values, default=1.0) / step)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / ceiling)

    parts = [h("title", "Budget planned and spent by year, mln tenge")]
    for i, (name, css) in enumerate((("Planned", "planned"), ("Spent", "spent"))):
        x = left + i * 96
        parts += [h("rect", x=x, y=10, width=12, height=12, rx=2, class_=css),
                  h("text", name, x=x + 18, y=20, class_="legend")]
    tick = 0.0
    while tick <= ceiling + step / 2:
        parts += [h("line", x1=left, x2=width - right, y1=_n(y(tick)), y2=_n(y(tick)),
                    class_="axis" if tick == 0 else "grid"),
                  h("text", _fmt(tick), x=left - 8, y=_n(y(tick) + 4), class_="tick")]
        tick += step
    slot = plot_w / max(len(years), 1)
    bar = min(56.0, slot * 0.3)
    for i, row in enumerate(years):
        centre = left + slot * (i + 0.5)
        for j, (key, css) in enumerate((("planned_mln_tenge", "planned"),
                                        ("spent_mln_tenge", "spent"))):
            value = _number(row.get(key))
            x = centre - bar - 2 + j * (bar + 4)
            if value:
                parts.append(h("rect", x=_n(x), y=_n(y(value)), width=_n(bar),
                               height=_n(y(0) - y(value)), class_=css))
            parts.append(h("text", _money(value), x=_n(x + bar / 2),
                           y=_n(y(value or 0) - 6), class_="value"))
        parts.append(h("text", row.get("year"), x=_n(centre), y=height - 10, class_="year"))
    return h("svg", parts, width=width, height=height, viewBox=f"0 0 {width} {height}",
             role="img", aria_label="Budget planned and spent by year, mln tenge",
             class_="chart")


# --- the page ----------------------------------------------------------------------------------

def _year(value) -> str:
    text = _text(value)
    return "Total" if text.lower() == "total" else text


def _and(items: list[str]) -> str:
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def _be(n: int) -> str:
    return "is" if n == 1 else "are"


def _half_name(period: str) -> str:
    match = re.fullmatch(r"(\d{4})H([12])", period)
    if not match:
        return period
    return f"{'first' if match[2] == '1' else 'second'} half of {match[1]}"


def _budget_total(data: ReportData) -> dict:
    rows = _records(data.budget_totals)
    total = next((r for r in rows if _text(r.get("year")).lower() == "total"), None)
    if total is not None:
        return total
    years = [r for r in rows if _text(r.get("year")).lower() != "total"]
    return {key: sum(_number(r.get(key)) or 0 for r in years) if years else None
            for key in ("planned_mln_tenge", "printed_mln_tenge", "spent_mln_tenge")}


def _key_figures(data: ReportData) -> dict:
    progress, scorecard = _records(data.progress), _records(data.scorecard)
    statuses = [_text(r.get("status")) or "not reported" for r in progress]
    missing = _records(data.not_reported)
    warnings = _records(data.warnings)
    return {
        "measures": len(progress),
        "by_status": {s: statuses.count(s) for s in
                      ("done", "in progress", "not started", "not reported")},
        "overdue": len(_records(data.overdue)),
        "targets": len(scorecard),
        "achieved": sum(_text(r.get("status")) == "achieved" for r in scorecard),
        "budget": _budget_total(data),
        "warnings": len(warnings),
        "warning_regions": len({_text(r.get("region_code")) for r in warnings}),
        "agencies_missing": sum(_text(r.get("kind")) == "agency" for r in missing),
        "regions_missing": sum(_text(r.get("kind")) == "region" for r in missing),
        "round": next((r.get("round") for r in _records(data.monitoring)), None),
    }


def _summary(data: ReportData) -> Markup:
    k = _key_figures(data)
    b = k["budget"]
    planned, spent = _number(b.get("planned_mln_tenge")), _number(b.get("spent_mln_tenge"))
    done = k["by_status"]
    sentences = [
        (f"Of the programme's {_count(k['measures'], 'measure')}, {done['done']:,} "
         f"{_be(done['done'])} done, {done['in progress']:,} in progress, "
         f"{done['not started']:,} not started and {done['not reported']:,} not reported; "
         f"{k['overdue']:,} {_be(k['overdue'])} overdue."),
        f"{k['achieved']:,} of {_count(k['targets'], 'target')} {_be(k['achieved'])} achieved.",
        (f"Of {_money(planned)} mln tenge planned for 2007–2009, {_money(spent)} mln tenge "
         f"({_percent(spent, planned)}) has been spent." if planned else
         "No budget figures were reported."),
        (f"Monitoring round {_fmt(k['round'])} raised "
         f"{_count(k['warnings'], 'early warning')} in "
         f"{_count(k['warning_regions'], 'region')}." if k["warnings"] else
         "Monitoring raised no early warnings."),
        (f"{_count(k['agencies_missing'], 'agency', 'agencies')} and "
         f"{_count(k['regions_missing'], 'region')} have not reported."
         if k["agencies_missing"] or k["regions_missing"] else
         "Every agency and region has reported."),
    ]
    tiles = [
        ("Measures done", f"{done['done']:,} / {k['measures']:,}",
         f"{done['in progress']:,} in progress"),
        ("Overdue", f"{k['overdue']:,}", "past due, not done"),
        ("Targets achieved", f"{k['achieved']:,} / {k['targets']:,}", "programme targets"),
        ("Budget spent", _percent(spent, planned),
         f"{_money(spent)} of {_money(planned)} mln tenge"),
        ("Early warnings", f"{k['warnings']:,}",
         f"in {_count(k['warning_regions'], 'region')}, round {_fmt(k['round'])}"
         if k["round"] is not None else "no monitoring round"),
        ("Not reported", f"{k['agencies_missing'] + k['regions_missing']:,}",
         f"{_count(k['agencies_missing'], 'agency', 'agencies')}, "
         + _count(k["regions_missing"], "region")),
    ]
    return h("section",
             h("h2", "Summary"),
             h("p", " ".join(sentences), class_="lead"),
             h("div", [h("div", h("div", label, class_="label"), h("div", big, class_="big"),
                         h("div", small, class_="small"), class_="tile")
                       for label, big, small in tiles], class_="tiles"),
             class_="summary")


def _progress(data: ReportData) -> Markup:
    rows = sorted(_records(data.progress), key=lambda r: (
        _natural(_text(r.get("section"))), _number(r.get("measure_no")) or 0))
    if not rows:
        return _nothing("no programme measures were given for this period.")
    body, section = [], None
    for r in rows:
        if _text(r.get("section")) != section:
            section = _text(r.get("section"))
            group = [x for x in rows if _text(x.get("section")) == section]
            done = sum(_text(x.get("status")) == "done" for x in group)
            body.append(h("tr", h("th", f"Section {section or DASH}",
                                  h("span", f"{_count(len(group), 'measure')}, {done:,} done",
                                    class_="count"), colspan=8, scope="rowgroup"),
                          class_="group"))
        reported = _text(r.get("reported_by"))
        reported = "" if reported == _text(r.get("agencies")) else reported
        body.append(h("tr",
                      _td(_fmt(r.get("measure_no")), True),
                      _td(r.get("title_en"), class_="wide"),
                      _td(_with_sub(r.get("agencies"),
                                    f"reported by {reported}" if reported else None),
                          class_="who"),
                      _td(_with_sub(_iso(r.get("due_date")), r.get("deadline_note")),
                          class_="date"),
                      _td(_badge(r.get("status"))),
                      _td(r.get("outputs") or DASH, class_="wide"),
                      _td(_money(r.get("planned_mln_tenge")), True),
                      _td(_money(r.get("spent_mln_tenge")), True)))
    return _table(["No.", "Measure", "Responsible", "Due", "Status", "Outputs in the period",
                   _unit("Planned"), _unit("Spent")], body, numeric=(0, 6, 7))


def _overdue(data: ReportData) -> Markup:
    rows = _records(data.overdue)
    if not rows:
        return _nothing("no measure is past its due date.")
    body = []
    for r in rows:
        due = _date(r.get("due_date"))
        late = _days_late(due, data.period_end)
        body.append(h("tr", _td(_fmt(r.get("measure_no")), True), _td(r.get("title_en")),
                      _td(r.get("agencies")), _td(_iso(due), class_="date"),
                      _td(_fmt(late), True), _td(_badge(r.get("status")))))
    return _table(["No.", "Measure", "Responsible", "Due", "Days late at period end", "Status"],
                  body, numeric=(0, 4))


def _scorecard(data: ReportData) -> Markup:
    rows = _records(data.scorecard)
    if not rows:
        return _nothing("no programme targets were given.")
    body = [h("tr", _td(r.get("target_code")), _td(r.get("description_en"), class_="wide"),
              _td(_progress_bar(r.get("achieved"), r.get("planned"), r.get("status")),
                  class_="barcell"),
              _td(_fmt(r.get("achieved")), True), _td(_fmt(r.get("planned")), True),
              _td(_percent(r.get("achieved"), r.get("planned")), True),
              _td(r.get("unit")), _td(_badge(r.get("status"))))
            for r in rows]
    return _table(["Code", "Target", "Progress", "Achieved", "Planned", "Share", "Unit",
                   "Status"], body, numeric=(3, 4, 5))


def _funding_cells(row: dict | None) -> list[Markup]:
    """A measure's planned and spent cells for one year; words for what is not an amount."""
    if row is None:
        return [_td("", class_="ys"), _td("")]
    kind = _text(row.get("funding_kind")) or "none"
    if kind != "amount":
        return [h("td", FUNDING_TEXT.get(kind, kind), colspan=2, class_="kind ys")]
    return [_td(_money(row.get("planned_mln_tenge")), True, class_="ys"),
            _td(_money(row.get("spent_mln_tenge")), True)]


def _budget(data: ReportData) -> Markup:
    totals = _records(data.budget_totals)
    years = [r for r in totals if _text(r.get("year")).lower() != "total"]
    parts = []
    if totals:
        body = [h("tr", _td(_year(r.get("year"))),
                  _td(_money(r.get("planned_mln_tenge")), True),
                  _td(_money(r.get("printed_mln_tenge")), True),
                  _td(_money(r.get("spent_mln_tenge")), True),
                  _td(_percent(r.get("spent_mln_tenge"), r.get("planned_mln_tenge")), True),
                  class_=None if r in years else "strong")
                for r in years + [r for r in totals if r not in years]]
        table = _table(["Year", _unit("Planned", "sum of measures"),
                        _unit("Printed", "in the programme"), "Spent",
                        _unit("Spent", "% of planned")], body, numeric=(1, 2, 3, 4))
        differ = [_year(r.get("year")).replace("Total", "in total") for r in totals
                  if _number(r.get("printed_mln_tenge")) is not None
                  and _number(r.get("planned_mln_tenge")) is not None
                  and abs(_number(r["printed_mln_tenge"]) - _number(r["planned_mln_tenge"]))
                  >= 0.05]
        note = h("p", "The measures' planned amounts differ from the figure printed in the "
                 "programme for ", _and(differ), ".", class_="note") if differ else None
        parts += [h("h3", "Planned and spent by year, mln tenge"),
                  h("div", h("div", _budget_chart(years)), h("div", table, note),
                    class_="side-by-side")]
    else:
        parts.append(_nothing("no budget totals were given."))

    rows = _records(data.budget)
    parts.append(h("h3", "By measure, mln tenge"))
    if not rows:
        parts.append(_nothing("no measure has budget lines."))
        return Markup(_children(parts))
    titles = {_number(r.get("measure_no")): r.get("title_en") for r in _records(data.progress)}
    year_list = sorted({int(_number(r.get("year"))) for r in rows if _number(r.get("year"))})
    by_measure: dict[float, dict[int, dict]] = {}
    for r in rows:
        by_measure.setdefault(_number(r.get("measure_no")), {})[
            int(_number(r.get("year")) or 0)] = r
    body = []
    for no in sorted(by_measure, key=lambda x: x if x is not None else -1):
        lines = by_measure[no]
        notes = list(dict.fromkeys(_text(r.get("funding_note")) for r in lines.values()))
        body.append(h("tr", _td(_fmt(no), True), _td(titles.get(no, ""), class_="wide"),
                      [_funding_cells(lines.get(year)) for year in year_list],
                      _td("; ".join(n for n in notes if n), class_="note-cell ys")))
    top = h("tr", h("th", "", colspan=2), [h("th", year, colspan=2, class_="year-head ys")
                                            for year in year_list], h("th", "", class_="ys"))
    sub = h("tr", h("th", "No.", class_="num"), h("th", "Measure"),
            [[h("th", "Planned", class_="num ys"), h("th", "Spent", class_="num")]
             for _ in year_list], h("th", "Note", class_="ys"))
    parts.append(h("table", h("thead", top, sub), h("tbody", body), class_="budget"))
    return Markup(_children(parts))


def _alert(r: dict) -> Markup:
    return h("li", h("strong", r.get("region_name_en")), " · ", r.get("indicator_name_en"),
             ": ", h("strong", _fmt(r.get("value"))),
             h("span", f" ({_signed(r.get('change_vs_previous'))} on the previous round)",
               class_="muted"))


def _monitoring(data: ReportData) -> Markup:
    rows, warnings = _records(data.monitoring), _records(data.warnings)
    rounds = {r.get("round") for r in rows + warnings if r.get("round") is not None}
    label = "round " + ", ".join(_fmt(x) for x in sorted(rounds)) if rounds else "the last round"
    parts = [h("h3", f"Early warnings, {label}")]
    parts.append(h("ul", [_alert(r) for r in warnings], class_="alerts") if warnings
                 else _nothing(f"no early warnings in {label}."))
    parts.append(h("h3", f"Highlights, {label}"))
    body = [h("tr", _td(r.get("region_name_en")), _td(r.get("indicator_name_en")),
              _td(_fmt(r.get("value")), True), _td(_signed(r.get("change_vs_previous")), True),
              _td(h("span", "early warning", class_="badge bad") if r.get("early_warning")
                  else ""), class_="flagged" if r.get("early_warning") else None)
            for r in rows]
    parts.append(_table(["Region", "Indicator", "Value", "Change vs previous round", ""], body,
                        numeric=(2, 3), class_="compact") if rows
                 else _nothing("no monitoring figures for this period."))
    return Markup(_children(parts))


def _not_reported(data: ReportData) -> Markup:
    rows = _records(data.not_reported)
    if not rows:
        return _nothing("every agency and region has reported.")
    kinds = {"agency": "Agency", "region": "Region"}
    body = [h("tr", _td(kinds.get(_text(r.get("kind")), r.get("kind"))), _td(r.get("code")),
              _td(r.get("name_en")), _td(r.get("what")), _td(_iso(r.get("due")), class_="date"))
            for r in rows]
    return _table(["Who", "Code", "Name", "Missing", "Due"], body, class_="compact")


CSS = """
:root{--ink:#1c2530;--muted:#5a6573;--rule:#dde2e8;--soft:#f3f5f8;--accent:#1f4e79}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:#e9edf2;color:var(--ink);font:14px/1.5 "Segoe UI",-apple-system,
BlinkMacSystemFont,Roboto,"Noto Sans","Helvetica Neue",Arial,"Liberation Sans","DejaVu Sans",
sans-serif}
:lang(kk){font-family:"Segoe UI",-apple-system,"Noto Sans","DejaVu Sans",sans-serif}
.report{max-width:1140px;margin:28px auto;background:#fff;padding:44px 52px 40px;
box-shadow:0 1px 4px rgba(20,30,45,.12)}
.masthead{border-bottom:3px solid var(--accent);padding-bottom:18px;margin-bottom:8px}
.kicker{margin:0 0 10px;font-size:12px;letter-spacing:.09em;text-transform:uppercase;
color:var(--accent);font-weight:600}
h1{margin:0 0 6px;font-size:25px;line-height:1.25;font-weight:650;max-width:900px}
.kk{margin:0 0 6px;color:var(--muted);font-size:14px;max-width:900px}
.basis{margin:0 0 14px;color:var(--muted);font-size:13px}
.meta{display:flex;flex-wrap:wrap;gap:6px 32px;margin:0;font-size:13px}
.meta div{display:flex;gap:8px}.meta dt{color:var(--muted)}.meta dd{margin:0;font-weight:600}
h2{margin:34px 0 12px;font-size:19px;font-weight:650;color:var(--accent);
padding-bottom:6px;border-bottom:1px solid var(--rule)}
h3{margin:22px 0 8px;font-size:12.5px;font-weight:650;letter-spacing:.05em;
text-transform:uppercase;color:var(--muted)}
.lead{margin:0 0 16px;font-size:15px;max-width:960px}
.tiles{display:grid;grid-template-columns:repeat(6,1fr);gap:10px}
.tile{border:1px solid var(--rule);border-top:3px solid var(--accent);padding:10px 12px;
background:#fff}
.tile .label{font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.tile .big{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.3}
.tile .small{font-size:12px;color:var(--muted)}
table{width:100%;border-collapse:collapse;font-size:13px;margin:0 0 8px}
th{text-align:left;font-weight:600;font-size:12px;color:var(--muted);padding:6px 8px;
border-bottom:1.5px solid var(--ink);vertical-align:bottom}
td{padding:7px 8px;border-bottom:1px solid var(--rule);vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.date{white-space:nowrap;font-variant-numeric:tabular-nums}
td.wide{min-width:220px}td.who{min-width:150px}
th .unit{display:block;font-weight:400}
td.date{min-width:104px}
table.compact{width:auto;min-width:62%}table.compact td{padding-right:28px}
.side-by-side{display:grid;grid-template-columns:520px 1fr;gap:32px;align-items:start}
.alerts{list-style:none;margin:0 0 8px;padding:0}
.alerts li{padding:8px 12px;margin:0 0 6px;border-left:3px solid #b83a36;background:#fdf4f4}
.muted{color:var(--muted)}
.sub{display:block;color:var(--muted);font-size:12px;white-space:normal}
tr.group th{background:var(--soft);color:var(--ink);font-size:13px;border-bottom:1px solid
var(--rule);padding:7px 8px;border-top:10px solid #fff}
tr.group .count{font-weight:400;color:var(--muted);margin-left:10px}
tr.strong td{font-weight:650;border-top:1.5px solid var(--ink)}
tr.flagged td{background:#fdf4f4}
table.budget thead tr:first-child th{border-bottom:none;padding-bottom:2px}
table.budget thead tr:first-child th.year-head{text-align:center;color:var(--ink);
border-bottom:1px solid var(--rule)}
table.budget .ys{border-left:1px solid var(--rule)}
td.kind{text-align:center;color:var(--muted);font-style:italic;white-space:nowrap}
td.note-cell{color:var(--muted);font-size:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:9px;font-size:11.5px;font-weight:600;
white-space:nowrap;border:1px solid transparent}
.badge.ok{background:#e3f1e6;color:#1d5e33}.badge.info{background:#e3ebf6;color:#1f4a80}
.badge.idle{background:#eceef1;color:#4d5561}.badge.warn{background:#fbf0d9;color:#80550a}
.badge.bad{background:#fbe7e6;color:#962220}
svg.bar{display:block;margin-top:4px}svg.bar .track{fill:#e6e9ee}
svg .fill.ok{fill:#3a8a55}svg .fill.info{fill:#3f6fae}svg .fill.warn{fill:#c58a1c}
svg .fill.idle,svg .fill.bad{fill:#9aa3ae}
td.barcell{width:176px}
svg.chart{display:block;max-width:100%;height:auto;margin:4px 0 14px}
svg .planned{fill:#b7c6d8}svg .spent{fill:#1f4e79}
svg .grid{stroke:#e6e9ee;stroke-width:1}svg .axis{stroke:#5a6573;stroke-width:1}
svg text{fill:#3a4450;font-size:12px}svg .tick{text-anchor:end;fill:#5a6573;font-size:11px}
svg .value{text-anchor:middle;font-size:11px;font-variant-numeric:tabular-nums}
svg .year{text-anchor:middle;font-weight:600;font-size:12.5px}
.nothing{margin:4px 0 10px;padding:10px 14px;background:var(--soft);
border-left:3px solid #b7c6d8;color:var(--muted)}
.note{font-size:12.5px;color:var(--muted);margin:4px 0 0}
footer{margin-top:36px;padding-top:10px;border-top:1px solid var(--rule);font-size:12px;
color:var(--muted)}
@page{size:A4;margin:14mm 12mm}
@media print{
body{background:#fff;font-size:10pt}
.report{max-width:none;margin:0;padding:0;box-shadow:none}
.tiles{grid-template-columns:repeat(3,1fr)}
.side-by-side{grid-template-columns:1fr}table.compact{width:100%}
.page{break-before:page}
h2,h3{break-after:avoid}
thead{display:table-header-group}
tr,.tile,svg,.nothing{break-inside:avoid}
}
"""


def render_html(data: ReportData) -> str:
    """The report as one self-contained HTML page (same data, same bytes)."""
    span = f"{data.period_start.isoformat()} – {data.period_end.isoformat()}"
    meta = [("Period", f"{data.period} ({span})"),
            ("Generated", _stamp(data.generated_at)), ("Data", data.warehouse_build)]
    masthead = h("header",
                 h("p", "Information report to the Government of the Republic of Kazakhstan · ",
                   _half_name(data.period), class_="kicker"),
                 h("h1", PROGRAMME_EN),
                 h("p", PROGRAMME_KK, class_="kk", lang="kk"),
                 h("p", RESOLUTION, class_="basis"),
                 h("dl", [h("div", h("dt", k), h("dd", v)) for k, v in meta], class_="meta"),
                 class_="masthead")
    bodies = (_progress, _overdue, _scorecard, _budget, _monitoring, _not_reported)
    ids = ("progress", "overdue", "scorecard", "budget", "monitoring", "not-reported")
    # In print, the long sections start on a new page; the short ones follow on.
    new_page = {"progress", "budget", "monitoring"}
    sections = [h("section", h("h2", title), body(data), id=key,
                  class_="page" if key in new_page else None)
                for title, body, key in zip(SECTIONS, bodies, ids, strict=True)]
    footer = h("footer", f"Prepared by Ahual from the warehouse ({data.warehouse_build}). "
               "Money in millions of tenge; dates ISO 8601 (YYYY-MM-DD); «–» means no figure.")
    title = f"Information report {data.period} — {PROGRAMME_EN}"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + h("main", masthead, _summary(data), sections, footer, class_="report")
            + "\n</body>\n</html>\n")


# --- XLSX ----------------------------------------------------------------------------------------

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
    value = _plain(value)
    if not isinstance(value, str):
        return value, False
    text = _ILLEGAL.sub("\ufffd", value)[:32767]
    return text, text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START)


BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E9EDF2")
HEADER_RULE = Border(bottom=Side(style="thin", color="1C2530"))
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
MONEY, WHOLE, DECIMAL, DAY = "#,##0.0", "#,##0", "#,##0.0#", "yyyy-mm-dd"


class Formatted(NamedTuple):
    """A value with its own number format, in a column of mixed values (the Summary sheet)."""
    value: object
    number_format: str


def _put(sheet, row: int, column: int, value, number_format: str | None = None):
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
        cell.number_format = DAY
    return cell


def _sheet(book: Workbook, title: str, columns: list[tuple[str, str | None]],
           rows: list[list], widths: dict[int, int] | None = None) -> None:
    """A sheet with a bold frozen header, an autofilter and widths that fit the content."""
    sheet = book.create_sheet(title)
    chars = []
    for col, (label, _) in enumerate(columns, 1):
        longest = max([len(label)] + [len(_xlsx_shown(v[col - 1])) for v in rows])
        chars.append((widths or {}).get(col) or min(max(longest + 2, 8), 60))
        sheet.column_dimensions[get_column_letter(col)].width = chars[-1]
        cell = _put(sheet, 1, col, label)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, HEADER_RULE
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    for r, values in enumerate(rows, 2):
        lines = 1
        for col, value in enumerate(values, 1):
            cell = _put(sheet, r, col, value, columns[col - 1][1])
            shown = _xlsx_shown(value)
            wrap = isinstance(cell.value, str) and len(shown) > chars[col - 1] - 2
            cell.alignment = WRAP if wrap else TOP
            if wrap:
                lines = max(lines, math.ceil(len(shown) / (chars[col - 1] - 2)))
        # Excel and LibreOffice do not reliably grow a row for wrapped text they did not lay
        # out themselves, so such a row gets the height of the lines it needs.
        if lines > 1:
            sheet.row_dimensions[r].height = 15 * lines
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(len(rows) + 1, 2)}"


def _tenge(value) -> Formatted | None:
    value = _number(value)
    return None if value is None else Formatted(value, MONEY)


def _xlsx_shown(value) -> str:
    value = _plain(value)
    if isinstance(value, Formatted):
        value = value.value
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, (date, datetime)):
        return "yyyy-mm-dd"
    return _text(value)


def write_xlsx(data: ReportData, path: Path) -> None:
    """The report as a workbook: one sheet per section, values only, no formulas."""
    book = Workbook()
    book.remove(book.active)
    k = _key_figures(data)
    b = k["budget"]
    summary = [
        ["Programme", PROGRAMME_EN], ["Programme (kk)", PROGRAMME_KK], ["Basis", RESOLUTION],
        ["Period", data.period], ["Period start", data.period_start],
        ["Period end", data.period_end], ["Generated", _stamp(data.generated_at)],
        ["Data", data.warehouse_build], ["Measures", k["measures"]],
        *[[f"Measures {s}", n] for s, n in k["by_status"].items()],
        ["Measures overdue", k["overdue"]], ["Targets", k["targets"]],
        ["Targets achieved", k["achieved"]],
        ["Budget planned 2007–2009, mln tenge", _tenge(b.get("planned_mln_tenge"))],
        ["Budget spent, mln tenge", _tenge(b.get("spent_mln_tenge"))],
        ["Early warnings", k["warnings"]],
        ["Agencies not reported", k["agencies_missing"]],
        ["Regions not reported", k["regions_missing"]],
    ]
    for r in _records(data.budget_totals):
        summary += [[f"Budget {r.get('year')}: planned, mln tenge",
                     _tenge(r.get("planned_mln_tenge"))],
                    [f"Budget {r.get('year')}: printed in the programme, mln tenge",
                     _tenge(r.get("printed_mln_tenge"))],
                    [f"Budget {r.get('year')}: spent, mln tenge",
                     _tenge(r.get("spent_mln_tenge"))]]
    _sheet(book, "Summary", [("Item", None), ("Value", None)], summary, {1: 52, 2: 72})

    _sheet(book, "Progress", [
        ("No.", "0"), ("Section", None), ("Measure", None), ("Responsible", None),
        ("Due", DAY), ("Deadline", None), ("Status", None), ("Reported by", None),
        ("Outputs in the period", None), ("Planned, mln tenge", MONEY),
        ("Spent, mln tenge", MONEY)],
        [[r.get("measure_no"), r.get("section"), r.get("title_en"), r.get("agencies"),
          _date(r.get("due_date")), r.get("deadline_note"), r.get("status"),
          r.get("reported_by"), r.get("outputs"), _number(r.get("planned_mln_tenge")),
          _number(r.get("spent_mln_tenge"))] for r in _records(data.progress)],
        {3: 60, 4: 36, 9: 60})

    _sheet(book, "Overdue", [("No.", "0"), ("Measure", None), ("Responsible", None),
                             ("Due", DAY), ("Days late at period end", WHOLE), ("Status", None)],
           [[r.get("measure_no"), r.get("title_en"), r.get("agencies"), _date(r.get("due_date")),
             _days_late(_date(r.get("due_date")), data.period_end), r.get("status")]
            for r in _records(data.overdue)], {2: 60, 3: 36})

    _sheet(book, "Scorecard", [("Code", None), ("Target", None), ("Unit", None),
                               ("Planned", None), ("Achieved", None), ("Share of planned", "0.0%"),
                               ("Status", None)],
           [[r.get("target_code"), r.get("description_en"), r.get("unit"),
             _number(r.get("planned")), _number(r.get("achieved")),
             _number(r.get("achieved")) / _number(r.get("planned"))
             if _number(r.get("achieved")) is not None and _number(r.get("planned")) else None,
             r.get("status")] for r in _records(data.scorecard)], {2: 60})

    # Funding that is not an amount stays a word in "Funding" and leaves the figures empty.
    _sheet(book, "Budget", [("No.", "0"), ("Year", "0"), ("Funding", None),
                            ("Planned, mln tenge", MONEY), ("Spent, mln tenge", MONEY),
                            ("Note", None)],
           [[r.get("measure_no"), r.get("year"),
             "amount" if _text(r.get("funding_kind")) == "amount"
             else FUNDING_TEXT.get(_text(r.get("funding_kind")) or "none",
                                   r.get("funding_kind")),
             _number(r.get("planned_mln_tenge")) if r.get("funding_kind") == "amount" else None,
             _number(r.get("spent_mln_tenge")) if r.get("funding_kind") == "amount" else None,
             r.get("funding_note")] for r in _records(data.budget)], {6: 50})

    _sheet(book, "Monitoring", [("Round", "0"), ("Region code", None), ("Region", None),
                                ("Indicator code", None), ("Indicator", None), ("Value", None),
                                ("Change vs previous round", None), ("Early warning", None)],
           [[r.get("round"), r.get("region_code"), r.get("region_name_en"),
             r.get("indicator_code"), r.get("indicator_name_en"), _number(r.get("value")),
             _number(r.get("change_vs_previous")), "yes" if r.get("early_warning") else "no"]
            for r in _records(data.monitoring)], {5: 50})

    _sheet(book, "Not reported", [("Who", None), ("Code", None), ("Name", None),
                                  ("Missing", None), ("Due", DAY)],
           [[r.get("kind"), r.get("code"), r.get("name_en"), r.get("what"), _date(r.get("due"))]
            for r in _records(data.not_reported)])

    book.properties.title = f"Information report {data.period}"
    book.properties.creator = "Ahual"
    book.properties.created = data.generated_at.replace(tzinfo=None)
    book.save(path)
