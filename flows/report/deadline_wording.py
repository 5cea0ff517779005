"""The plan's deadlines as it words them in Kazakh («2008 жылдың I тоқсаны», «Жыл сайын 20
қаңтарға және 20 шілдеге»), read into a `Deadline` that names.py words in any language; a
wording not recognised stays as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    """A measure's deadline as the plan states it, to be worded in any language.

    kind: half_yearly (every year by 20 January and 20 July), yearly (by 20 January), quarterly
    (every quarter of year..year_to), quarter, quarter_unknown (measure 23: the plan prints no
    quarter), month, date, or printed (a wording not recognised: shown as the plan prints it).
    """
    kind: str
    year: int | None = None
    year_to: int | None = None
    quarter: int | None = None
    month: int | None = None
    day: int | None = None
    printed: str = ""  # the plan's Kazakh wording


KK_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан")
_DEADLINES = (
    ("half_yearly", r"жыл сайын 20 қаңтарға және 20 шілде(ге|де)"),
    ("yearly", r"жыл сайын 20 қаңтарға"),
    ("quarterly", r"(?P<year>\d{4})\s*-\s*(?P<year_to>\d{4}) жылдар(ы)? тоқсан сайын"),
    ("quarter", r"(?P<year>\d{4}) жылдың (?P<roman>I{1,3}|IV) тоқсаны"),
    ("quarter_unknown", r"(?P<year>\d{4}) жылдың тоқсаны"),
    ("date", r"(?P<year>\d{4}) жылғы (?P<day>\d{1,2}) (?P<month>\w+)"),
    ("month", r"(?P<year>\d{4}) жылғы (?P<month>\w+)"),
)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def deadline(printed_kk: str) -> Deadline:
    """Read the plan's Kazakh deadline («2008 жылдың I тоқсаны», «Жыл сайын 20 қаңтарға және 20
    шілдеге») into a Deadline; anything else stays `printed`."""
    text = " ".join(printed_kk.split())
    for kind, pattern in _DEADLINES:
        match = re.fullmatch(pattern, text, flags=re.IGNORECASE)
        if not match:
            continue
        found = match.groupdict()
        month = found.get("month")
        if month is not None:
            if month.lower() not in KK_MONTHS:
                continue
            month = KK_MONTHS.index(month.lower()) + 1
        return Deadline(kind, year=int(found["year"]) if found.get("year") else None,
                        year_to=int(found["year_to"]) if found.get("year_to") else None,
                        quarter=_ROMAN.get(found.get("roman") or ""), month=month,
                        day=int(found["day"]) if found.get("day") else None, printed=text)
    return Deadline("printed", printed=text)
