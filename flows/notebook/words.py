"""The analyst's language in a notebook: the notebooks' own words (words.yaml, one entry per
key in kk, ru and en), and the name of every code in that language; numbers, dates, periods,
statuses and units are written as the report writes them (flows/report/labels/).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from ahual.flows import resources
from ahual.flows.kinds.survey.registry import study_variables
from ahual.flows.notebook.published import query
from ahual.flows.report.language import Language
from ahual.warehouse import store

LANGUAGES = ("kk", "ru", "en")

# The notebooks' own wording, one entry per key in kk, ru and en ({name} is filled in).
WORDS: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).with_name("words.yaml")).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Words:
    """A notebook's words in one language: `words("key", name=...)`, the names of codes
    (`words.names("region")`), and numbers, dates, periods and statuses as the report writes
    them in that language."""

    code: str  # kk | ru | en

    def __post_init__(self) -> None:
        if self.code not in LANGUAGES:
            raise ValueError(f"LANG must be one of {', '.join(LANGUAGES)}, not {self.code!r}")

    def __call__(self, key: str, **values) -> str:
        if key not in WORDS:
            raise KeyError(f"ahual.flows.notebook.WORDS has no {key!r}")
        text = WORDS[key][self.code]
        return text.format(**values) if values else text

    @cached_property
    def report(self) -> Language:
        return Language.of(self.code)

    def names(self, kind: str) -> pd.Series:
        """The name of every code of a kind in this language, a Series indexed by code: region,
        confession (families too), indicator, agency, study, question, measure, target."""
        return names(kind, self.code)

    def number(self, value, decimals: int | None = None) -> str:
        return self.report.number(value, decimals)

    def percent(self, share, decimals: int = 0) -> str:
        """0.804 -> «80 %» (kk, ru) or "80 %" (en), as the report writes a percentage."""
        if share is None or pd.isna(share):
            return "–"
        return self.report.t("format.percent", value=self.number(100 * share, decimals))

    def interval(self, low, high, decimals: int = 0) -> str:
        """An interval of shares: «58–80 %»."""
        if pd.isna(low) or pd.isna(high):
            return "–"
        return self.report.t("format.percent", value=f"{self.number(100 * low, decimals)}–"
                                                     f"{self.number(100 * high, decimals)}")

    def date(self, value) -> str:
        return self.report.date(value)

    def period(self, period: str) -> str:
        return self.report.period(period)

    def status(self, code: str | None) -> str:
        """A status in this language: the report's (done, behind, not reported ...) or the
        monitoring sheets' (complete, incomplete)."""
        if f"status_{code}" in WORDS:
            return self(f"status_{code}")
        return self.report.status(code)

    def unit(self, unit: str | None) -> str:
        return self.report.unit(unit)

    def round(self, number: int, year: int) -> str:
        return self("round", round=int(number), year=int(year))

    def domain(self, domain: str) -> str:
        """A survey estimate's domain: national, sex=female, age_group=60+ ... (regions by
        `names("region")`)."""
        if domain in WORDS:
            return self(domain)
        kind, _, value = domain.partition("=")
        if kind == "age_group":
            if value.endswith("+"):
                return self("age_and_over", value=value[:-1])
            return self("age", value=value.replace("-", "–"))
        if kind == "region":
            return self.names("region").get(value, value)
        return domain


# their names are in the warehouse: warehouse/queries/notebook_names.sql
_NAMED_IN_THE_WAREHOUSE = {"region", "confession", "indicator", "agency", "study", "measure"}


def _name_table(kind: str) -> pd.DataFrame:
    if kind in _NAMED_IN_THE_WAREHOUSE:
        names = query(store.query("notebook_names"))
        return names[names["kind"] == kind].drop(columns="kind").reset_index(drop=True)
    if kind == "question":  # the same question keeps its wording across studies
        table = study_variables().drop_duplicates("variable")
        return table.rename(columns={"variable": "code", "question_kk": "kk",
                                     "question_ru": "ru", "question_en": "en"})
    if kind == "target":  # the kinds of output agencies report; studies and rounds from labels
        rows = [(code, kk, ru, en)
                for code, (en, ru, kk) in resources.contract("progress")["outputs"].items()]
        for code in ("sociological_studies", "monitoring_rounds"):
            rows.append((code, *(Language.of(lang).t(f"target.{code}")
                                 for lang in ("kk", "ru", "en"))))
        table = pd.DataFrame(rows, columns=["code", "kk", "ru", "en"])
        for lang in ("kk", "ru", "en"):
            table[lang] = table[lang].str[:1].str.upper() + table[lang].str[1:]
        return table
    raise ValueError(f"no names of {kind!r}: region, confession, indicator, agency, study, "
                     "question, measure or target")


def names(kind: str, lang: str) -> pd.Series:
    """`Words.names`: code -> name in `lang`; where the reference data has no text in it, the
    Kazakh text marked as such (measures in Russian), else the English one."""
    if lang not in LANGUAGES:
        raise ValueError(f"LANG must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    table = _name_table(kind).set_index("code")
    marker = Language.of(lang).t("marker.untranslated")
    fallback = (table["kk"] + " " + marker).where(table["kk"].notna(), table["en"])
    named = table[lang].where(table[lang].notna() & (table[lang].astype(str).str.strip() != ""),
                              fallback)
    return named.rename(kind)
