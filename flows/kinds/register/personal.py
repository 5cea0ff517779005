"""No personal data: the data bank holds legal entities only. A column whose header names a
person (a leader, a founder, a full name) or whose cells hold a person's IIN is refused with
that reason before anything of the file is kept; the refusal never repeats the values.
"""

from __future__ import annotations

import re

import pandas as pd

from ahual.flows.kinds.register.bin import is_iin
from ahual.flows.problems import PERSONAL_DATA, Problem
from ahual.flows.reading.vocabulary import normalise_label

# Words of a header that names a person (kk/ru/en), matched as the start of a word of the
# normalised header: «Руководитель», «ФИО председателя», «Жетекшінің аты-жөні», «Founder».
PERSON_WORDS = (
    "руководител", "учредител", "председател", "настоятел", "имам", "пастор", "фио",
    "ф и о", "фамили", "имя", "отчеств", "основател", "глава", "лидер", "директор",
    "жетекші", "басшы", "құрылтайшы", "төраға", "аты-жөні", "аты жөні", "тегі",
    "leader", "founder", "head", "chairman", "chairperson", "director", "imam", "pastor",
    "full name", "surname", "first name", "last name", "person", "iin", "иин", "жсн",
)
_WORD_START = re.compile(r"(?:^|[\s/_\-])(" + "|".join(map(re.escape, PERSON_WORDS)) + ")")
IIN_SAMPLE = 1000  # the cells of a column looked at for IINs: enough to find a column of them


def person_header(header: str) -> bool:
    return bool(_WORD_START.search(normalise_label(header)))


def personal_columns(table: pd.DataFrame, file_name: str, known: set[str],
                     bin_columns: set[str]) -> list[Problem]:
    """Every column of a read table that names a person (but the `known` columns, whose header
    the contract gives a meaning) or holds an IIN (`bin_columns` are the columns declared BIN:
    an IIN there is a person's number where an entity's belongs)."""
    problems = []
    for header in table.columns:
        if header not in known and person_header(str(header)):
            problems.append(Problem(
                file_name, PERSONAL_DATA,
                f"column «{header}» names a person; the data bank holds legal entities only: "
                "remove the column and send the file again", row=1, column=str(header)))
            continue
        cells = table[header].head(IIN_SAMPLE) if header not in bin_columns else table[header]
        rows = [row for row, cell in cells.items() if is_iin(str(cell))]
        if rows:
            where = ("the BIN column holds a person's IIN, not an entity's BIN"
                     if header in bin_columns else
                     f"column «{header}» holds a person's IIN (individual identification "
                     "number)")
            problems.append(Problem(
                file_name, PERSONAL_DATA,
                f"{where} in {len(rows)} row(s), the first in row {rows[0]}; the data bank "
                "holds legal entities only: remove these numbers and send the file again",
                row=rows[0], column=str(header)))
    return problems
