"""`ahual studies`: the study registry as this home has it, and the centre's own studies added
to it without touching installed files.

    ahual studies list [--json]
    ahual studies check
    ahual studies add studies.csv study_variables.csv S10.map.yaml --why "..." [--who NAME]

`add` lays the rows of each file over the home's registry (AHUAL_HOME/studies/, same file names
as datasets/reference/studies/; a row with the key of an existing one replaces it), checks the
whole registry first and writes nothing when a rule is broken, and logs who changed which file,
when and why in AHUAL_HOME/studies/changes.csv. The next load or `ahual build` builds with it.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from ahual.flows import console, settings
from ahual.flows.kinds.base import sha256_of
from ahual.flows.kinds.survey import overlay
from ahual.flows.kinds.survey.home_registry import check, file_rows
from ahual.flows.kinds.survey.registry import studies
from ahual.flows.problems import Problem

EXIT_CODES = ("Exit status: 0 done; 1 the registry breaks a rule (nothing was written); "
              "2 usage error.")

app = typer.Typer(no_args_is_help=True, epilog=EXIT_CODES, help=(
    "The study registry: the shipped studies and the centre's own (AHUAL_HOME/studies/). "
    "Register a study, correct a design or add questions with `ahual studies add`."))


def _source(study_id: str, shipped: set[str], centre: set[str]) -> str:
    if study_id in centre:
        return "centre's, replacing the shipped row" if study_id in shipped else "centre's"
    return "shipped"


@app.command("list", epilog=EXIT_CODES)
def list_studies(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False
                 ) -> None:
    """Every study of the registry as this home has it, and where its row comes from.

    Example: ahual studies list"""
    shipped = {r["study_id"] for r in overlay.read_rows(
        overlay.shipped_folder() / "studies.csv")[1]}
    own = overlay.home_folder() / "studies.csv"
    centre = {r["study_id"] for r in overlay.read_rows(own)[1]} if own.is_file() else set()
    rows = [{"study_id": s, "source": _source(s, shipped, centre), "design": r["design"],
             "fieldwork_end": r.get("fieldwork_end", ""), "title_en": r.get("title_en", ""),
             "made_up": r.get("made_up", "") == "yes"} for s, r in studies().items()]
    if as_json or console.STDOUT_IS_DATA:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        print(f"{r['study_id']:8} {r['fieldwork_end']:10}  {r['design']:21} {r['source']:34} "
              f"{r['title_en']}{'  (made up)' if r['made_up'] else ''}")
    print(f"{len(rows)} studies; the centre's own in {overlay.home_folder()}")


@app.command("check", epilog=EXIT_CODES)
def check_command() -> None:
    """Check the centre's registry files (AHUAL_HOME/studies/) against the registry's rules.

    Example: ahual studies check"""
    _refuse_if(check(), "nothing is loaded or built until they are fixed")
    print(f"the registry is sound: {len(studies())} studies; the centre's files: "
          f"{len(overlay.home_files())} in {overlay.home_folder()}")


@app.command("add", epilog=EXIT_CODES)
def add(files: Annotated[list[Path], typer.Argument(
            metavar="FILE", help="registry CSVs named as in datasets/reference/studies/ "
            "(studies.csv, study_variables.csv, ...), population margins (any other CSV) and "
            "column maps (STUDY.map.yaml)", show_default=False)],
        why: Annotated[str, typer.Option("--why", help="why (required; kept in the log)")] = "",
        who: Annotated[str, typer.Option("--who", help="who (default: the login name)")] = ""
        ) -> None:
    """Lay each file's rows over the centre's registry, after checking the whole of it.

    Example: ahual studies add studies.csv study_variables.csv --why "our S10"
    """
    if not why.strip():
        _usage("say why with --why: a change of the registry is kept with its reason")
    for path in files:
        if not path.is_file():
            _usage(f"{path}: no such file")
        if path.suffix != ".csv" and not path.name.endswith(overlay.MAP_SUFFIX):
            _usage(f"{path.name}: a registry file is a CSV or a column map (STUDY.map.yaml)")
        if path.name == overlay.CHANGES:
            _usage(f"{path.name} is the registry's log; it is written by `ahual studies add`")
    home = overlay.home_folder()
    with tempfile.TemporaryDirectory(prefix="ahual-studies-") as scratch:
        candidate = Path(scratch) / "studies"
        if home.is_dir():
            shutil.copytree(home, candidate)
        candidate.mkdir(exist_ok=True)
        counts = {}
        for path in files:
            counts[path.name] = _lay_over(path, candidate)
        _refuse_if(check(candidate))
        log = []
        for path in files:
            relative = (f"maps/{path.name}" if path.name.endswith(overlay.MAP_SUFFIX)
                        else path.name)
            target = home / relative
            overlay.write_if_changed(target, (candidate / relative).read_text(encoding="utf-8"))
            added, replaced = counts[path.name]
            log.append((relative, added, replaced, sha256_of(target)))
    _log(log, who.strip() or settings.user_name(), " ".join(why.split()))
    for relative, added, replaced, _ in log:
        print(f"{relative}: {added} row(s) added, {replaced} replaced")
    print(f"kept in {home} (log: {overlay.CHANGES}); the next load or `ahual build` builds "
          "with it")


def _lay_over(path: Path, candidate: Path) -> tuple[int, int]:
    """Lay `path` over the candidate registry; (rows added, rows replaced)."""
    if path.name.endswith(overlay.MAP_SUFFIX):
        target = candidate / "maps" / path.name
        replaced = int(target.exists())
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, target)
        return 1 - replaced, replaced
    problems: list[Problem] = []
    rows = file_rows(path, path, problems)
    _refuse_if(problems)
    target = candidate / path.name
    current = overlay.read_rows(target)[1] if target.is_file() else []
    laid, replaced = overlay.lay_over(current, rows, overlay.key_of(path.name))
    target.write_text(overlay.csv_text(overlay.columns_of(path.name), laid), encoding="utf-8")
    return len(rows) - replaced, replaced


def _log(entries: list[tuple], who: str, why: str) -> None:
    path = overlay.home_folder() / overlay.CHANGES
    new = not path.exists()
    with open(path, "a", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        if new:
            out.writerow(overlay.CHANGE_COLUMNS)
        when = datetime.now().isoformat(timespec="seconds")
        out.writerows([when, who, *entry, why] for entry in entries)


def _refuse_if(problems: list[Problem], then: str = "nothing was written") -> None:
    if problems:
        for problem in problems:
            print(problem.plain())
        print(f"{len(problems)} problem(s); {then}")
        raise typer.Exit(1)


def _usage(message: str) -> None:
    print(f"ahual studies: {message}")
    raise typer.Exit(2)
