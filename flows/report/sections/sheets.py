"""The workbook's sheets for the sections the page shows beyond the programme's figures: the
religious situation (registered associations, rates, survey findings) before the monitoring
sheet, and the monitoring index, the improbable counts and the forecasts after it; a section
the page leaves out has no sheet. Each sheet is a `Sheet` of plain values; xlsx.py writes it.
"""

from __future__ import annotations

from typing import NamedTuple

from ahual.flows.report.data import ReportData
from ahual.flows.report.language import Language
from ahual.flows.report.names import Names
from ahual.flows.report.sections import monitoring_index, surveys, watch
from ahual.flows.report.sections import registrations as reg

WHOLE, DECIMAL, SHARE = "#,##0", "#,##0.0", "0.0%"
DAY = None  # a date column: xlsx.py gives dates the language's day format


class Sheet(NamedTuple):
    key: str  # labels xlsx.<key> names it
    columns: list[tuple]  # (label, number format, width), xlsx.Column's fields
    rows: list[list]


def summary(data: ReportData, lang: Language, names: Names) -> list[list]:
    """The registration lines of the summary sheet: the date, who reported, the national
    figure (none on a partial date)."""
    t, found = lang.t, reg.registrations(data)
    if found is None:
        return []
    rows = [[t("xlsx.registrations_date"), found.shown.as_of],
            [t("xlsx.registrations_coverage"), names.coverage(found.shown)]]
    if not found.arrived:
        rows.append([t("xlsx.note"), t("registrations.not_arrived",
                                       date=lang.date(found.reporting),
                                       shown=lang.date(found.shown.as_of))])
    if found.national is not None:
        rows.append([t("xlsx.registrations_national"), found.national.total])
    return rows


def situation(data: ReportData, lang: Language, names: Names) -> list[Sheet]:
    t, out = lang.t, []
    found = reg.registrations(data)
    if found is not None:
        families = [names.family(code) for code in found.families]
        rows = list(found.regions) + ([found.national] if found.national else [])
        before = lang.date(found.previous.as_of) if found.previous else "–"
        out.append(Sheet("registrations", [
            (t("registrations.date"), DAY, None), (t("registrations.region"), None, 30),
            (t("registrations.reported"), None, None), (t("registrations.total"), WHOLE, None),
            (t("registrations.before", date=before), WHOLE, None),
            (t("registrations.change"), WHOLE, None), (t("xlsx.change_share"), SHARE, None),
            *[(family, WHOLE, None) for family in families]],
            [[found.shown.as_of, names.region(r.region), lang.yes_no(r.reported), r.total,
              r.before, r.change, r.change_share, *r.families] for r in rows]))
        out.append(Sheet("rates", [
            (t("registrations.date"), DAY, None), (t("registrations.region"), None, 30),
            (t("rates.population"), WHOLE, None), (t("registrations.total"), WHOLE, None),
            (t("rates.per_inhabitants"), DECIMAL, None),
            *[(t("xlsx.family_rate", family=family), DECIMAL, None) for family in families]],
            [[found.shown.as_of, names.region(r.region), r.population, r.total, r.rate,
              *r.family_rates] for r in rows if r.reported]))
    findings = surveys.findings(data)
    if findings is not None:
        code = lang.code
        places = [(study, names.region(reg.NATIONAL), study.estimates)
                  for study in findings.studies]
        places += [(findings.latest, names.region(p.region), p.estimates)
                   for p in findings.regions]
        out.append(Sheet("surveys", [
            (t("surveys.study"), None, 50), (t("surveys.fieldwork_end"), DAY, None),
            (t("surveys.area"), None, 30), (t("surveys.question"), None, 50),
            (t("surveys.answer"), None, 24), (t("surveys.estimate"), SHARE, None),
            (t("surveys.low"), SHARE, None), (t("surveys.high"), SHARE, None),
            (t("surveys.respondents"), WHOLE, None)],
            [[surveys.name(study.title, code), study.end, area,
              surveys.name(q.question, code), surveys.name(q.answer, code),
              e.value, e.low, e.high, e.respondents]
             for study, area, estimates in places
             for q, e in zip(findings.questions, estimates, strict=True) if e is not None]))
    return out


def after_monitoring(data: ReportData, lang: Language, names: Names) -> list[Sheet]:
    t, out = lang.t, []
    bands = {band: t(f"index.band_{band.replace(' ', '_')}")
             for band in monitoring_index.INDEX_BANDS}
    scores = monitoring_index.monitoring_index(data)
    if scores:
        out.append(Sheet("index", [
            (t("xlsx.round"), "0", None), (t("index.region"), None, 30),
            (t("index.value"), DECIMAL, None), (t("index.band"), None, None),
            (t("xlsx.items_scored"), "0", None), (t("xlsx.items_total"), "0", None),
            (t("index.change"), DECIMAL, None)],
            [[r.round, names.region(r.region), r.value,
              bands.get(r.band, "") if r.value is not None else t("index.not_reported"),
              r.scored, r.total, r.change] for r in scores]))
    counts = watch.count_warnings(data)
    forecasts = watch.forecasts(data)
    gaps = watch.forecast_gaps(data)
    if not (counts or forecasts or gaps):
        return out  # the page has no "what to watch" either
    levels = {level: t(f"watch.level_{level}") for level in watch.WATCH_LEVELS}
    out.append(Sheet("improbable", [
        (t("xlsx.round"), "0", None), (t("watch.region"), None, 30),
        (t("watch.indicator"), None, 40), (t("watch.value"), WHOLE, None),
        (t("watch.expected"), DECIMAL, None), (t("watch.probability"), "0.000", None),
        (t("watch.level"), None, None), (t("watch.fixed_rule"), None, None)],
        [[r.round, names.region(r.region), names.indicator(r.indicator), r.value, r.expected,
          r.p_value, levels.get(r.level, r.level), lang.yes_no(r.fixed)] for r in counts]))
    models = {m: t(f"watch.model_{m}") for m in ("naive", "drift", "growth", "pooled_growth",
                                                 "ets")}
    partial = reg.partial_origins(data, {f.origin for f in forecasts if f.level == "national"}
                                  | {g.origin for g in gaps})
    rows = []
    for f in forecasts:
        where = names.region(reg.NATIONAL) if f.level == "national" else names.unit(f.unit)
        words = partial.get(f.origin) if f.level == "national" else None
        for p in f.ahead:
            values = [None] * 7 if words else [f.last, p.forecast, p.lo80, p.hi80, p.lo95,
                                                  p.hi95, f.mase]
            rows.append([where, names.family(f.family), f.origin, p.target, *values,
                         models.get(f.model, f.model),
                         names.coverage(words) if words else ""])
    for g in gaps:
        words = partial.get(g.origin)
        rows.append([names.region(reg.NATIONAL), names.family(g.family), g.origin, None,
                     None if words else g.last, *[None] * 6, "",
                     names.coverage(words) if words else t("xlsx.no_forecast")])
    out.append(Sheet("forecasts", [
        (t("watch.region"), None, 30), (t("watch.family"), None, 24),
        (t("xlsx.origin"), DAY, None), (t("xlsx.target"), DAY, None),
        (t("watch.last"), WHOLE, None), (t("xlsx.forecast"), WHOLE, None),
        (t("xlsx.low_narrow"), WHOLE, None), (t("xlsx.high_narrow"), WHOLE, None),
        (t("xlsx.low_wide"), WHOLE, None), (t("xlsx.high_wide"), WHOLE, None),
        (t("xlsx.mase"), "0.00", None), (t("watch.model"), None, 24),
        (t("xlsx.note"), None, 50)], rows))
    return out
