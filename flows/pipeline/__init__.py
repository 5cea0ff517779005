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

from datetime import date
from pathlib import Path

from prefect import flow
from prefect.states import Completed, Failed

from ahual.flows import report as report_step
from ahual.flows import resources, settings
from ahual.flows import snapshot as snapshot_step
from ahual.flows.console import say
from ahual.flows.gate.files import Candidate, IngestResult, receive
from ahual.flows.kinds import kind as kind_named
from ahual.flows.ops import aliases, completeness, inbox, quarantined
from ahual.flows.ops import demo as demo_step
from ahual.flows.pipeline.ingesting import ingest_candidates, reference_candidates
from ahual.flows.pipeline.presentation import (
    Rejected,
    files_named,
    final_state,
    ingest_name,
    named,
    rename,
    summarise,
)
from ahual.flows.pipeline.steps import LoadEvent, flow_run_id, warehouse


@flow(name="ingest", flow_run_name=ingest_name)
def ingest(kind: str, files: list[str], options: dict | None = None):
    """Validate and load files of one input kind, then build and publish the marts."""
    spec = kind_named(kind)
    chosen = spec.options(**(options or {}))
    result = ingest_candidates(warehouse(), lambda: reference_candidates() + [
        receive(Path(f), spec, chosen) for f in files])
    result.outcomes = [o for o in result.outcomes if o.file in {Path(f).name for f in files}
                       or o.status != "unchanged"]
    summarise(result, f"ingest-{kind}")
    return final_state(result, f"ingest {kind}")


@flow(name="build-marts", flow_run_name=named("build", "force"))
def build_marts(force: bool = False):
    """Bring the marts up to date with what is loaded and publish them (`force`: rebuild
    every model even if nothing changed)."""
    result = ingest_candidates(warehouse(), reference_candidates, force=force, build=True)
    result.outcomes = [o for o in result.outcomes if o.status != "unchanged"]
    if result.build is None or not result.build.changed:
        say(f"marts up to date: nothing changed since the published build "
            f"({settings.home().published_warehouse})")
    summarise(result, "build")
    return final_state(result, "build")


@flow(name="loads-revert", flow_run_name=named("revert batch", "batch_id"))
def revert_load(batch_id: int, why: str, who: str):
    """Revert a load: the loads it replaced count again, committed with the build and
    published; recorded with who, when and why (raw.load_events)."""
    result = ingest_candidates(warehouse(), reference_candidates,
                               events=[LoadEvent(batch_id, "revert", who, why)])
    result.outcomes = [o for o in result.outcomes if o.status != "unchanged"]
    summarise(result, "loads-revert")
    return final_state(result, f"revert batch {batch_id}")


@flow(name="inbox-ingest", flow_run_name="inbox")
def ingest_inbox():
    """Ingest every complete file waiting in AHUAL_HOME/inbox/, then move it aside."""
    if not inbox.waiting(settings.home().inbox).anything:
        # Nothing there: answered without taking the writer, which another run may hold.
        say("inbox: nothing waiting")
        return Completed(message="inbox: nothing waiting", data=IngestResult())
    found = {}

    def gather() -> list[Candidate]:
        found["waiting"] = inbox.waiting(settings.home().inbox)
        rename(f"inbox: {files_named([str(c.path) for c in found['waiting'].candidates])}"
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
    summarise(result, "inbox")
    return final_state(result, "inbox")


@flow(name="quarterly-snapshot", flow_run_name=named("snapshot", "quarter"))
def snapshot(quarter: str | None = None, today: date | None = None):
    """Take the snapshot of a closed quarter (default: the last closed one)."""
    taken = snapshot_step.take(quarter, today)
    if flow_run_id():
        snapshot_step.artifacts(taken)
    return taken


@flow(name="consolidated-report", flow_run_name=named("report", "period", "lang"))
def report(period: str | None = None, lang: str = "kk,ru"):
    """Write the information report for a half-year (default: the last closed one)."""
    return report_step.write(period, lang.split(","))


@flow(name="completeness-check", flow_run_name=named("completeness", "period"))
def completeness_check(period: str | None = None):
    """Who has not reported for a half-year (default: the last closed one)."""
    found = completeness.check(period)
    if flow_run_id():
        completeness.artifacts(found)
    return found


@flow(name="demo-inputs", flow_run_name="demo: made-up inputs")
def demo_inputs():
    """The demo's files through the gate: a run of its own, so the file the demo refuses on
    purpose shows in the UI as that run's Rejected state, under the demo run that expected it."""
    folder = resources.demo()
    found = inbox.scan(folder, settle_seconds=0, inbox=False)
    rename(f"demo: {len(found.candidates)} files")
    say(f"Ahual demo: {len(found.candidates)} made-up input files from {folder} (regional "
        "figures consistent with the programme's national counts)")
    result = ingest_candidates(warehouse(), lambda: reference_candidates() + found.candidates)
    summarise(result, "demo")
    return final_state(result, "demo")


@flow(name="demo", flow_run_name="demo (made-up data)")
def demo():
    """Every demo input through the gate, one build, the quarterly snapshot and the report."""
    outcome = demo_inputs(return_state=True).result(raise_on_failure=False)
    result = outcome.result if isinstance(outcome, Rejected) else outcome
    taken = snapshot()
    written = report(demo_step.REPORT_PERIOD)
    ok = demo_step.summary(result, taken, written)
    if not ok:
        message = "the demo did not reject exactly the files meant to fail"
        return Failed(message=message, data=Rejected(message, result))
    return Completed(message="demo complete", data=result)


@flow(name="aliases-retry", flow_run_name="aliases: retry quarantined files")
def aliases_retry(folders: list[str]):
    """Re-ingest the given quarantine entries that now pass their label rules (an alias was
    added): through the ordinary gate in one run, one build, one publish."""
    wanted = {str(Path(f)) for f in folders}
    chosen = [r for r in aliases.retryable([e for e in quarantined.quarantined()
                                            if str(e.folder) in wanted]) if r.passes]
    candidates = [receive(r.path, kind_named(r.entry.kind), r.options) for r in chosen]
    result = (ingest_candidates(warehouse(), lambda: reference_candidates() + candidates)
              if candidates else IngestResult())
    names = {c.path.name for c in candidates}
    result.outcomes = [o for o in result.outcomes if o.file in names]
    rejected = [o for o in result.outcomes if o.status == "rejected"]
    if rejected or result.refused_build:
        return Failed(name="Rejected", data=result, message=(
            f"{len(rejected)} of {len(result.outcomes)} retried file(s) refused again"))
    return Completed(data=result, message=f"{len(result.outcomes)} file(s) retried")
