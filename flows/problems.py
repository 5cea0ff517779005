"""What went wrong with an input, said for the analyst: the file, the row, the rule, the value."""

from __future__ import annotations

from dataclasses import asdict, dataclass


class InputRejected(Exception):
    """A whole file is refused; carries every problem found so the analyst can fix them at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.plain() for p in problems[:5]))


@dataclass(frozen=True)
class Problem:
    file: str
    rule: str
    message: str
    row: int | None = None  # spreadsheet row number: header is row 1, first data row is 2
    column: str | None = None
    value: str | None = None

    def plain(self) -> str:
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        if self.column:
            where += f", column «{self.column}»"
        return f"{where}: {self.message} (rule: {self.rule})"

    def as_dict(self) -> dict:
        return asdict(self)
