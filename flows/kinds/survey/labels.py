"""What labels say: age groups written as ranges, and labels that read as "no answer".

Age groups: a file may give age as groups, in text or as codes whose value labels are ranges
("18-29", "60+", "60 и старше", R's "(19,39]"). A group is published under a normalised name
("18-29", "60+") and must lie within the ages the registry gives the study.

Missing-like labels: "don't know", "hard to say", "refused", "no answer" in Kazakh, Russian or
English. A code so labelled that the file does not declare missing would silently enter the
base of every proportion; flows/kinds/survey/codebook.py says so (or refuses the file).
"""

from __future__ import annotations

import re

from ahual.flows.reading.vocabulary import normalise_key, normalise_label

_DASH = r"[-\u2010-\u2015\u2212]"
_YEARS = r"(?:\s*(?:years?|yrs|y\.?o\.?|лет|года?|жас|жыл))?"
_RANGE = re.compile(rf"^(\d{{1,3}}){_YEARS}\s*{_DASH}\s*(\d{{1,3}}){_YEARS}\.?$")
_PLUS = re.compile(
    rf"^(\d{{1,3}}){_YEARS}\s*(?:\+|and (?:over|older|above)|or (?:over|older)|"
    r"и (?:старше|более)|(?:және|жастан) (?:одан )?(?:жоғары|үлкен|асқан)|жоғары)$")
_INTERVAL = re.compile(r"^([\(\[])\s*(-?\d{1,3}|-inf)\s*,\s*(\d{1,3}|inf)\s*([\)\]])$")


def age_range(label: str) -> tuple[int, int | None] | None:
    """(lowest, highest or None for open-ended) ages of an age-group label; None if the label
    is not an age range."""
    text = " ".join(normalise_key(label).casefold().split())
    if found := _RANGE.match(text):
        low, high = int(found[1]), int(found[2])
        return (low, high) if low <= high else None
    if found := _PLUS.match(text):
        return int(found[1]), None
    if found := _INTERVAL.match(text):
        opening, low, high, closing = found.groups()
        low = 0 if low == "-inf" else int(low) + (opening == "(")
        high = None if high == "inf" else int(high) - (closing == ")")
        return (max(low, 0), high) if high is None or low <= high else None
    return None


def age_group_name(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def year_groups(groups: dict[str, list[int]], age_min: int, age_max: int
                ) -> list[tuple[str, int, int]]:
    """The contract's age groups (name -> [low, high]) fitted to a study's ages: groups outside
    them dropped, the youngest opened down to age_min, the oldest closed at age_max (an
    open-ended group such as "60+" keeps its name). [(name, low, high)] in order."""
    fitted = []
    ordered = sorted(groups.items(), key=lambda g: g[1][0])
    for i, (name, (low, high)) in enumerate(ordered):
        if i == 0:
            low = min(low, age_min)
        if high < age_min or low > age_max:
            continue
        low, top = max(low, age_min), min(high, age_max)
        open_ended = name.endswith("+") and high <= age_max  # not cut short by the study
        fitted.append((f"{low}+" if open_ended else f"{low}-{top}", low, top))
    return fitted


_MISSING_PHRASES = [
    # en
    "don't know", "do not know", "dont know", "not sure", "hard to say", "difficult to say",
    "can't say", "cannot say", "refused", "refusal", "refuse", "refuse to answer",
    "no answer", "not answered", "declined", "decline to answer", "prefer not to say",
    "no response", "not stated",
    # ru
    "не знаю", "затрудняюсь ответить", "затрудняюсь", "трудно сказать", "трудно ответить",
    "отказ", "отказ от ответа", "отказался", "отказалась", "отказался отвечать",
    "нет ответа", "без ответа", "не ответил", "не ответила", "не указано",
    # kk
    "білмеймін", "жауап беру қиын", "айту қиын", "жауап беруге қиналамын", "қиналамын",
    "жауап беруден бас тартты", "бас тартты", "бас тарту", "жауап жоқ", "жауапсыз",
]
_MISSING_WHOLE = {"dk", "na", "n/a", "dk/na", "dk na", "rf", "нз", "но"}
_PHRASES = {normalise_label(p) for p in _MISSING_PHRASES}


def reads_as_missing(label: str) -> bool:
    """Whether a label says the respondent gave no substantive answer."""
    text = normalise_label(label)
    if not text:
        return False
    if text in _MISSING_WHOLE or text.replace(" ", "") in _MISSING_WHOLE:
        return True
    padded = f" {text} "
    return any(f" {phrase} " in padded for phrase in _PHRASES)
