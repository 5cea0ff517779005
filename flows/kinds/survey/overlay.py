"""The centre's own study registry: AHUAL_HOME/studies/, laid over the one that ships.

The registry that ships (`datasets/reference/studies/`) holds the programme's demo studies; a
centre registers its own studies, corrects a design or adds questions without touching
installed files, in a folder of its home with the same file names:

    AHUAL_HOME/studies/studies.csv          rows of studies.csv (any subset of its files)
    AHUAL_HOME/studies/study_variables.csv  ...
    AHUAL_HOME/studies/population_2021.csv  population margins a study is raked to
    AHUAL_HOME/studies/maps/S10.map.yaml    a study's column map
    AHUAL_HOME/studies/changes.csv          who changed what, when and why (`ahual studies add`)

A home row with the key of a shipped row replaces it (KEYS); any other home row is added. The
registry as the home has it is written to AHUAL_HOME/work/studies/ (only when it changes), so
the warehouse loads it as `reference.studies_<name>` and fingerprints it by its bytes, like
the alias overlay: changing a row rebuilds what depends on it. Read with the csv module:
checking `--study` must not wait for pandas.
"""

from __future__ import annotations

import csv
import io
import os
from functools import lru_cache
from pathlib import Path

from ahual.flows import resources, settings

FOLDER = "studies"  # AHUAL_HOME/<this>/ and work/<this>/
CHANGES = "changes.csv"  # AHUAL_HOME/studies/<this>: the log of `ahual studies add`
CHANGE_COLUMNS = ("changed_at", "changed_by", "file", "added", "replaced", "sha256", "reason")
MAP_SUFFIX = ".map.yaml"
# A row's key in each registry file. Any other CSV of the folder is a table of population
# margins (the registry's `rake_to` names it), keyed by MARGIN_KEY.
KEYS = {"studies.csv": ("study_id",),
        "study_variables.csv": ("study_id", "variable"),
        "numeric_variables.csv": ("study_id", "variable"),
        "study_domains.csv": ("study_id", "variable"),
        "comparable_questions.csv": ("question_group", "study_id"),
        "crosstabs.csv": ("study_id", "row_variable", "column_variable")}
MARGIN_COLUMNS = ("margin", "region_code", "sex", "age_group", "population")
MARGIN_KEY = ("margin", "region_code", "sex", "age_group")


def shipped_folder() -> Path:
    return resources.reference() / FOLDER


def home_folder() -> Path:
    return settings.home().studies


def key_of(name: str) -> tuple[str, ...]:
    return KEYS.get(name, MARGIN_KEY)


def columns_of(name: str) -> tuple[str, ...]:
    """The columns a registry file has (those of the shipped file; margins' for a new one)."""
    shipped = shipped_folder() / name
    if shipped.is_file():
        return tuple(read_rows(shipped)[0])
    return MARGIN_COLUMNS


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """(header, rows) of a registry CSV, every cell text."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [{k: (v or "").strip() for k, v in row.items() if k is not None}
                for row in reader]
        return [c.strip() for c in reader.fieldnames or []], rows


def lay_over(rows: list[dict[str, str]], over: list[dict[str, str]], key: tuple[str, ...]
             ) -> tuple[list[dict[str, str]], int]:
    """`over` laid over `rows`: a row with the key of one in `rows` replaces it in place, the
    others follow in their order. Also says how many were replaced."""
    laid = {tuple(r.get(k, "") for k in key): r for r in rows}
    replaced = sum(tuple(r.get(k, "") for k in key) in laid for r in over)
    laid |= {tuple(r.get(k, "") for k in key): r for r in over}
    return list(laid.values()), replaced


def merged(name: str, home_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The shipped rows of `name` with the home's laid over them."""
    shipped = shipped_folder() / name
    return lay_over(read_rows(shipped)[1] if shipped.is_file() else [], home_rows,
                    key_of(name))[0]


def csv_text(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    return out.getvalue()


def write_if_changed(path: Path, text: str) -> None:
    """Write `text` to `path` unless it holds it already (atomically: a reader never sees half
    a file)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


def _signature(*paths: Path) -> tuple:
    return tuple((str(p), *((s.st_mtime_ns, s.st_size) if (s := _stat(p)) else ()))
                 for p in paths)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


@lru_cache(maxsize=64)
def _effective(name: str, signature: tuple) -> Path:
    home, shipped = home_folder() / name, shipped_folder() / name
    if not home.is_file():
        return shipped
    if not shipped.is_file():
        return home
    target = settings.home().work / FOLDER / name
    write_if_changed(target, csv_text(columns_of(name), merged(name, read_rows(home)[1])))
    return target


def effective(name: str) -> Path:
    """The registry file `name` as this home has it: the shipped one, the home's own, or both
    laid together (written to AHUAL_HOME/work/studies/)."""
    home, shipped = home_folder() / name, shipped_folder() / name
    key = (str(settings.home().root), *_signature(home, shipped))
    path = _effective(name, key)
    if not path.is_file():  # work/ was emptied (a restore) since: lay them together again
        _effective.cache_clear()
        path = _effective(name, key)
    return path


def column_map(study_id: str) -> Path | None:
    """The study's registered column map: the home's, else the shipped one (None: neither)."""
    for folder in (home_folder(), shipped_folder()):
        path = folder / "maps" / f"{study_id}{MAP_SUFFIX}"
        if path.is_file():
            return path
    return None


def names() -> list[str]:
    """Every registry CSV of this home: the shipped ones and the home's own."""
    found = {p.name for p in shipped_folder().glob("*.csv")}
    found |= {p.name for p in home_folder().glob("*.csv") if p.name != CHANGES}
    return sorted(found)


def references() -> dict[str, Path]:
    """`reference.studies_<name>` -> the registry file this home's build reads."""
    return {f"{FOLDER}_{name[:-4]}": effective(name) for name in names()}


def home_files() -> list[Path]:
    """The centre's own files behind the registry (the overlay, its maps and its log)."""
    folder = home_folder()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
