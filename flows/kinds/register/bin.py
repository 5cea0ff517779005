"""Kazakhstan's 12-digit identification numbers: the BIN of a legal entity and the IIN of a
person share one check digit (the 12th). It is the sum of the first 11 digits weighted 1..11,
mod 11; when that is 10, the weights 3..11, 1, 2 are used instead; a 10 again means the number
can have no valid check digit.

The two are told apart by their layout: a BIN's 5th digit is the kind of entity (4 resident
legal entity, 5 non-resident, 6 joint venture of individual entrepreneurs), while an IIN's
digits 1-6 are the birth date YYMMDD (so its 5th digit, the tens of the day, is 0-3) and its
7th digit the century and sex (1-6).
"""

from __future__ import annotations

import re
from datetime import date

FIRST = tuple(range(1, 12))
SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_TWELVE = re.compile(r"\d{12}")
ENTITY_TYPES = "456"
CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}


def check_digit(first_eleven: str) -> int | None:
    """The check digit of 11 digits; None when neither weighting gives one."""
    digits = [int(c) for c in first_eleven]
    for weights in (FIRST, SECOND):
        value = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if value != 10:
            return value
    return None


def has_valid_check_digit(number: str) -> bool:
    return bool(_TWELVE.fullmatch(number)) and check_digit(number[:11]) == int(number[11])


def bin_problem(number: str) -> str | None:
    """Why a text is not a legal entity's BIN (None: it is one)."""
    if not _TWELVE.fullmatch(number):
        return "a BIN has 12 digits"
    if number[4] not in ENTITY_TYPES:
        return "its 5th digit is not a kind of legal entity (4, 5 or 6)"
    if not has_valid_check_digit(number):
        return "its check digit (the 12th) is wrong"
    return None


def is_iin(text: str) -> bool:
    """Whether a text is a person's IIN: 12 digits, a birth date, a century digit, a valid check
    digit."""
    number = text.strip()
    if not _TWELVE.fullmatch(number) or number[6] not in CENTURY:
        return False
    try:
        date(CENTURY[number[6]] + int(number[:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        return False
    return has_valid_check_digit(number)


def with_check_digit(first_eleven: str) -> str | None:
    """11 digits completed with their check digit (None: they can have none); for generators."""
    digit = check_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)
