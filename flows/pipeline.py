"""The flows: each orders the steps of one job, and no step calls another.

    ingest        receive -> check -> quarantine the refused -> load + build (one transaction)
                  -> publish
    build         build -> publish
    inbox         the same as ingest, for every file waiting in AHUAL_HOME/inbox/
    snapshot      the quarter's marts as Parquet, from the published warehouse
    report        the semi-annual report, from the published warehouse
    completeness  who has not reported for a half-year
    demo          ingest every demo input -> snapshot -> report

A file's rows are committed only together with a build whose marts pass their checks: the
loads and the build share one transaction on the working warehouse. When the build is refused,
the transaction is rolled back; a single file is then quarantined with the marts' reason, and
a batch is retried file by file so that only the file that breaks the marts is refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, runtime, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency
from prefect.states import Completed, Failed

from ahual import build as build_step
from ahual import resources, settings
from ahual.console import progress, say
from ahual.gate import check as check_step
from ahual.gate.files import Candidate, FileOutcome, IngestResult, receive
from ahual.gate.quarantine import quarantine
from ahual.kinds import kind as kind_named
from ahual.ops.loads import user_name
from ahual.ops.status import record_last_run
from ahual.problems import BuildRefused, Problem, shown
from ahual.schedules import WRITER_LIMIT
from ahual.warehouse import store

FIRST_REASONS = 3  # the reasons a refusal's ERROR line in the run log names


class FileRefused(Exception):
    """What a refused file's check task ends with (Failed, named Rejected): the check."""

    def __init__(self, checked: check_step.Checked):
        super().__init__(_first_reasons(checked.problems))
        self.checked = checked


@task(name="check file", cache_policy=NO_CACHE)
def check_file(con, candidate: Candidate):
    """Parse and validate one file, and hold back a resubmission far smaller than what it
    replaces. A refused file ends this task Failed (Rejected), red in the UI; the flow goes
    on with the other files."""
    checked = check_step.check(candidate)
    if checked.parsed is not None:
        held = candidate.kind.held_back(con, checked.parsed, candidate.options)
        if held:
            checked.parsed, checked.problems = None, held
    if checked.parsed is None:
        return Failed(name="Rejected", message=f"{candidate.path.name}: "
                      f"{_first_reasons(checked.problems)}", data=FileRefused(checked))
    return checked


def _checked(con, candidate: Candidate) -> check_step.Checked:
    state = check_file.with_options(task_run_name=f"check {candidate.path.name}")(
        con, candidate, return_state=True)
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
    return store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)


def _flow_run_id() -> str | None:
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
                        validation_page=data_docs, flow_run_id=_flow_run_id(),
                        convert_to=convert_to)
    store.record_rejection(con, load_key=candidate.load_key, kind=candidate.kind.name,
                           file_name=path.name, sha256=candidate.sha256,
                           loaded_as=candidate.loaded_as_json, stage=stage,
                           rules="; ".join(sorted({p.rule for p in problems})),
                           reason="\n".join(p.plain() for p in problems),
                           quarantine_path=str(folder), flow_run_id=_flow_run_id())
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
                                        flow_run_id=_flow_run_id())
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
                                  tables=checked.parsed.tables, flow_run_id=_flow_run_id())
    return FileOutcome(c.path.name, c.kind.name, "loaded", rows=checked.parsed.rows,
                       batch_id=batch_id, warnings=checked.warnings,
                       data_docs=checked.data_docs, summary=checked.parsed.summary)


def _build(con, force: bool) -> build_step.BuildOutcome:
    with progress("building marts") as advance:
        return build_step.build(con, force=force, progress=advance)


def _commit(con, accepted: list[check_step.Checked], force: bool = False,
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
        built, _, refused = _commit(con, [], force, events)
        last, outcomes, _ = _commit(con, accepted, force)
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
        outcome, loaded, _ = _commit(con, [checked], force)
        outcomes += loaded
        last = outcome or last
    return last, outcomes, []


def _blame(refusal: BuildRefused) -> list[Problem]:
    note = Problem("the marts", "marts pass their checks with this file",
                   "loading this file would make the published marts break their rules; "
                   "nothing of it was loaded, and the published warehouse is unchanged")
    return [note, *refusal.problems]


def _is_local_server(config) -> bool:
    """Whether the Prefect API is Ahual's own local server of this AHUAL_HOME."""
    try:
        return config.home.server_url_file.read_text(encoding="utf-8").strip() == (
            config.prefect_api_url or "").strip()
    except OSError:
        return False


_limits_ensured: set[str] = set()  # API URLs whose server has the writer limit


def ensure_writer_limit() -> None:
    """The global concurrency limit that lets one flow run write the warehouse at a time on
    every machine of a shared server: created once (limit 1) if the server lacks it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if url in _limits_ensured:
        return
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=WRITER_LIMIT, limit=1))
            except ObjectAlreadyExists:  # another run created it meanwhile
                pass
    _limits_ensured.add(url)


def ingest_candidates(wh: store.Warehouse, gather: Callable[[], list[Candidate]], *,
                      force: bool = False, build: bool = False,
                      after: Callable[[list[Candidate], IngestResult], None] | None = None,
                      events: Sequence[LoadEvent] = ()) -> IngestResult:
    """The gate for received files of any kinds, then one build and one publish. `gather`
    lists the files once this run is the only writer (two inbox runs never take the same
    file); `after` runs before the writer lets go (the inbox moves its files aside). The marts
    are built when a file was accepted, when asked (`build`: models whose code changed since
    the last build are rebuilt; `force`: all of them), or when a load is not yet built.
    `events` (reverts) are committed with that build; a file already loaded whose load no
    longer stands in full is reinstated the same way (made current again, not "unchanged")."""
    from ahual.gate.validation import data_docs_once

    result = IngestResult()
    events = list(events)
    reinstated: list[FileOutcome] = []
    config = settings.settings()
    wait = config.writer_wait_seconds
    # One writer at a time: on this machine by the lock file; across the machines of a shared
    # server also by Prefect's global concurrency limit. Its lease is short, so a run that is
    # killed frees the slot within a minute (the server's repossessor), not after five.
    shared = config.writer_limit if config.writer_limit is not None else bool(
        config.prefect_api_url) and not _is_local_server(config)
    if shared:
        ensure_writer_limit()
    slot = (concurrency(WRITER_LIMIT, timeout_seconds=wait, lease_duration=60) if shared
            else contextlib.nullcontext())
    with slot, wh.exclusive(wait, on_wait=say), data_docs_once():
        candidates = gather()
        with wh.connect() as con:
            accepted, seen = [], {}
            sent = {store.loaded_batch(con, c.load_key) for c in candidates} - {None}
            for candidate in candidates:
                name = candidate.path.name
                if candidate.load_key in seen:  # the same file twice in one run
                    result.outcomes.append(FileOutcome(
                        name, candidate.kind.name, "unchanged", problems=[Problem(
                            name, "sent once", f"the same file as {seen[candidate.load_key]}, "
                            "sent in this run")]))
                    continue
                seen[candidate.load_key] = name
                if candidate.refusal:
                    result.outcomes.append(quarantine_file(con, candidate, candidate.refusal,
                                                           "receive"))
                    continue
                batch_id = store.loaded_batch(con, candidate.load_key)
                if batch_id is not None:
                    standing = store.load_standing(con, batch_id)
                    if not standing or not _reinstates(candidate, standing[0], sent):
                        result.outcomes.append(FileOutcome(name, candidate.kind.name,
                                                           "unchanged", batch_id=batch_id))
                    else:
                        events.append(LoadEvent(batch_id, "reinstate", user_name(),
                                                f"{name} sent again"))
                        reinstated.append(FileOutcome(
                            name, candidate.kind.name, "reinstated", batch_id=batch_id,
                            rows=standing[0]["rows_loaded"],
                            summary={"replaces": _batches(standing[0]["replaced_by"]),
                                     "was": _was(standing[0])}))
                    continue
                checked = _checked(con, candidate)
                if checked.parsed is None:
                    result.outcomes.append(quarantine_file(
                        con, candidate, checked.problems, "file", checked.data_docs,
                        checked.warnings))
                else:
                    accepted.append(checked)
            if accepted or events or build or force or _behind(con):
                result.build, loaded, result.refused_build = _commit(con, accepted, force,
                                                                     tuple(events))
                result.outcomes += loaded + ([] if result.refused_build else reinstated)
            con.execute("CHECKPOINT")
            working_build = _last_build_id(con)
        order = {c.path.name: i for i, c in reversed(list(enumerate(candidates)))}
        result.outcomes.sort(key=lambda o: order.get(o.file, len(order)))
        if after:
            after(candidates, result)
        if _last_build_id_of(wh.published) < working_build:
            result.published = wh.publish()
        record_last_run(settings.home(), working_build_id=working_build,
                        published_build_id=_last_build_id_of(wh.published),
                        refused_build=[p.plain() for p in result.refused_build],
                        files={s: sum(o.status == s for o in result.outcomes)
                               for s in ("loaded", "unchanged", "rejected")})
    return result


def _reinstates(candidate: Candidate, standing: dict, sent: set[int]) -> bool:
    """Whether a file already loaded is made current again by being sent again: when its load
    no longer stands in full, unless a load that replaced it is sent in the same run (the
    demo's files, a correction among them, sent again change nothing) or it is one of the
    programme's figures every run sends."""
    return (not store.is_current(standing) and not sent & set(standing["replaced_by"])
            and resources.reference() not in candidate.path.parents)


def _batches(ids: list[int]) -> str:
    return ", ".join(f"batch {i}" for i in ids)


def _was(standing: dict) -> str:
    """Why a load no longer stood in full before it was sent again ("" when replaced)."""
    if standing["last_action"] == "revert":
        return f"reverted by {standing['who']}: {standing['why']}"
    return ""


def _behind(con) -> bool:
    """Whether the working warehouse has loads no build has covered (a run stopped between
    them, which one transaction now prevents, or a warehouse made by an earlier version)."""
    loads, built, builds = store.one(
        con, "SELECT (SELECT coalesce(max(batch_id), 0) FROM raw.load_batches), "
        "(SELECT coalesce(max(last_batch_id), 0) FROM raw.builds), "
        "(SELECT count(*) FROM raw.builds)")
    return loads > built or not builds


def _last_build_id(con) -> int:
    return store.one(con, "SELECT coalesce(max(build_id), 0) FROM raw.builds")[0]


def _last_build_id_of(path: Path) -> int:
    """The last build a warehouse file holds (-1: there is no such file)."""
    import duckdb

    if not path.exists():
        return -1
    with duckdb.connect(str(path), read_only=True) as con:
        return _last_build_id(con)


def reference_candidates() -> list[Candidate]:
    """The programme's published national figures: loaded like any report, by every run."""
    found = []
    for name, paths in build_step.reference_reports().items():
        kind = kind_named(name)
        found += [receive(p, kind, kind.options()) for p in paths]
    return found


def _summarise(result: IngestResult, what: str) -> None:
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
    if not _flow_run_id():
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


def _final_state(result: IngestResult, what: str):
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


def _files(paths: list[str]) -> str:
    return shown(Path(paths[0]).name) if len(paths) == 1 else f"{len(paths)} files"


def _ingest_name() -> str:
    """"survey: s01.sav as study S01", "registrations: 3 files"."""
    p = _parameters()
    meaning = [f"{k} {v}" for k, v in (p.get("options") or {}).items()
               if isinstance(v, str | int) and not isinstance(v, bool) and "/" not in str(v)]
    return f"{p['kind']}: {_files(p['files'])}" + (f" as {', '.join(meaning)}"
                                                    if meaning else "")


def _named(prefix: str, *keys: str) -> Callable[[], str]:
    """A run name from the flow's own parameters: "snapshot 2008Q4", "revert batch 7"."""
    def name() -> str:
        p = _parameters()
        words = [f"--{k}" if p.get(k) is True else str(p[k]) for k in keys
                 if p.get(k) not in (None, False)]
        return " ".join([prefix, *words])
    return name


def _rename(name: str) -> None:
    """Name the running flow run once what it does is known (the inbox's files)."""
    from prefect.client.orchestration import get_client

    if _flow_run_id():
        with get_client(sync_client=True) as client:
            client.set_flow_run_name(runtime.flow_run.id, name)


# --- flows ----------------------------------------------------------------------------------

@flow(name="ingest", flow_run_name=_ingest_name)
def ingest(kind: str, files: list[str], options: dict | None = None):
    """Validate and load files of one input kind, then build and publish the marts."""
    spec = kind_named(kind)
    chosen = spec.options(**(options or {}))
    result = ingest_candidates(warehouse(), lambda: reference_candidates() + [
        receive(Path(f), spec, chosen) for f in files])
    result.outcomes = [o for o in result.outcomes if o.file in {Path(f).name for f in files}
                       or o.status != "unchanged"]
    _summarise(result, f"ingest-{kind}")
    return _final_state(result, f"ingest {kind}")


@flow(name="build-marts", flow_run_name=_named("build", "force"))
def build_marts(force: bool = False):
    """Bring the marts up to date with what is loaded and publish them (`force`: rebuild
    every model even if nothing changed)."""
    result = ingest_candidates(warehouse(), reference_candidates, force=force, build=True)
    result.outcomes = [o for o in result.outcomes if o.status != "unchanged"]
    if result.build is None or not result.build.changed:
        say(f"marts up to date: nothing changed since the published build "
            f"({settings.home().published_warehouse})")
    _summarise(result, "build")
    return _final_state(result, "build")


@flow(name="loads-revert", flow_run_name=_named("revert batch", "batch_id"))
def revert_load(batch_id: int, why: str, who: str):
    """Revert a load: the loads it replaced count again, committed with the build and
    published; recorded with who, when and why (raw.load_events)."""
    result = ingest_candidates(warehouse(), reference_candidates,
                               events=[LoadEvent(batch_id, "revert", who, why)])
    result.outcomes = [o for o in result.outcomes if o.status != "unchanged"]
    _summarise(result, "loads-revert")
    return _final_state(result, f"revert batch {batch_id}")


@flow(name="inbox-ingest", flow_run_name="inbox")
def ingest_inbox():
    """Ingest every complete file waiting in AHUAL_HOME/inbox/, then move it aside."""
    from ahual.ops import inbox

    if not inbox.waiting(settings.home().inbox).anything:
        # Nothing there: answered without taking the writer, which another run may hold.
        say("inbox: nothing waiting")
        return Completed(message="inbox: nothing waiting", data=IngestResult())
    found = {}

    def gather() -> list[Candidate]:
        found["waiting"] = inbox.waiting(settings.home().inbox)
        _rename(f"inbox: {_files([str(c.path) for c in found['waiting'].candidates])}"
                if found["waiting"].candidates else "inbox: nothing ready")
        for outcome in found["waiting"].not_ready:
            say(outcome.line())
        return reference_candidates() + found["waiting"].candidates

    def move_aside(candidates: list[Candidate], result: IngestResult) -> None:
        inbox.move_aside(found["waiting"].candidates, result.outcomes)

    result = ingest_candidates(warehouse(), gather, after=move_aside)
    taken = {c.path.name for c in found["waiting"].candidates}
    result.outcomes = [o for o in result.outcomes if o.file in taken]
    if not taken:
        say("inbox: nothing waiting")
        return Completed(message="inbox: nothing waiting", data=result)
    _summarise(result, "inbox")
    return _final_state(result, "inbox")


@flow(name="quarterly-snapshot", flow_run_name=_named("snapshot", "quarter"))
def snapshot(quarter: str | None = None, today: date | None = None):
    """Take the snapshot of a closed quarter (default: the last closed one)."""
    from ahual import snapshot as snapshot_step

    taken = snapshot_step.take(quarter, today)
    if _flow_run_id():
        snapshot_step.artifacts(taken)
    return taken


@flow(name="consolidated-report", flow_run_name=_named("report", "period", "lang"))
def report(period: str | None = None, lang: str = "kk,ru"):
    """Write the information report for a half-year (default: the last closed one)."""
    from ahual import report as report_step

    return report_step.write(period, lang.split(","))


@flow(name="completeness-check", flow_run_name=_named("completeness", "period"))
def completeness_check(period: str | None = None):
    """Who has not reported for a half-year (default: the last closed one)."""
    from ahual.ops import completeness

    found = completeness.check(period)
    if _flow_run_id():
        completeness.artifacts(found)
    return found


@flow(name="demo-inputs", flow_run_name="demo: made-up inputs")
def demo_inputs():
    """The demo's files through the gate: a run of its own, so the file the demo refuses on
    purpose shows in the UI as that run's Rejected state, under the demo run that expected it."""
    from ahual.ops import inbox

    folder = resources.demo()
    found = inbox.scan(folder, settle_seconds=0, inbox=False)
    _rename(f"demo: {len(found.candidates)} files")
    say(f"Ahual demo: {len(found.candidates)} made-up input files from {folder} (regional "
        "figures consistent with the programme's national counts)")
    result = ingest_candidates(warehouse(), lambda: reference_candidates() + found.candidates)
    _summarise(result, "demo")
    return _final_state(result, "demo")


@flow(name="demo", flow_run_name="demo (made-up data)")
def demo():
    """Every demo input through the gate, one build, the quarterly snapshot and the report."""
    from ahual.ops import demo as demo_step

    outcome = demo_inputs(return_state=True).result(raise_on_failure=False)
    result = outcome.result if isinstance(outcome, Rejected) else outcome
    taken = snapshot()
    written = report(demo_step.REPORT_PERIOD)
    ok = demo_step.summary(result, taken, written)
    if not ok:
        message = "the demo did not reject exactly the files meant to fail"
        return Failed(message=message, data=Rejected(message, result))
    return Completed(message="demo complete", data=result)
