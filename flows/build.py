"""Build: load the reference reports, rebuild every model in one transaction, publish."""

from __future__ import annotations

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import config
from flows.progress import say
from warehouse import runner, store

REFERENCE_REPORTS = {"registrations": "reports/national_registrations_*.csv"}


@task(name="run models", cache_policy=NO_CACHE)
def run_models() -> dict[str, int]:
    with store.connect() as con:
        counts = runner.build(con, progress=say)
        con.execute("CHECKPOINT")
    return counts


@flow(name="build-marts")
def build_marts() -> dict[str, int]:
    """Rebuild the marts from everything loaded and publish the warehouse atomically."""
    from flows.ingest import KINDS, ingest_one, report_outcomes

    with store.exclusive(on_wait=say):
        for kind, pattern in REFERENCE_REPORTS.items():
            outcomes = [ingest_one(path, KINDS[kind])
                        for path in sorted(config.REFERENCE.glob(pattern))]
            if any(o.status != "unchanged" for o in outcomes):
                report_outcomes(f"reference-{kind}", outcomes)
        say("building marts ...")
        counts = run_models()
        published = store.publish()
    for table, rows in counts.items():
        say(f"  {table}: {rows} rows")
    say(f"published {published}")
    create_table_artifact(key="mart-row-counts",
                          table=[{"mart": t, "rows": n} for t, n in counts.items()],
                          description="Rows in each mart after this build")
    return counts
