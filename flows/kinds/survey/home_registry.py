"""The centre's study registry (AHUAL_HOME/studies/, overlay.py) checked before anything reads
it, and what the build and the snapshots read of it.

Only the centre's own rows are checked (the shipped ones are tested with the code): each file
has the columns of its registry file and one row per key; a study has an id, a design Ahual
knows, dates and whole numbers where they belong, margins it can be raked to; every other row
names a study the registry has; a column map reads as one. A problem names the file, the row
and the rule, like a refused input.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ahual.flows.kinds.survey import overlay
from ahual.flows.kinds.survey.columns import read_map
from ahual.flows.kinds.survey.registry import check_study, with_defaults
from ahual.flows.problems import InputRejected, Problem

STUDY_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
# Files whose rows may leave study_id empty: the row then holds for every study.
ANY_STUDY = ("numeric_variables.csv", "crosstabs.csv")


def check(folder: Path | None = None) -> list[Problem]:
    """What is wrong with the centre's registry in `folder` (default: the home's), each problem
    named by its file in the home."""
    folder = overlay.home_folder() if folder is None else folder
    shown_in = overlay.home_folder()
    problems: list[Problem] = []
    home: dict[str, list[dict[str, str]]] = {}
    for path in sorted(folder.glob("*.csv")):
        if path.name != overlay.CHANGES:
            home[path.name] = file_rows(path, shown_in / path.name, problems)
    studies = {r["study_id"] for r in overlay.merged("studies.csv", home.get("studies.csv", []))}
    margins = {p.stem for p in overlay.shipped_folder().glob("*.csv")
               if p.name not in overlay.KEYS} | {n[:-4] for n in home if n not in overlay.KEYS}
    for name, rows in home.items():
        where = str(shown_in / name)
        for number, row in enumerate(rows, start=2):
            if name == "studies.csv":
                problems += _study_problems(where, number, row, margins)
            elif name in overlay.KEYS:
                study = row.get("study_id", "")
                if study not in studies and not (study == "" and name in ANY_STUDY):
                    problems.append(Problem(where, "known study", f"study «{study}» is not in "
                                            "the registry (studies.csv)", row=number,
                                            column="study_id", value=study))
            elif not re.fullmatch(r"\d+", row.get("population", "")):
                problems.append(Problem(where, "whole numbers", "population must be a whole "
                                        "number of people", row=number, column="population",
                                        value=row.get("population")))
    for path in sorted((folder / "maps").glob(f"*{overlay.MAP_SUFFIX}")):
        where = str(shown_in / "maps" / path.name)
        study = path.name.removesuffix(overlay.MAP_SUFFIX)
        if study not in studies:
            problems.append(Problem(where, "known study", f"a column map of study «{study}», "
                                    "which is not in the registry (studies.csv)"))
        try:
            read_map(path)
        except InputRejected as refused:
            problems += [Problem(where, p.rule, p.message) for p in refused.problems]
    return problems


def file_rows(path: Path, shown: Path, problems: list[Problem]) -> list[dict[str, str]]:
    """The rows of one of the centre's files, after checking its columns and keys."""
    header, rows = overlay.read_rows(path)
    expected = overlay.columns_of(path.name)
    unknown = [c for c in header if c not in expected]
    missing = [c for c in overlay.key_of(path.name) + ("population",) * (
        path.name not in overlay.KEYS) if c not in header]
    if unknown or missing:
        problems.append(Problem(str(shown), "registry columns", (
            f"no column {', '.join(missing)}; " if missing else "") + (
            f"unknown column(s) {', '.join(unknown)}; " if unknown else "")
            + f"the columns are {', '.join(expected)}"))
        return []
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=2):
        key = tuple(row.get(k, "") for k in overlay.key_of(path.name))
        if key in seen:
            problems.append(Problem(str(shown), "one row per key", f"the same "
                                    f"{', '.join(overlay.key_of(path.name))} as row "
                                    f"{seen[key]}", row=number, value=" / ".join(key)))
        seen.setdefault(key, number)
    return rows


def _study_problems(where: str, number: int, row: dict[str, str],
                    margins: set[str]) -> list[Problem]:
    found = []

    def wrong(rule: str, message: str, column: str | None = None) -> None:
        found.append(Problem(where, rule, message, row=number, column=column,
                             value=row.get(column) if column else None))

    if not STUDY_ID.fullmatch(row.get("study_id", "")):
        wrong("study id", "a study id is a letter then up to 31 letters, digits, _ or -",
              "study_id")
    if not row.get("title_en") and not row.get("title_kk") and not row.get("title_ru"):
        wrong("study named", "give the study's title (title_kk, title_ru or title_en)")
    for message in check_study(with_defaults(row)):
        wrong("study design", message)
    dates = {}
    for column in ("fieldwork_start", "fieldwork_end"):
        try:
            dates[column] = date.fromisoformat(row.get(column, ""))
        except ValueError:
            wrong("dates", "a date is written YYYY-MM-DD", column)
    if len(dates) == 2 and dates["fieldwork_start"] > dates["fieldwork_end"]:
        wrong("dates", "fieldwork ends before it starts", "fieldwork_end")
    if row.get("planned_n") and not row["planned_n"].isdigit():
        wrong("whole numbers", "planned_n is a whole number of respondents", "planned_n")
    if row.get("rake_to") and row["rake_to"] not in margins:
        wrong("margins exist", f"no margins table {row['rake_to']}.csv in the registry "
              "(the shipped one or AHUAL_HOME/studies/)", "rake_to")
    if row.get("made_up", "") not in ("", "yes", "no"):
        wrong("made up", "made_up is yes or no", "made_up")
    return found

