"""Reference data from `datasets/reference/` and the one label normaliser every input kind uses.

A region or confession may be given by code, by an official kk/ru/en name or by any alias in
`aliases.csv`; all of them resolve through `Vocabulary.resolve`, never through per-file dicts.

Besides the package's `aliases.csv`, an analyst's own aliases live in the local overlay
`AHUAL_HOME/aliases.csv` (written by `ahual aliases add`, flows/ops/aliases.py): one row per
alias with who added it, when and why. The overlay belongs to one AHUAL_HOME, so the vocabulary
is cached per overlay (its path and the SHA-256 of its bytes): pointing AHUAL_HOME elsewhere, or
adding an alias, gives the next call the vocabulary that holds then. An overlay row that
contradicts the reference (a label that already means another code, an unknown code) is refused
with the row named, never silently dropped or guessed.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from ahual.flows import resources, settings
from ahual.flows.reading import KINDS

_DROP = re.compile(r"[.,«»\"'()“”„]")
OVERLAY_NAME = "aliases.csv"  # in AHUAL_HOME
OVERLAY_COLUMNS = ("kind", "code", "alias", "lang", "who", "when", "why")


class OverlayError(ValueError):
    """The local alias overlay contradicts the reference data (names its file and row)."""
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
    overlay: dict[str, int] = field(default_factory=dict)  # normalised label -> overlay row
    # normalised label kept out on purpose (ambiguous_labels.csv) -> (the codes it could mean,
    # in the label's language the name of each): «Алматы» -> {"75": "город Алматы", ...}
    ambiguous: dict[str, dict[str, str]] = field(default_factory=dict)

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
        """A close known label, for "did you mean" in error messages; none for a label kept
        out as ambiguous (the closest spelling would be a guess between its meanings)."""
        if normalise_label(label) in self.ambiguous:
            return None
        hits = difflib.get_close_matches(normalise_label(label), self.labels, n=1, cutoff=0.75)
        return self.spelled[hits[0]] if hits else None

    def hint(self, label: str) -> str:
        """What to add to "unknown <kind> «label»": every meaning of an ambiguous label, else
        a close known label, else nothing."""
        meanings = self.ambiguous.get(normalise_label(label))
        if meanings:
            return ("; it is ambiguous: did you mean "
                    + " or ".join(f"«{name}» ({code})" for code, name in meanings.items())
                    + "?")
        close = self.suggest(label)
        return f"; did you mean «{close}»?" if close else ""


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


def overlay_file() -> Path:
    """The local alias overlay of the current AHUAL_HOME (it may not exist)."""
    return settings.home().root / OVERLAY_NAME


def read_overlay(path: Path | None = None) -> pd.DataFrame:
    """The overlay's rows (every column text; no rows when there is no overlay)."""
    path = overlay_file() if path is None else path
    if not path.exists():
        return pd.DataFrame(columns=list(OVERLAY_COLUMNS))
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("kind", "code", "alias") if c not in table.columns]
    if missing:
        raise OverlayError(f"{path}: no column {', '.join(missing)} (expected "
                           f"{', '.join(OVERLAY_COLUMNS)})")
    for column in OVERLAY_COLUMNS:
        if column not in table.columns:
            table[column] = ""
    return table


def overlay_sha256(path: Path | None = None) -> str | None:
    """SHA-256 of the overlay's bytes (None: there is no overlay)."""
    path = overlay_file() if path is None else path
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def vocabulary(kind: str) -> Vocabulary:
    """The label vocabulary for `region`, `confession`, `indicator` or `agency`: codes,
    official names, abbreviations, the reference aliases and the local overlay's aliases."""
    path = overlay_file()
    return _with_overlay(kind, str(path), overlay_sha256(path))


@cache
def _with_overlay(kind: str, path: str, sha256: str | None) -> Vocabulary:
    """The reference vocabulary plus the overlay at `path` as it was when it had `sha256`
    (the cache key: a changed overlay is another entry)."""
    base = reference_vocabulary(kind)
    if sha256 is None:
        return base
    vocab = Vocabulary(kind, set(base.codes), dict(base.labels), dict(base.spelled),
                       ambiguous=base.ambiguous)
    overlay = read_overlay(Path(path))
    for row_no, row in enumerate(overlay.itertuples(index=False), start=2):
        if row.kind not in KINDS:
            raise OverlayError(f"{path}, row {row_no}: kind «{row.kind}» has no vocabulary "
                               f"(one of {', '.join(KINDS)})")
        if row.kind != kind:
            continue
        if row.code not in vocab.codes:
            raise OverlayError(f"{path}, row {row_no}: «{row.alias}» -> {row.code}: no "
                               f"{kind} has code {row.code}")
        try:
            vocab.add(row.alias, row.code)
        except ValueError as error:
            raise OverlayError(f"{path}, row {row_no}: {error}") from error
        vocab.overlay[normalise_label(row.alias)] = row_no
    return vocab


@cache
def reference_vocabulary(kind: str) -> Vocabulary:
    """The vocabulary of the package's reference data alone (no local overlay)."""
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
    named = table.set_index(code_column)
    ambiguous = _read("ambiguous_labels.csv")
    for row in ambiguous.loc[ambiguous["kind"] == kind].itertuples(index=False):
        language = _language(row.label)
        vocab.ambiguous[normalise_label(row.label)] = {
            code: named.at[code, f"name_{language}"] if code in named.index else code
            for code in row.could_mean.replace(" or ", " ").split()}
    return vocab


def _language(label: str) -> str:
    """The language of a label, to name the meanings of an ambiguous one alike."""
    if re.search("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]", label):
        return "kk"
    return "ru" if re.search("[а-яА-ЯёЁ]", label) else "en"
