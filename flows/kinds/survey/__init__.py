"""Survey microdata: one study's respondents, their coded answers and the codebook.

    read.py       the file as it is (.sav with pyreadstat, or CSV + codebook), column by column
    columns.py    which column is what: the column map (FILE.map.yaml, --map, the registry's)
    labels.py     age groups written as ranges; labels that read as "no answer"
    interpret.py  the parse: the file's columns interpreted (it lists the modules below)
    codebook.py   required, design and registered columns present; codes checked and declared
    text.py       keys and labels as text; respondents.py sex, age group, weight
    design.py     design columns per respondent, single-PSU strata
    answers.py    the long answers table and the extra columns; calibration.py raking to margins
    prefilter.py  the respondents GX needs to see
    registry.py   the study registry; overlay.py the centre's own rows laid over it from
                  AHUAL_HOME/studies/, home_registry.py their rules; commands.py `ahual studies`
    raking.py     iterative proportional fitting
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ahual.flows.kinds.base import HomeRegistry, Kind, Options, Parsed
from ahual.flows.kinds.survey import overlay
from ahual.flows.problems import UsageError

CODEBOOK_SUFFIX = ".codebook.csv"
MAP_SUFFIX = ".map.yaml"


@dataclass(frozen=True)
class SurveyOptions(Options):
    study: str = field(metadata={
        "help": "the study, e.g. S04 (`ahual studies list`)",
        "metavar": "ID", "folder": True})
    codebook: Path | None = field(default=None, metadata={
        "help": "codebook CSV (default: FILE.codebook.csv beside the file)", "metavar": "PATH"})
    map: Path | None = field(default=None, metadata={
        "help": "column map: which column is the weight, stratum, PSU, ... and which are the "
                "questions (default: FILE.map.yaml beside the file, else the registry's "
                "maps/STUDY.map.yaml, else the usual header names)", "metavar": "PATH"})

    def __post_init__(self) -> None:
        for name in ("codebook", "map"):  # a flow parameter comes back as text
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(value))

    def check(self) -> None:
        from ahual.flows.kinds.survey.registry import check_study, studies

        if self.study not in studies():
            raise UsageError(f"--study {self.study}: the study registry has "
                             f"{', '.join(studies())}; register a study of the centre's with "
                             "`ahual studies add`")
        wrong = check_study(studies()[self.study])
        if wrong:
            raise UsageError(f"study {self.study} in the registry (`ahual studies check`): "
                             + "; ".join(wrong))
        for name in ("codebook", "map"):
            value = getattr(self, name)
            if value is not None and not value.is_file():
                raise UsageError(f"--{name} {value}: no such file")

    def side_files(self, path: Path) -> dict[str, Path]:
        """The codebook and the column map this file is read with: their bytes are part of
        what the file is loaded as."""
        from ahual.flows.kinds.survey.registry import default_map

        found = {}
        for role, given, suffix in (("codebook", self.codebook, CODEBOOK_SUFFIX),
                                    ("map", self.map, MAP_SUFFIX)):
            beside = path.with_name(f"{path.stem}{suffix}")
            if given is not None:
                found[role] = given
            elif beside.exists() or beside.is_symlink():
                found[role] = beside
        if "map" not in found:
            registered = default_map(self.study)
            if registered is not None:
                found["map"] = registered
        return found


def parse_file(path: Path, options: SurveyOptions) -> Parsed:
    from ahual.flows.kinds.survey.registry import studies

    return parse_study(path, options, studies()[options.study])


def parse_study(path: Path, options: SurveyOptions, study: dict) -> Parsed:
    """Read and interpret one file as `study` (a registry row)."""
    from ahual.flows.kinds.survey.columns import read_map
    from ahual.flows.kinds.survey.interpret import parse
    from ahual.flows.kinds.survey.prefilter import rows_the_suite_could_refuse
    from ahual.flows.kinds.survey.read import read_microdata

    sides = options.side_files(path)
    column_map = read_map(sides.get("map"))
    with read_microdata(path, sides.get("codebook")) as micro:
        survey = parse(micro, study, path.name, column_map)
    return Parsed(tables={"survey_respondents": survey.respondents,
                          "survey_answers": survey.answers,
                          "survey_categories": survey.categories,
                          "survey_variables": survey.variables,
                          "survey_extra_values": survey.extra_values},
                  checks=[("survey", rows_the_suite_could_refuse(survey.respondents, "survey"))],
                  warnings=survey.warnings, summary=survey.summary)


def _check() -> list:
    from ahual.flows.kinds.survey import home_registry  # checking the registry needs pandas

    return home_registry.check()


KIND = Kind(
    name="survey",
    title="One study's respondent microdata",
    options=SurveyOptions,
    parse=parse_file,
    raw_tables=("survey_respondents", "survey_answers", "survey_categories",
                "survey_variables", "survey_extra_values"),
    suffixes=(".sav", ".csv"),
    one_file=True,
    example="ahual ingest survey --study S04 S04.sav",
    home_registry=HomeRegistry(check=_check, references=overlay.references,
                               files=overlay.home_files),
    commands=(("studies", "ahual.flows.kinds.survey.commands:app"),),
)
