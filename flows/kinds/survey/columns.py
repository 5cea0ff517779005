"""Which column of a study file is what: the column map.

A file's columns are design columns (respondent id, weight, stratum, PSU, region, sex, age or
age group), the study's questions, or extra columns (kept in raw, not estimated). By default
design columns are found by their headers (`datasets/contracts/survey.yaml`) and every other
column with codes in the codebook is a question. A column map says it explicitly, for files
as statisticians hold them (`WTMEC2YR`, `SDMVSTRA`, ...): `FILE.map.yaml` beside the file,
`--map PATH`, or the study's map in the registry (`maps/<STUDY>.map.yaml`, AHUAL_HOME/studies/'s
before the shipped one). Its bytes are part of what the file is loaded as.

    # S08.map.yaml: columns of the file -> what they are
    respondent_id: SEQN
    weight: WTMEC2YR
    stratum: SDMVSTRA
    psu: SDMVPSU
    region: REGION
    sex: RIAGENDR
    age_group: AGEGRP          # or age: RIDAGEYR (completed years)
    questions:                 # file column: the registry's variable name
      HI_CHOL: q_hi_chol       # (a list of columns keeps their names)
    missing:                   # codes that are no answer, besides those the file declares
      q_hi_chol: [7, 9]

A role the map does not name is still found by its header; a column the map names as a
question is estimated (it needs codes in the codebook), and with `questions:` given every
other column is an extra column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ahual.flows.problems import InputRejected, Problem
from ahual.flows.reading.tabular import header_roles
from ahual.flows.reading.vocabulary import normalise_key, normalise_label

ROLES = ("respondent_id", "region", "weight", "stratum", "psu", "sex", "age", "age_group")
KEYS = set(ROLES) | {"questions", "missing", "study", "note"}
INT32 = (-(2**31), 2**31 - 1)


@dataclass
class ColumnMap:
    """A column map as written (empty: the defaults)."""

    roles: dict[str, str] = field(default_factory=dict)  # role -> file column
    questions: dict[str, str] | None = None  # file column -> variable; None: coded columns
    missing: dict[str, list[int]] = field(default_factory=dict)  # variable -> codes
    file: str | None = None  # the map's file name, for messages


@dataclass
class Layout:
    """What every column of one file is."""

    roles: dict[str, str]  # role -> file column
    questions: dict[str, str]  # file column -> variable, in file order
    extras: dict[str, str]  # file column -> why it is not estimated, in file order


def read_map(path: Path | None) -> ColumnMap:
    """The column map in `path` (None: no map). Refused with a reason when it is not one."""
    if path is None:
        return ColumnMap()
    import yaml

    name = path.name

    def refuse(message: str) -> InputRejected:
        return InputRejected([Problem(name, "column map readable", message)])

    try:
        text = path.read_text(encoding="utf-8-sig")
        spec = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise refuse(f"the column map cannot be read ({type(error).__name__}: "
                     f"{str(error)[:200]})") from error
    spec = spec or {}
    if not isinstance(spec, dict):
        raise refuse("a column map is a list of `role: COLUMN` lines (see "
                     "datasets/contracts/survey.yaml)")
    unknown = sorted(str(k) for k in spec if k not in KEYS)
    if unknown:
        raise refuse(f"unknown key(s) {', '.join(unknown)}; a column map names "
                     f"{', '.join(ROLES)}, questions and missing")
    roles = {}
    for role in ROLES:
        if spec.get(role) is not None:
            if not isinstance(spec[role], str | int):
                raise refuse(f"{role}: give one column name")
            roles[role] = normalise_key(spec[role])
    if "age" in roles and "age_group" in roles:
        raise refuse("give age (in years) or age_group, not both")
    questions = spec.get("questions")
    if questions is not None:
        if isinstance(questions, list):
            questions = {str(c): str(c) for c in questions}
        if not isinstance(questions, dict) or not questions:
            raise refuse("questions: a list of columns, or `COLUMN: variable` lines")
        questions = {normalise_key(c): normalise_key(v if v is not None else c)
                     for c, v in questions.items()}
        doubled = sorted({v for v in questions.values()
                          if list(questions.values()).count(v) > 1})
        if doubled:
            raise refuse(f"several columns are named {', '.join(doubled)}")
    missing = {}
    for variable, codes in (spec.get("missing") or {}).items():
        codes = codes if isinstance(codes, list) else [codes]
        if not all(isinstance(c, int) and not isinstance(c, bool)
                   and INT32[0] <= c <= INT32[1] for c in codes):
            raise refuse(f"missing: the codes of {variable} must be whole numbers")
        missing[normalise_key(variable)] = [int(c) for c in codes]
    return ColumnMap(roles, questions, missing, name)


def lay_out(columns: list[str], column_map: ColumnMap, coded: set[str], study: dict,
            file_name: str) -> tuple[Layout, list[Problem]]:
    """Assign every file column: design role, question or extra. `coded`: columns with codes
    in the codebook. Returns the layout and warnings (design columns the registry's design does
    not use). Refuses a map that names columns the file does not have, and several columns for
    one meaning."""
    from ahual.flows.kinds.survey.registry import DESIGN_COLUMNS

    where = column_map.file or file_name
    exact = {c: c for c in columns}
    folded: dict[str, list[str]] = {}
    for c in columns:
        folded.setdefault(normalise_label(c), []).append(c)

    def find(name: str) -> str | None:
        if name in exact:
            return name
        hits = folded.get(normalise_label(name), [])
        return hits[0] if len(hits) == 1 else None

    problems, roles = [], {}
    for role, name in column_map.roles.items():
        found = find(name)
        if found is None:
            problems.append(Problem(where, "column map matches the file",
                                    f"{role}: the file has no column «{name}»", column=name))
        else:
            roles[role] = found
    questions: dict[str, str] = {}
    for name, variable in (column_map.questions or {}).items():
        found = find(name)
        if found is None:
            problems.append(Problem(where, "column map matches the file",
                                    f"question {variable}: the file has no column «{name}»",
                                    column=name))
        elif found in roles.values():
            problems.append(Problem(where, "column map matches the file",
                                    f"column «{found}» cannot be both a design column and a "
                                    "question", column=found))
        else:
            questions[found] = variable
    if problems:
        raise InputRejected(problems)

    # roles the map does not name, by their headers, among the columns it does not name
    claimed = set(roles.values()) | set(questions)
    by_header: dict[str, list[str]] = {}
    for c in columns:
        role = header_roles("survey").get(normalise_label(c))
        if role and c not in claimed and role not in roles:
            by_header.setdefault(role, []).append(c)
    if {"age", "age_group"} & set(column_map.roles):
        by_header.pop("age", None), by_header.pop("age_group", None)
    doubled = [Problem(file_name, "one column per meaning",
                       f"several columns mean {role}: {', '.join(found)}; say which in a "
                       "column map (FILE.map.yaml)", row=1)
               for role, found in by_header.items() if len(found) > 1]
    if doubled:
        raise InputRejected(doubled)
    roles |= {role: found[0] for role, found in by_header.items()}

    extras: dict[str, str] = {}
    if "age" in roles and "age_group" in roles:  # found by headers: years are finer
        extras[roles.pop("age_group")] = "an age group column beside age in years: not used"
    needed = DESIGN_COLUMNS[study["design"]]
    warnings = []
    for role in ("stratum", "psu"):
        if role in roles and role not in needed:
            column = roles.pop(role)
            extras[column] = (f"a {role} column, not used: the registry's design of "
                              f"{study['study_id']} is {study['design']}")
            warnings.append(Problem(file_name, "design as registered", extras[column],
                                    column=column))
    if "weight" in roles and study["weights"] == "none":
        column = roles.pop("weight")
        extras[column] = (f"a weight column, not used: the registry says {study['study_id']} "
                          "has no weights (everyone weighs 1)")
        warnings.append(Problem(file_name, "design as registered", extras[column],
                                column=column))

    used = set(roles.values()) | set(extras)
    if column_map.questions is None:
        questions = {c: c for c in columns if c not in used and c in coded}
    for c in columns:
        if c in used or c in questions:
            continue
        extras[c] = ("has value labels but is not a question of the column map: not estimated"
                     if c in coded else "no codes in the codebook: kept, not estimated")
    clash = sorted(set(questions.values()) & (set(extras) | set(roles.values())))
    if clash:
        raise InputRejected([Problem(where, "column map matches the file",
                                     f"a question is named {v}, which is also another column "
                                     "of the file", column=v) for v in clash])
    ordered = {c: questions[c] for c in columns if c in questions}
    extras = {c: extras[c] for c in columns if c in extras}
    return Layout(roles, ordered, extras), warnings
