"""The study registry (`datasets/reference/studies/`, with the centre's own rows laid over it
from AHUAL_HOME/studies/: overlay.py): the studies, their questions, their default column maps
and the population margins raked to. Read with the csv module: checking `--study` must not
wait for pandas.

A study's row says how its files are to be read and estimated (README.md beside the registry
says why the defaults are what they are):

    design          simple | stratified | clustered | stratified-clustered: which design
                    columns a file must carry (DESIGN_COLUMNS)
    weights         given (the file carries design weights) | none (everyone weighs 1)
    lonely_psu      fail | remove | certainty | adjust | average: R's survey.lonely.psu
    interval        normal | t | logit | beta: how the 95% intervals are made
    age_min/max     the ages the study's population covers
    missing_labels  warn | refuse: a label reading as "don't know" that is not declared missing
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from ahual.flows.kinds.survey import overlay

DESIGN_COLUMNS = {"simple": (), "stratified": ("stratum",), "clustered": ("psu",),
                  "stratified-clustered": ("stratum", "psu")}
LONELY_RULES = ("fail", "remove", "certainty", "adjust", "average")
INTERVALS = ("normal", "t", "logit", "beta")
MISSING_LABELS = ("warn", "refuse")
# What an empty registry cell means (datasets/reference/studies/README.md says why);
# staging.stg_studies applies the same defaults.
DEFAULTS = {"lonely_psu": "adjust", "interval": "logit", "age_min": "18", "age_max": "110",
            "missing_labels": "warn", "weights": "given", "design": "simple"}


def _rows(name: str) -> list[dict[str, str]]:
    return overlay.read_rows(overlay.effective(name))[1]


def with_defaults(row: dict[str, str]) -> dict[str, str]:
    """A registry row with its empty cells filled by DEFAULTS."""
    return {**row, **{k: v for k, v in DEFAULTS.items() if not (row.get(k) or "").strip()}}


def studies() -> dict[str, dict[str, str]]:
    """study_id -> its registry row (empty cells filled with the defaults)."""
    return {row["study_id"]: with_defaults(row) for row in _rows("studies.csv")}


def check_study(study: dict[str, str]) -> list[str]:
    """What is wrong with a registry row (empty when nothing)."""
    wrong = []
    for column, allowed in (("design", tuple(DESIGN_COLUMNS)), ("lonely_psu", LONELY_RULES),
                            ("interval", INTERVALS), ("missing_labels", MISSING_LABELS),
                            ("weights", ("given", "none"))):
        if study.get(column) not in allowed:
            wrong.append(f"{column} is «{study.get(column)}», not one of {', '.join(allowed)}")
    try:
        low, high = int(study["age_min"]), int(study["age_max"])
        if not 0 <= low <= high:
            wrong.append(f"age_min {low} and age_max {high} are not a range of ages")
    except (KeyError, ValueError):
        wrong.append("age_min and age_max must be whole numbers")
    return wrong


def default_map(study_id: str) -> Path | None:
    """The study's registry column map (`maps/<study>.map.yaml`, the home's before the shipped
    one), used when a file comes with none of its own."""
    return overlay.column_map(study_id)


def study_variables() -> pd.DataFrame:
    return _frame(overlay.effective("study_variables.csv")).copy()


def population_margins(name: str) -> pd.DataFrame:
    frame = _frame(overlay.effective(f"{name}.csv")).copy()
    frame["population"] = pd.to_numeric(frame["population"])
    return frame


def _frame(path: Path) -> pd.DataFrame:
    stat = path.stat()  # a file changed since it was read is read again
    return _read_frame(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _read_frame(path: str, *_signature: int) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)
