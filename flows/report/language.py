"""One language of the report: its fixed wording (labels/<code>.yaml, one reviewed file per
language with the same keys) and how it writes numbers, money, dates, periods and counts.

kk and ru write 1 234,5 (a no-break space between thousands, a decimal comma) and 31.12.2009;
en writes 1,234.5 and 2009-12-31. Every figure is rounded half up, as the workbook shows it.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml

from ahual.flows.report.data import as_date, as_number

LABELS = Path(__file__).parent / "labels"
DASH = "–"  # no figure
MINUS = "−"  # a real minus sign reads better in a table
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
PLURAL_FORMS = frozenset({"one", "few", "many", "other"})


def _russian_plural(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


# Which plural form a count takes (CLDR's rules for whole numbers). A Kazakh noun stays
# singular after a numeral, so Kazakh has one form.
PLURAL_RULES = {
    "kk": lambda n: "other",
    "ru": _russian_plural,
    "en": lambda n: "one" if n == 1 else "other",
}


class MissingLabel(KeyError):
    pass


@cache
def labels(code: str) -> dict:
    """labels/<code>.yaml as a nested dict (read once per process)."""
    return yaml.safe_load((LABELS / f"{code}.yaml").read_text(encoding="utf-8"))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Language:
    code: str  # kk | ru | en

    @classmethod
    def of(cls, code: str) -> Language:
        if code not in PLURAL_RULES:
            raise ValueError(f"the report has no language {code!r} (kk, ru, en)")
        return cls(code)

    # --- labels ---------------------------------------------------------------------------------

    def label(self, key: str):
        node = labels(self.code)
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise MissingLabel(f"labels/{self.code}.yaml has no {key!r}")
            node = node[part]
        return node

    def t(self, key: str, **values) -> str:
        """The label `key` ("section.budget"), its {placeholders} filled in."""
        text = self.label(key)
        if not isinstance(text, str):
            raise MissingLabel(f"labels/{self.code}.yaml: {key!r} is not a text")
        return text.format(**values) if values else text

    def count(self, key: str, n: int | float | None) -> str:
        """A counted phrase in the form the number takes: «5 мероприятий», «1 measure»."""
        forms = self.label(f"count.{key}")
        whole = int(n or 0)
        form = PLURAL_RULES[self.code](whole)
        return forms.get(form, forms.get("other", "")).format(n=self.number(whole))

    def status(self, code: str | None) -> str:
        return self.t("status." + (code or "not reported").replace(" ", "_"))

    def funding(self, kind: str | None) -> str:
        return self.t("funding." + (kind or "none"))

    def unit(self, unit: str | None) -> str:
        try:
            return self.t(f"unit.{unit}") if unit else ""
        except MissingLabel:
            return unit or ""

    # --- numbers --------------------------------------------------------------------------------

    def number(self, value, decimals: int | None = None) -> str:
        """1 234,5 / 1,234.5; without `decimals`, up to 2 places and none for whole numbers."""
        value = as_number(value)
        if value is None:
            return DASH
        strip = decimals is None
        places = (0 if value == int(value) else 2) if strip else decimals
        exact = Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        text = f"{abs(exact) if exact == 0 else exact:,.{places}f}"
        if strip and "." in text:
            text = text.rstrip("0").rstrip(".")
        groups = self.t("format.thousands")
        text = text.replace(",", "\0").replace(".", self.t("format.decimal"))
        return text.replace("\0", groups).replace("-", MINUS)

    def money(self, value) -> str:
        return self.number(value, 1)

    def signed(self, value) -> str:
        value = as_number(value)
        if value is None:
            return DASH
        return ("+" if value > 0 else "") + self.number(value)

    def percent(self, part, whole) -> str:
        part, whole = as_number(part), as_number(whole)
        if part is None or not whole:
            return DASH
        return self.t("format.percent", value=self.number(100 * part / whole, 1))

    # --- dates and periods ----------------------------------------------------------------------

    def date(self, value) -> str:
        day = as_date(value)
        if day is None:
            return DASH
        return self.t("format.date", year=day.year, month=day.month, day=day.day)

    def stamp(self, moment: datetime | None) -> str:
        if moment is None:
            return DASH
        text = self.t("format.stamp", date=self.date(moment), hour=moment.hour,
                      minute=moment.minute)
        return f"{text} {moment.tzname()}" if moment.tzinfo else text

    def span(self, start: date, end: date) -> str:
        return self.t("format.range", start=self.date(start), end=self.date(end))

    def period(self, period: str) -> str:
        """2009H2 -> «2009 жылдың II жартыжылдығы», «II полугодие 2009 года», "second half of
        2009"."""
        match = re.fullmatch(r"(\d{4})H([12])", period)
        if not match:
            return period
        return self.t(f"period.half_{match[2]}", year=match[1])

    def month(self, month: int, genitive: bool = False) -> str:
        return self.label("months_genitive" if genitive else "months")[month - 1]

    def join(self, items) -> str:
        return self.t("format.list").join(items)

    def yes_no(self, value: bool) -> str:
        return self.t("format.answer_yes" if value else "format.answer_no")
