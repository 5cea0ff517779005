"""Reference data from `datasets/reference/` and the one label normaliser every input kind uses.

A region or confession may be given by code, by an official kk/ru/en name or by any alias in
`aliases.csv`; all of them resolve through `Vocabulary.resolve`, never through per-file dicts.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from ahual import resources

_DROP = re.compile(r"[.,«»\"'()“”„]")
_SPACE = re.compile(r"\s+")


def normalise_key(text: str) -> str:
    """The one form of a text key (an id, a code, a label) wherever keys are compared: Unicode
    NFKC, format characters (zero-width spaces, direction marks, BOMs) removed, outer spaces
    trimmed. Two ids that differ only by an invisible character are one id."""
    text = unicodedata.normalize("NFKC", str(text))
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


def normalise_label(text: str) -> str:
    """Fold a label for matching: case, ё/е, punctuation and spacing do not matter."""
    text = _DROP.sub(" ", normalise_key(text).casefold().replace("ё", "е"))
    return _SPACE.sub(" ", text).strip()


@dataclass
class Vocabulary:
    """Labels of one kind (regions or confessions) mapped to codes."""

    kind: str
    codes: set[str]
    labels: dict[str, str] = field(default_factory=dict)  # normalised label -> code
    spelled: dict[str, str] = field(default_factory=dict)  # normalised label -> as written

    def add(self, label: str, code: str) -> None:
        key = normalise_label(label)
        if not key:
            return
        known = self.labels.get(key)
        if known is not None and known != code:
            raise ValueError(f"{self.kind} label «{label}» means both {known} and {code}")
        self.labels[key] = code
        self.spelled.setdefault(key, str(label).strip())

    def resolve(self, label: str) -> str | None:
        text = normalise_key(label)
        if text in self.codes:
            return text
        return self.labels.get(normalise_label(text))

    def codes_of(self, labels: pd.Series) -> pd.Series:
        """`resolve` for a whole column: labels repeat down a sheet, so each distinct one is
        looked up once."""
        return labels.map({label: self.resolve(label) for label in labels.dropna().unique()})

    def suggest(self, label: str) -> str | None:
        """A close known label, for "did you mean" in error messages."""
        hits = difflib.get_close_matches(normalise_label(label), self.labels, n=1, cutoff=0.75)
        return self.spelled[hits[0]] if hits else None


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(resources.reference() / name, dtype=str, keep_default_na=False)


@cache
def regions() -> pd.DataFrame:
    return _read("regions.csv")


@cache
def confessions() -> pd.DataFrame:
    return _read("confessions.csv")


@cache
def indicators() -> pd.DataFrame:
    return _read("indicators.csv")


@cache
def monitoring_rounds() -> pd.DataFrame:
    return _read("monitoring_rounds.csv")


@cache
def agencies() -> pd.DataFrame:
    return _read("programme/agencies.csv")


@cache
def vocabulary(kind: str) -> Vocabulary:
    """The label vocabulary for `region`, `confession`, `indicator` or `agency`: codes,
    official names, abbreviations and aliases."""
    table, code_column = {"region": (regions(), "region_code"),
                          "confession": (confessions(), "confession_code"),
                          "indicator": (indicators(), "indicator_code"),
                          "agency": (agencies(), "agency_code")}[kind]
    vocab = Vocabulary(kind, set(table[code_column]))
    for row in table.itertuples(index=False):
        code = getattr(row, code_column)
        vocab.add(code, code)
        for column in ("name_kk", "name_ru", "name_en", "abbreviation_kk"):
            if column in table:
                vocab.add(getattr(row, column), code)
    aliases = _read("aliases.csv")
    for row in aliases.loc[aliases["kind"] == kind].itertuples(index=False):
        vocab.add(row.alias, row.code)
    return vocab
