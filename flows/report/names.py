"""Every code the report shows, by its name in the report's language: agencies, regions,
indicators, kinds of output, targets and measures (from the reference data the ReportData
carries), statuses, funding kinds and units (from the labels).

Where the reference data has no text in the language, the report says so instead of inventing
one: a measure's title has no Russian, so a Russian report shows the programme's Kazakh title
marked as such (`Name.marked`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ahual.flows.report.data import ReportData, as_int, as_text, records
from ahual.flows.report.deadline_wording import Deadline
from ahual.flows.report.language import ROMAN, Language
from ahual.flows.report.sections.not_reported import Missing
from ahual.flows.report.sections.registrations import Coverage


@dataclass(frozen=True)
class Name:
    text: str
    lang: str  # the language the text is in
    marked: bool = False  # not in the report's language (no translation in the reference data)
    note: str = ""  # the programme's own wording, where it adds to the name


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class Names:
    def __init__(self, data: ReportData, lang: Language):
        self.data, self.lang = data, lang

    def _lookup(self, frame, key: str) -> dict[str, dict]:
        return {as_text(row.get(key)): row for row in records(frame)}

    def _name(self, rows: dict[str, dict], code: str, prefix: str = "name_") -> str:
        row = rows.get(code) or {}
        for lang in (self.lang.code, "en", "kk", "ru"):  # a missing cell never leaves a hole
            text = as_text(row.get(prefix + lang))
            if text.strip():
                return text
        return code

    @cached_property
    def _agencies(self):
        return self._lookup(self.data.agencies, "agency_code")

    @cached_property
    def _regions(self):
        return self._lookup(self.data.regions, "region_code")

    @cached_property
    def _indicators(self):
        return self._lookup(self.data.indicators, "indicator_code")

    @cached_property
    def _families(self):
        return self._lookup(self.data.families, "family_code")

    @cached_property
    def _outputs(self):
        return self._lookup(self.data.output_kinds, "output_kind")

    @cached_property
    def _targets(self):
        return self._lookup(self.data.targets, "target_code")

    @cached_property
    def _measures(self):
        return {as_int(row.get("measure_no")): row for row in records(self.data.measures)}

    def agency(self, code: str) -> str:
        return capitalised(self._name(self._agencies, code))

    def agencies(self, codes) -> list[str]:
        return [self.agency(code) for code in codes]

    def region(self, code: str) -> str:
        return self._name(self._regions, code)

    def unit(self, code: str) -> str:
        """A unit of marts.association_forecasts: a region, or regions summed ('61+79')."""
        return " + ".join(self.region(part) for part in code.split("+"))

    def family(self, code: str) -> str:
        return self._name(self._families, code)

    def indicator(self, code: str) -> str:
        return self._name(self._indicators, code)

    def output(self, kind: str) -> str:
        return capitalised(self._name(self._outputs, kind))

    def target(self, code: str) -> Name:
        """en: the programme's target in our English; kk and ru: the kind of output it counts
        (or the label for studies and rounds), kk with the programme's wording beside it."""
        lang = self.lang.code
        row = self._targets.get(code) or {}
        if lang == "en" and as_text(row.get("description_en")):
            return Name(capitalised(as_text(row.get("description_en"))), lang)
        if code in self._outputs:
            text = self.output(code)
        else:
            try:
                text = self.lang.t(f"target.{code}")
            except KeyError:
                text = capitalised(self._name(self._targets, code, "description_"))
        note = capitalised(as_text(row.get("description_kk"))) if lang == "kk" else ""
        return Name(text, lang, note=note)

    def measure(self, no: int) -> Name:
        row = self._measures.get(no) or {}
        own = as_text(row.get(f"title_{self.lang.code}"))
        if own:
            return Name(own, self.lang.code)
        for lang in ("kk", "en"):
            text = as_text(row.get(f"title_{lang}"))
            if text:
                return Name(text, lang, marked=True)
        return Name("", self.lang.code)

    def deadline(self, deadline: Deadline) -> Name:
        if deadline.kind == "printed":
            if not deadline.printed:
                return Name("", self.lang.code)
            return Name(deadline.printed, "kk", marked=self.lang.code != "kk")
        month = deadline.month
        text = self.lang.t(
            f"deadline.{deadline.kind}", year=deadline.year, year_to=deadline.year_to,
            quarter=deadline.quarter, quarter_roman=ROMAN.get(deadline.quarter or 0, ""),
            day=deadline.day, month=self.lang.month(month) if month else "",
            month_genitive=self.lang.month(month, genitive=True) if month else "")
        return Name(text, self.lang.code)

    def missing(self, row: Missing) -> tuple[str, str, str]:
        """Who has not reported, by kind and name, and which report is missing."""
        t = self.lang.t
        if row.kind == "agency":
            who, name = t("not_reported.agency"), self.agency(row.code)
        else:
            who, name = t("not_reported.region"), self.region(row.code)
        if row.missing == "progress":
            what = t("not_reported.progress", period=self.lang.period(self.data.period))
        elif row.missing == "monitoring":
            what = t("not_reported.monitoring", round=row.round)
        else:
            what = t("not_reported.registrations", date=self.lang.date(row.due))
        return who, name, what

    def coverage(self, row: Coverage) -> str:
        """Who reported for a date, in words: "15 of 16 regions reported; no national figure.
        Not reported: ..." (never a number where the figure is partial)."""
        t = self.lang.t
        values = {"reported": self.lang.number(row.reported),
                  "expected": self.lang.number(row.expected),
                  "missing": self.lang.join(self.region(code) for code in row.missing)}
        if row.partial:
            return t("coverage.partial", **values)
        if row.source == "national report" and row.missing:
            return t("coverage.national_report", **values)
        if row.source == "national report":
            return t("coverage.national_and_all", **values)
        return t("coverage.all_regions", **values)
