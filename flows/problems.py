"""What went wrong, said for the analyst: the file, the row, the rule, the value.

Three kinds of "no": a usage error (the command itself is wrong: exit 2, nothing runs), a
rejected input (a file breaks its rules: quarantined, exit 1) and a refused build (the marts
would break theirs: nothing is published, exit 1).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def shown(text: object, limit: int = 200) -> str:
    """Text from a file or a file name, safe to print on one line: control characters (a
    newline in a file name could forge lines of reason.txt) become visible escapes, format
    characters (zero-width spaces, direction marks) too, and long text is cut."""
    text = _UNSAFE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), str(text))
    text = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cf" else c for c in text)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text) - limit} more)"


class UsageError(ValueError):
    """The command cannot be right whatever the files hold: exit 2 before anything runs."""


class InputRejected(Exception):
    """A whole file is refused; carries every problem found so the analyst can fix them at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.plain() for p in problems[:5]))


# The rule of a file that holds personal data (a person's name or IIN where a kind takes legal
# entities only): the gate refuses it and keeps none of its bytes, not even in quarantine.
PERSONAL_DATA = "no personal data"


@dataclass(frozen=True)
class Problem:
    file: str
    rule: str
    message: str
    row: int | None = None  # spreadsheet row number: header is row 1, first data row is 2
    column: str | None = None
    value: str | None = None

    def plain(self) -> str:
        where = shown(self.file) if self.row is None else f"{shown(self.file)}, row {self.row}"
        if self.column:
            where += f", column «{shown(self.column, 80)}»"
        return f"{where}: {shown(self.message, 500)} (rule: {self.rule})"

    def as_dict(self) -> dict:
        return asdict(self)


class BuildRefused(Exception):
    """The marts built from what is loaded break a rule of their suites: nothing is published.

    `problems` name the mart, the rule and the first offending rows; `batches` are the loads
    of this run the build was made with (where the cause is to be found)."""

    def __init__(self, problems: list[Problem], batches: list[str] | None = None):
        self.problems = problems
        self.batches = batches or []
        super().__init__("; ".join(p.plain() for p in problems[:5]))
