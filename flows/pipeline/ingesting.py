"""The gate for received files of any kinds, one writer at a time: the files checked, the
refused quarantined, the accepted loaded and built in one transaction, then published."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.settings import PREFECT_API_URL

from ahual.flows import build as build_step
from ahual.flows import resources, settings
from ahual.flows.console import say
from ahual.flows.gate.files import Candidate, FileOutcome, IngestResult, receive
from ahual.flows.kinds import check_home_registries
from ahual.flows.kinds import kind as kind_named
from ahual.flows.ops.status import record_last_run
from ahual.flows.pipeline.steps import LoadEvent, check_each, commit, quarantine_file
from ahual.flows.problems import Problem
from ahual.flows.schedules import WRITER_LIMIT
from ahual.warehouse import store


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
    # Great Expectations' import (~5 s): only a run that receives files pays it
    from ahual.flows.gate.validation import data_docs_once

    check_home_registries()
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
            accepted, to_check, seen = [], [], {}
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
                        events.append(LoadEvent(batch_id, "reinstate", settings.user_name(),
                                                f"{name} sent again"))
                        reinstated.append(FileOutcome(
                            name, candidate.kind.name, "reinstated", batch_id=batch_id,
                            rows=standing[0]["rows_loaded"],
                            summary={"replaces": _batches(standing[0]["replaced_by"]),
                                     "was": _was(standing[0])}))
                    continue
                to_check.append(candidate)
            for checked in check_each(con, to_check):  # the files of a kind validated together
                if checked.parsed is None:
                    result.outcomes.append(quarantine_file(
                        con, checked.candidate, checked.problems, "file", checked.data_docs,
                        checked.warnings))
                else:
                    accepted.append(checked)
            if accepted or events or build or force or _behind(con):
                result.build, loaded, result.refused_build = commit(con, accepted, force,
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


