"""`ahual loads`: what each load stands for now and what it replaced; `ahual loads revert`
undoes one (the loads it replaced count again). The logic is flows/ops/loads.py and the
`loads-revert` flow (flows/pipeline.py); this module only reads arguments and prints.

    ahual loads [--kind survey]
    ahual loads revert 7 --why "S02's file sent as S01 by mistake" [--who NAME]
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ahual.flows import settings
from ahual.flows.cli.common import EXIT_OK, EXIT_REJECTED, STATE, flows, run_flow
from ahual.flows.console import say
from ahual.flows.gate.files import counted
from ahual.flows.kinds import kinds
from ahual.flows.ops import loads as loads_step
from ahual.flows.problems import UsageError, shown

EXIT_CODES = ("Exit status: 0 done; 1 the marts refused the revert (nothing changed); 2 usage "
              "error (nothing was run).")

app = typer.Typer(
    invoke_without_command=True, epilog=EXIT_CODES,
    help="The loads: what is current and what each replaced (`ahual loads`); undo a load "
         "with `ahual loads revert BATCH --why ...` (sending a file again that no longer "
         "counts makes it current again).")




def _as(load) -> str:
    """What a load was loaded as, in words: its options (a study, a round), not side files."""
    words = [f"{k} {v}" for k, v in load.loaded_as.items() if k != "side_files"]
    return f" as {', '.join(words)}" if words else ""


def _line(load) -> str:
    line = (f"{load.batch_id:>5}  {load.kind:<13} {shown(load.file_name)}{_as(load)}, "
            f"{counted(load.rows, 'row')}, {load.loaded_at}: {load.standing()}")
    if load.replaces:
        line += f"; replaced {', '.join(f'batch {b}' for b in load.replaces)}"
    return line


@app.callback()
def loads(ctx: typer.Context,
          kind: Annotated[str | None, typer.Option("--kind", metavar="KIND", help="only "
                                                   "this kind's loads")] = None) -> int:
    """Every load: current, replaced (by which batch) or reverted (when, by whom, why).

    Each with its batch, file and what it was loaded as, read from the published warehouse.

    Example: ahual loads --kind survey"""
    if ctx.invoked_subcommand is not None:
        return EXIT_OK
    if kind is not None and kind not in kinds():
        raise UsageError(f"--kind {kind}: one of {', '.join(kinds())}")
    found = [load for load in loads_step.published_loads() if kind in (None, load.kind)]
    if STATE["json"]:
        print(json.dumps({"loads": [load.as_dict() for load in found]}, ensure_ascii=False,
                         indent=2))
        return EXIT_OK
    if not found:
        say("No loads yet.")
    for load in found:
        say(_line(load), style=None if load.current else "warning" if load.reverted
             else "dim")
    undo = [load for load in found if load.current and load.replaces]
    if undo:
        say(f"Undo a load: ahual loads revert {undo[-1].batch_id} --why \"...\"")
    return EXIT_OK


@app.command("revert", epilog=EXIT_CODES)
def revert(
    batch: Annotated[int, typer.Argument(metavar="BATCH", help="the batch to undo (`ahual "
                                         "loads` lists them)")],
    why: Annotated[str, typer.Option("--why", help="why it is undone (kept with who and "
                                     "when)")],
    who: Annotated[str | None, typer.Option("--who", metavar="NAME", help="who decided it "
                                            "(default: your user name)")] = None,
) -> int:
    """Undo a load: the loads it replaced count again.

    In one transaction with the build, then published; recorded with who, when and why.
    Sending its file again makes it current again.

    Example: ahual loads revert 7 --why "S02's file sent as S01 by mistake\""""
    load = loads_step.check_revert(batch, why)  # a usage error says so before anything runs
    who = " ".join((who or settings.user_name()).split())
    why = " ".join(why.split())
    pipeline = flows()
    _, result = run_flow(pipeline.revert_load, batch_id=batch, why=why, who=who)
    if result.refused_build:
        say(f"REFUSED   revert of batch {batch}: the marts would break their rules; nothing "
             "changed", style="refused")
        for problem in result.refused_build:
            say(f"          {problem.plain()}")
        return EXIT_REJECTED
    back = {b.batch_id: b for b in loads_step.published_loads()}
    again = [back[b] for b in load.replaces if b in back and back[b].current_reports]
    say(f"reverted  batch {batch} ({load.file_name}{_as(load)}) by {who}: {why}")
    for other in again:
        say(f"current   batch {other.batch_id} ({other.file_name}{_as(other)}) counts again")
    if not again:
        say("          no earlier load stands in its place: its reports are gone from the "
             "marts")
    if STATE["json"]:
        print(json.dumps({"reverted": batch, "who": who, "why": why,
                          "current_again": [o.batch_id for o in again],
                          "published": str(result.published) if result.published else None},
                         ensure_ascii=False, indent=2))
    return EXIT_OK
