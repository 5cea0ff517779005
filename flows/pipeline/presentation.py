"""What a run says: the summary on the terminal and as artifacts, the run's final state, and
the names runs carry in the Prefect UI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prefect import runtime
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.client.orchestration import get_client
from prefect.states import Completed, Failed

from ahual.flows.console import say
from ahual.flows.gate.files import IngestResult
from ahual.flows.pipeline.steps import flow_run_id
from ahual.flows.problems import shown


def summarise(result: IngestResult, what: str) -> None:
    """Say what happened to every file, on the terminal and as Prefect artifacts."""
    for outcome in result.outcomes:
        say(outcome.line())
        for problem in outcome.problems if outcome.status == "rejected" else []:
            say(f"          {problem.plain()}")
        if outcome.status == "loaded" and _said(outcome.summary):
            say(f"          {_said(outcome.summary)}")
        for warning in outcome.warnings:
            say(f"  warning {warning.plain()}", style="warning")
        if outcome.status == "rejected" and outcome.command:
            convert_to = outcome.summary.get("convert_to")
            say(f"          save it as {convert_to}, then send it with: {outcome.command}"
                if convert_to else f"          send it again with: {outcome.command}")
    if result.refused_build:
        say("build REFUSED: the marts would break their rules; the published warehouse is "
            "unchanged", style="refused")
        for problem in result.refused_build:
            say(f"          {problem.plain()}")
    if result.build and result.build.changed:
        say(f"built: {len(result.build.rebuilt)} model(s) rebuilt, "
            f"{sum(result.build.mart_rows.values()):,} mart rows")
    if result.published:
        say(f"published {result.published}")
    if not flow_run_id():
        return
    table = [{"file": o.file, "kind": o.kind, "status": o.status, "rows": o.rows,
              "batch": o.batch_id or "", "rule": "; ".join(sorted({p.rule for p in o.problems})),
              "first problem": o.problems[0].plain() if o.problems else "",
              "quarantine": o.quarantined or ""} for o in result.outcomes]
    if table:
        create_table_artifact(key=f"{what}-files", table=table,
                              description=f"What `ahual {what}` did with each file")
    counts = {s: sum(o.status == s for o in result.outcomes)
              for s in ("loaded", "unchanged", "rejected")}
    lines = [f"## {what}", "", (f"{counts['loaded']} loaded, {counts['unchanged']} unchanged, "
                                f"**{counts['rejected']} rejected**.")]
    lines += [f"- **{o.file}** rejected ({o.stage}): {o.problems[0].plain()}  \n"
              f"  quarantine: `{o.quarantined}`  \n  send again: `{o.command}`"
              for o in result.outcomes if o.status == "rejected" and o.problems]
    if result.build and result.build.changed:
        lines += ["", f"Build {result.build.build_id}: {len(result.build.rebuilt)} models rebuilt."]
    create_markdown_artifact(key=f"{what}-summary", markdown="\n".join(lines),
                             description=f"Summary of `ahual {what}`")
    if result.build and result.build.changed:
        create_table_artifact(key="mart-row-counts", description="Rows in each mart after "
                              "this build", table=[{"mart": t, "rows": n} for t, n in
                                                   result.build.mart_rows.items()])


def _said(summary: dict) -> str:
    """The figures of a load summary worth a line (a survey's respondents, zero weights,
    single-PSU strata, columns not estimated)."""
    parts = []
    for key, value in summary.items():
        if key in {"file", "questions", "column_map"} or value in (None, "", [], {}, 0):
            continue
        if isinstance(value, list):
            value = ", ".join(map(str, value[:8])) + (f" and {len(value) - 8} more"
                                                     if len(value) > 8 else "")
        elif isinstance(value, int):
            value = f"{value:,}"
        elif not isinstance(value, str):
            continue
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


class Rejected(Exception):
    """What a run that refused a file or a build ends with: its state is Failed, named
    Rejected, and it carries what the run did."""

    def __init__(self, message: str, result: IngestResult):
        super().__init__(message)
        self.result = result


def final_state(result: IngestResult, what: str):
    """A refused file or build ends the run visibly not in success: Failed, named Rejected."""
    rejected = [o for o in result.outcomes if o.status == "rejected"]
    message = None
    if result.refused_build:
        message = "build refused: " + result.refused_build[0].plain()
    elif rejected:
        message = (f"{len(rejected)} of {len(result.outcomes)} file(s) rejected: "
                   + "; ".join(f"{o.file} -> {o.quarantined}" for o in rejected))
    if message:
        return Failed(name="Rejected", message=message, data=Rejected(message, result))
    loaded = sum(o.status == "loaded" for o in result.outcomes)
    again = sum(o.status == "reinstated" for o in result.outcomes)
    return Completed(data=result, message=f"{what}: {loaded} loaded, "
                     + (f"{again} current again, " if again else "")
                     + f"{len(result.outcomes) - loaded - again} unchanged")


# --- run names: what each run does, on the runs page without opening it -------------------

def _parameters() -> dict:
    return dict(runtime.flow_run.parameters or {})


def files_named(paths: list[str]) -> str:
    return shown(Path(paths[0]).name) if len(paths) == 1 else f"{len(paths)} files"


def ingest_name() -> str:
    """"survey: s01.sav as study S01", "registrations: 3 files"."""
    p = _parameters()
    meaning = [f"{k} {v}" for k, v in (p.get("options") or {}).items()
               if isinstance(v, str | int) and not isinstance(v, bool) and "/" not in str(v)]
    return f"{p['kind']}: {files_named(p['files'])}" + (f" as {', '.join(meaning)}"
                                                    if meaning else "")


def named(prefix: str, *keys: str) -> Callable[[], str]:
    """A run name from the flow's own parameters: "snapshot 2008Q4", "revert batch 7"."""
    def name() -> str:
        p = _parameters()
        words = [f"--{k}" if p.get(k) is True else str(p[k]) for k in keys
                 if p.get(k) not in (None, False)]
        return " ".join([prefix, *words])
    return name


def rename(name: str) -> None:
    """Name the running flow run once what it does is known (the inbox's files)."""
    if flow_run_id():
        with get_client(sync_client=True) as client:
            client.set_flow_run_name(runtime.flow_run.id, name)


# --- flows ----------------------------------------------------------------------------------

