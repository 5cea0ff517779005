"""What an input kind is: one declaration of everything Ahual needs to take a file of that kind.

A kind has one name used everywhere: `flows/kinds/<name>.py` (or a package),
`datasets/contracts/<name>.yaml`, `expectations/<name>.json`, `warehouse/staging/<name>/`
(its `_raw.sql` declares its raw tables), `inbox/<name>/` and `tests/kinds/test_<name>.py`.
Its options are a frozen dataclass: checked before anything is read, and part of what a file
is loaded as (the same bytes loaded as another study are another load).
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from ahual.flows import resources
from ahual.flows.problems import Problem, UsageError, shown
from ahual.warehouse import store

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Parsed:
    """What a kind's parser hands to the gate: rows per raw table, and what checks them."""

    tables: dict  # raw table name -> rows to insert (pandas DataFrame or pyarrow Table)
    checks: list = field(default_factory=list)  # (GX suite, pandas DataFrame)
    warnings: list[Problem] = field(default_factory=list)  # said, but not a reason to refuse
    summary: dict = field(default_factory=dict)  # what the load summary shows besides rows

    @property
    def rows(self) -> int:
        return sum(t.num_rows if hasattr(t, "num_rows") else len(t)
                   for t in self.tables.values())


SMALLER_SHARE = 0.5  # a resubmission with less than half the cells of what it replaces is held


@dataclass(frozen=True)
class Supersedes:
    """A kind whose later file for the same keys replaces the earlier one (a corrected report
    for a region and date): a file far smaller than the one it would replace is held back, as
    a report cut short or a partial sheet would silently drop figures."""

    table: str  # the parsed raw table
    keys: tuple[str, ...]  # one report per these keys
    current: str  # warehouse/queries/<name>.sql: the current report's cells per key
    what: str  # the keys in words, for the reason

    def held_back(self, con, parsed: Parsed) -> list[Problem]:

        try:
            current = con.sql(store.query(self.current)).to_arrow_table().to_pandas()
        except duckdb.CatalogException:  # nothing built yet: nothing to replace
            return []
        keys = list(self.keys)
        new = parsed.tables[self.table].groupby(keys, dropna=False).size().rename(
            "new_cells").reset_index()
        both = _keyed(new, keys).merge(_keyed(current, keys), on=keys, how="inner")
        held = both[both["new_cells"] < SMALLER_SHARE * both["cells"]]
        file = parsed.summary.get("file", "the file")
        return [Problem(file, "a resubmission is not much smaller than what it replaces",
                        f"{self.what} {', '.join(str(r[k]) for k in keys)}: this file has "
                        f"{r['new_cells']} cell(s), the current report ({r['source_file']}) "
                        f"has {r['cells']}; a partial file would replace it. If it is right, "
                        "send it again with --confirm-smaller") for _, r in held.iterrows()]


def _keyed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Key columns as text, dates as YYYY-MM-DD, so parsed rows and the warehouse compare."""
    import pandas as pd

    out = frame.copy()
    for key in keys:
        values = out[key]
        out[key] = (pd.to_datetime(values).dt.strftime("%Y-%m-%d")
                    if pd.api.types.is_datetime64_any_dtype(values) or key == "as_of"
                    else values.astype(str))
    return out


@dataclass(frozen=True)
class Options:
    """No options. Subclasses add fields; a field's metadata may give `help` and `metavar`, and
    `folder=True` marks the one option an inbox sub-folder stands for (round-N, a study id)."""

    def check(self) -> None:
        """Refuse options that cannot be right whatever the file (UsageError, exit 2)."""

    def side_files(self, path: Path) -> dict[str, Path]:
        """Files that belong to this load besides the data (e.g. a survey's codebook)."""
        return {}

    def as_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()
                if v is not None}

    def loaded_as(self, path: Path) -> dict:
        """What the bytes are loaded as: the options that change their meaning and the
        SHA-256 of every side file. Part of the load's identity."""
        meaning = {k: v for k, v in self.as_dict().items() if _is_identity(self, k)}
        sides = {role: sha256_of(side) for role, side in sorted(self.side_files(path).items())}
        return {**meaning, **({"side_files": sides} if sides else {})}

    def cli_arguments(self) -> list[str]:
        """The options as `ahual ingest` arguments, for the exact command to send a file
        again."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            flag = f"--{f.name.replace('_', '-')}"
            if value is True:
                out.append(flag)
            elif value is not None and value is not False:
                out += [flag, str(value)]
        return out


def _is_identity(options: Options, name: str) -> bool:
    """Whether an option is part of what the bytes are loaded as: not a path (a side file counts
    by its SHA-256), not a confirmation (`identity: False`)."""
    return any(f.name == name and "Path" not in str(f.type) and f.metadata.get("identity", True)
               for f in fields(options))


CONFIRM_SMALLER = {"help": "load a resubmission although it has far fewer cells than the "
                           "report it replaces", "identity": False}


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, read once per process while the file is unchanged (the
    command line's "already loaded" answer and the run it starts ask for the same file)."""
    stat = os.stat(path)
    return _sha256(os.path.realpath(path), stat.st_dev, stat.st_ino, stat.st_size,
                   stat.st_mtime_ns, stat.st_ctime_ns)


@lru_cache(maxsize=4096)
def _sha256(path: str, *unchanged: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_key(kind: str, file_sha256: str, loaded_as: dict) -> str:
    """The identity of a load: which kind, which bytes, loaded as what."""
    return hashlib.sha256(json.dumps([kind, file_sha256, loaded_as], sort_keys=True)
                          .encode()).hexdigest()


@dataclass(frozen=True)
class Owed:
    """How `completeness`, `status` and the run's artifacts name a kind's reports that are owed
    (marts.reporting_obligations) and not received."""

    key: str  # in JSON: <key>_missing
    title: str  # what is owed; {as_of} is the date a half-year's figures count as of
    who: str  # who owes it, counted ("region(s)")


@dataclass(frozen=True)
class HomeRegistry:
    """Reference data of a kind's that the centre keeps in its home, laid over the shipped
    files (the study registry)."""

    # what is wrong with the centre's own files (file, row, rule): nothing is loaded or built
    # while a problem stands
    check: Callable[[], list[Problem]]
    # reference.<name> -> the file this home's build reads
    references: Callable[[], dict[str, Path]]
    # the centre's own files behind them: every snapshot manifest lists them with their SHA-256
    files: Callable[[], list[Path]]


@dataclass(frozen=True)
class Kind:
    name: str
    title: str  # one line for help texts
    options: type[Options]
    parse: Callable[[Path, Options], Parsed]
    raw_tables: tuple[str, ...]
    suffixes: tuple[str, ...] = (".csv", ".xlsx")
    one_file: bool = False  # ingest takes exactly one FILE (a study's microdata)
    example: str = ""  # an example command line for help
    supersedes: Supersedes | None = None
    owed: Owed | None = None  # reported by obligation (who owes which, when: the obligations)
    # CSV files of the analyst's in AHUAL_HOME (<name>.csv, e.g. decisions on the kind's rows)
    # loaded as `reference.<name>`; when absent, their empty layout datasets/contracts/<name>.csv
    home_files: tuple[str, ...] = ()
    home_registry: HomeRegistry | None = None
    # command name -> "module:attribute" of a typer app of the kind's own commands, mounted as
    # `ahual <command name>`
    commands: tuple[tuple[str, str], ...] = ()

    @cached_property
    def contract(self) -> dict:
        return resources.contract(self.name)

    @property
    def max_bytes(self) -> int:
        return int(self.contract["max_bytes"])

    @property
    def suite(self) -> str:
        return self.name

    @property
    def folder_option(self) -> str | None:
        """The option an inbox sub-folder stands for (None: files sit in inbox/<kind>/)."""
        return next((f.name for f in fields(self.options) if f.metadata.get("folder")), None)

    def folder_name(self, options: Options | None) -> str:
        """The inbox sub-folder of these options (`round-2`); with None, its pattern
        (`round-ROUND`)."""
        field_name = self.folder_option
        if field_name is None:
            return ""
        pattern = next(f.metadata.get("folder_pattern", "{}") for f in fields(self.options)
                       if f.name == field_name)
        return pattern.format(field_name.upper() if options is None
                              else getattr(options, field_name))

    def options_for_folder(self, name: str) -> Options | None:
        """The options an inbox (or demo) sub-folder name stands for; None if it stands for
        none (then it is not this kind's folder)."""
        field_name = self.folder_option
        spec = next(f for f in fields(self.options) if f.name == field_name)
        pattern = spec.metadata.get("folder_pattern", "{}")
        prefix, _, suffix = pattern.partition("{}")
        if not (name.startswith(prefix) and name.endswith(suffix)) or len(name) <= len(
                prefix) + len(suffix):
            return None
        text = name[len(prefix):len(name) - len(suffix)]
        try:
            value = int(text) if spec.type in (int, "int") else text
        except ValueError:
            return None
        return self.options(**{field_name: value})

    def is_side_file(self, path: Path) -> bool:
        """A file that travels with a data file rather than being one (a codebook)."""
        return any(path.name.endswith(s) for s in self.contract.get("side_file_suffixes", []))

    def accepts(self, path: Path) -> bool:
        return path.suffix.lower() in self.suffixes and not self.is_side_file(path)

    def command(self, path: Path | str, options: Options) -> str:
        """The exact command that loads `path` as these options, quoted for a shell (a name
        with control characters shows them escaped: it can never break a line)."""
        words = ["ahual", "ingest", self.name, *options.cli_arguments(), str(path)]
        return " ".join(shlex.quote(shown(w, limit=4096)) for w in words)

    def held_back(self, con, parsed: Parsed, options: Options) -> list[Problem]:
        """Problems only what is already loaded reveals (a partial resubmission)."""
        if self.supersedes is None or getattr(options, "confirm_smaller", False):
            return []
        return self.supersedes.held_back(con, parsed)

    def check_options(self, options: Options) -> None:
        try:
            options.check()
        except UsageError:
            raise
        except (TypeError, ValueError) as error:
            raise UsageError(f"ingest {self.name}: {error}") from error
