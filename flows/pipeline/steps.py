"""The tasks of an ingest: check one file, quarantine a refused one, load the accepted files and
build the marts in one transaction (and, when the build is refused, find the file to blame)."""

from __future__ import annotations

from dataclasses import dataclass

from prefect import get_run_logger, runtime, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed

from ahual.flows import build as build_step
from ahual.flows import settings
from ahual.flows.console import progress, say
from ahual.flows.gate import check as check_step
from ahual.flows.gate.files import Candidate, FileOutcome
from ahual.flows.gate.quarantine import quarantine
from ahual.flows.problems import BuildRefused, Problem, shown
from ahual.warehouse import store

FIRST_REASONS = 3  # the reasons a refusal's ERROR line in the run log names


class FileRefused(Exception):
    """What a refused file's check task ends with (Failed, named Rejected): the check."""

    def __init__(self, checked: check_step.Checked):
        super().__init__(_first_reasons(checked.problems))
        self.checked = checked


@task(name="read and validate files", cache_policy=NO_CACHE)
def check_files(candidates: list[Candidate]) -> list[check_step.Checked]:
    """Parse every file, then validate the files of each kind together (one GX run per kind;
    each file keeps its own outcome, stored result and Data Docs page)."""
    return check_step.check_all(candidates)


@task(name="check file", cache_policy=NO_CACHE)
def check_file(con, candidate: Candidate, checked: check_step.Checked | None = None):
    """A file's check (done here, or given when `check_files` did it for the batch), and a
    resubmission far smaller than what it replaces held back. A refused file ends this task
    Failed (Rejected), red in the UI; the flow goes on with the other files."""
    if checked is None:
        checked = check_step.check(candidate)
    if checked.parsed is not None:
        held = candidate.kind.held_back(con, checked.parsed, candidate.options)
        if held:
            checked.parsed, checked.problems = None, held
    if checked.parsed is None:
        return Failed(name="Rejected", message=f"{candidate.path.name}: "
                      f"{_first_reasons(checked.problems)}", data=FileRefused(checked))
    return checked


def check_each(con, candidates: list[Candidate]) -> list[check_step.Checked]:
    """Every file checked, each in a task of its own that shows its outcome; the reading and
    validating of several is one task before them."""
    checked: list = [None] * len(candidates)
    if len(candidates) > 1:
        checked = check_files.with_options(
            task_run_name=f"read and validate {len(candidates)} files")(candidates)
    return [_outcome(con, c, done) for c, done in zip(candidates, checked, strict=True)]


def _outcome(con, candidate: Candidate, checked: check_step.Checked | None
             ) -> check_step.Checked:
    state = check_file.with_options(task_run_name=f"check {candidate.path.name}")(
        con, candidate, checked, return_state=True)
    value = state.result(raise_on_failure=False)
    if isinstance(value, FileRefused):
        return value.checked
    if isinstance(value, BaseException):
        raise value
    return value


def _first_reasons(problems: list[Problem]) -> str:
    said = "; ".join(p.plain() for p in problems[:FIRST_REASONS])
    more = len(problems) - FIRST_REASONS
    return said + (f" (and {more} more)" if more > 0 else "")


def warehouse() -> store.Warehouse:
    home = settings.home()
    return store.Warehouse.of(home)


def flow_run_id() -> str | None:
    return runtime.flow_run.id


# --- steps of ingest ----------------------------------------------------------------------------

@task(name="quarantine file", cache_policy=NO_CACHE)
def quarantine_file(con, candidate: Candidate, problems: list[Problem], stage: str,
                    data_docs: str | None = None, warnings: list[Problem] | None = None
                    ) -> FileOutcome:
    """Keep the refused file and its reason; remember the refusal (same load: one entry)."""
    home = settings.home()
    path = candidate.path
    command, convert_to = candidate.command, _convert_to(candidate, problems)
    if convert_to:  # the same bytes again would be refused again: name the file to send
        command = candidate.kind.command(path.with_suffix(candidate.kind.suffixes[0]),
                                         candidate.options)
    folder = quarantine(home.quarantine, path=path if candidate.readable else None,
                        file_name=path.name, kind=candidate.kind.name,
                        load_key=candidate.load_key, sha256=candidate.sha256,
                        loaded_as=candidate.loaded_as, side_files=candidate.side_files,
                        problems=problems, stage=stage, resubmit=command,
                        validation_page=data_docs, flow_run_id=flow_run_id(),
                        convert_to=convert_to)
    store.record_rejection(con, load_key=candidate.load_key, kind=candidate.kind.name,
                           file_name=path.name, sha256=candidate.sha256,
                           loaded_as=candidate.loaded_as_json, stage=stage,
                           rules="; ".join(sorted({p.rule for p in problems})),
                           reason="\n".join(p.plain() for p in problems),
                           quarantine_path=str(folder), flow_run_id=flow_run_id())
    get_run_logger().error("REJECTED %s (%s, stage %s): %s; kept in %s", shown(path.name),
                           candidate.kind.name, stage, _first_reasons(problems), folder)
    return FileOutcome(path.name, candidate.kind.name, "rejected", problems=problems,
                       warnings=warnings or [], quarantined=str(folder), data_docs=data_docs,
                       stage=stage, command=command,
                       summary={"convert_to": convert_to} if convert_to else {})


def _convert_to(candidate: Candidate, problems: list[Problem]) -> str | None:
    """The formats to save a file in, when its own format is what was refused."""
    if not any(p.rule == "file format" for p in problems):
        return None
    return " or ".join(s.lstrip(".").upper() for s in candidate.kind.suffixes)


@dataclass(frozen=True)
class LoadEvent:
    """A revert of a load, or its reinstatement (the same file sent again while another load
    stands in its place): committed with the build it changes, or not at all."""

    batch_id: int
    action: str  # revert | reinstate
    who: str
    why: str


@task(name="load and build", cache_policy=NO_CACHE)
def load_and_build(con, accepted: list[check_step.Checked], force: bool = False,
                   events: tuple[LoadEvent, ...] = ()
                   ) -> tuple[build_step.BuildOutcome | BuildRefused, list[FileOutcome]]:
    """Insert the accepted files, revert or reinstate loads, and build, in one transaction:
    committed only if the marts pass their checks. When they do not, the refusal comes back
    and nothing is left."""
    try:
        with store.transaction(con):
            for event in events:
                store.record_load_event(con, batch_id=event.batch_id, action=event.action,
                                        who=event.who, why=event.why,
                                        flow_run_id=flow_run_id())
            outcomes = [_insert(con, checked) for checked in accepted]
            if len(accepted) == 1:  # in DuckDB now: free the memory before the build
                accepted[0].parsed.tables = {}  # (a refused batch of several is retried)
            return _build(con, force), outcomes
    except BuildRefused as refusal:  # rolled back
        return refusal, []


def _insert(con, checked: check_step.Checked) -> FileOutcome:
    c = checked.candidate
    batch_id = store.insert_batch(con, kind=c.kind.name, file_name=c.path.name,
                                  sha256=c.sha256, load_key=c.load_key,
                                  loaded_as=c.loaded_as_json, size=c.size,
                                  tables=checked.parsed.tables, flow_run_id=flow_run_id())
    return FileOutcome(c.path.name, c.kind.name, "loaded", rows=checked.parsed.rows,
                       batch_id=batch_id, warnings=checked.warnings,
                       data_docs=checked.data_docs, summary=checked.parsed.summary)


def _build(con, force: bool) -> build_step.BuildOutcome:
    with progress("building marts") as advance:
        return build_step.build(con, force=force, progress=advance)


def commit(con, accepted: list[check_step.Checked], force: bool = False,
            events: tuple[LoadEvent, ...] = ()
            ) -> tuple[build_step.BuildOutcome | None, list[FileOutcome], list[Problem]]:
    """Load and build; when the marts refuse, find the file that makes them refuse (reverts
    and reinstatements are tried first on their own: refused, they are the build's refusal)."""
    outcome, loaded = load_and_build(con, accepted, force, events)
    if not isinstance(outcome, BuildRefused):
        return outcome, loaded, []
    refusal = outcome
    if not accepted:
        return None, [], refusal.problems
    if events:
        built, _, refused = commit(con, [], force, events)
        last, outcomes, _ = commit(con, accepted, force)
        return last or built, outcomes, refused
    if len(accepted) == 1:
        checked = accepted[0]
        return None, [quarantine_file(con, checked.candidate, _blame(refusal), "build",
                                      checked.data_docs, checked.warnings)], []
    # several files: one at a time, so the good ones still load
    say("the marts refused the batch as a whole; loading its files one at a time ...",
        style="warning")
    outcomes, last = [], None
    for checked in accepted:
        outcome, loaded, _ = commit(con, [checked], force)
        outcomes += loaded
        last = outcome or last
    return last, outcomes, []


def _blame(refusal: BuildRefused) -> list[Problem]:
    note = Problem("the marts", "marts pass their checks with this file",
                   "loading this file would make the published marts break their rules; "
                   "nothing of it was loaded, and the published warehouse is unchanged")
    return [note, *refusal.problems]


