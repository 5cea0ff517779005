"""`ahual ingest <kind> FILE...`: one command per input kind, its options from the kind's
options dataclass (flows/kinds/)."""

from __future__ import annotations

import inspect
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Annotated

import typer

from ahual.flows.cli.common import EXIT_CODES, flows, ingest_exit, run_flow
from ahual.flows.console import say
from ahual.flows.gate.files import IngestResult, already_published
from ahual.flows.kinds import kinds
from ahual.flows.problems import UsageError

app = typer.Typer(no_args_is_help=True, help="Validate and load input files, then build and "
                  "publish the marts.", epilog=EXIT_CODES)


def _files_exist(files: list[Path]) -> None:
    missing = [str(f) for f in files if not f.exists() and not f.is_symlink()]
    if missing:
        raise UsageError(f"no such file: {', '.join(missing)}")


def ingest_command(kind_name: str, files: list[Path], options: dict) -> int:
    kind = kinds()[kind_name]
    try:
        chosen = kind.options(**{k: v for k, v in options.items() if v is not None})
    except TypeError as error:
        raise UsageError(f"ingest {kind_name}: {error}") from error
    kind.check_options(chosen)
    if kind.one_file and len(files) != 1:
        raise UsageError(f"ingest {kind_name} takes one file at a time ({len(files)} given)")
    _files_exist(files)
    files = [f.absolute() for f in files]
    done = already_published(kind, chosen, files)  # answered without Prefect
    if done is not None:
        result = IngestResult(done)
        for outcome in done:
            say(outcome.line())
        return ingest_exit(result)
    pipeline = flows()
    _, result = run_flow(pipeline.ingest, kind=kind_name, files=[str(f) for f in files],
                     options=chosen.as_dict())
    return ingest_exit(result)


def _ingest_function(kind):
    """A typer command for `ahual ingest <kind>`, its options from the kind's dataclass."""
    parameters = []
    for f in fields(kind.options):
        required = f.default is MISSING and f.default_factory is MISSING
        flag = f"--{f.name.replace('_', '-')}"
        if str(f.type) == "bool":
            annotation = Annotated[bool, typer.Option(flag, help=f.metadata.get("help"))]
            parameters.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY,
                                                annotation=annotation, default=False))
            continue
        kind_type = Path if "Path" in str(f.type) else int if str(f.type) == "int" else str
        annotation = Annotated[kind_type if required else kind_type | None, typer.Option(
            flag, help=f.metadata.get("help"), metavar=f.metadata.get("metavar"),
            show_default=False)]
        parameters.append(inspect.Parameter(
            f.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
            default=inspect.Parameter.empty if required else None))
    files = inspect.Parameter("files", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[
        list[Path], typer.Argument(metavar="FILE", help="the file to load" if kind.one_file
                                   else "the files to load", show_default=False)])

    def command(**arguments):
        found = arguments.pop("files")
        return ingest_command(kind.name, list(found), arguments)

    command.__signature__ = inspect.Signature([files, *parameters])
    command.__name__ = f"ingest_{kind.name}"
    command.__doc__ = (f"{kind.title} ({', '.join(kind.suffixes)}).\n\nEach file is loaded "
                       "whole or refused whole with its reason (kept in AHUAL_HOME/quarantine/);"
                       " the same file again changes nothing. Rules: "
                       f"datasets/contracts/{kind.name}.yaml, expectations/{kind.name}.json."
                       f"\n\nExample: {kind.example}")
    return command


for _kind in kinds().values():
    app.command(_kind.name, epilog=EXIT_CODES)(_ingest_function(_kind))
