"""Build: load the reference reports, rebuild every model, check the marts, publish.

Validation is the gate: the marts are rebuilt in the working warehouse, checked against their
GX suites (expectations/marts/), and only a build that passes is published.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import duckdb
from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows import config
from flows.problems import InputRejected
from flows.progress import say
from flows.validation import data_docs_once, suite_file, validate
from warehouse import runner, store

REFERENCE_REPORTS = {"registrations": "reports/national_registrations_*.csv"}
# Everything a build reads besides the loaded rows; a change to any of it rebuilds.
BUILD_INPUTS = ("warehouse/raw.sql", *(f"warehouse/{layer}/*.sql" for layer in runner.LAYERS),
                "warehouse/marts/marts.yml", "datasets/reference/**/*.csv",
                "expectations/marts/*.json")


def inputs_hash(con: duckdb.DuckDBPyConnection) -> str:
    """Fingerprint of what the marts are made from: loads, rejections, models, reference data
    and mart suites. A build whose fingerprint matches the last one has nothing to do."""
    digest = hashlib.sha256()
    state = con.execute(
        "SELECT (SELECT count(*) FROM raw.load_batches), "
        "(SELECT coalesce(max(batch_id), 0) FROM raw.load_batches), "
        "(SELECT count(*) FROM raw.rejections), "
        "(SELECT coalesce(max(rejected_at)::varchar, '') FROM raw.rejections)").fetchone()
    digest.update(repr(state).encode())
    for pattern in BUILD_INPUTS:
        for path in sorted(config.REPO_ROOT.glob(pattern)):
            digest.update(str(path.relative_to(config.REPO_ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def published_build(fingerprint: str) -> dict[str, int] | None:
    """Mart row counts of the published build if it was made from exactly these inputs.

    Asks the published file, not the working one: a build killed before publishing has
    recorded itself in the working file only.
    """
    if not config.published_warehouse().exists():
        return None
    with store.read_published() as con:
        row = con.execute("SELECT inputs_hash, mart_rows FROM raw.builds "
                          "ORDER BY build_id DESC LIMIT 1").fetchone()
    return json.loads(row[1]) if row and row[0] == fingerprint else None


@task(name="run models", cache_policy=NO_CACHE)
def run_models() -> dict[str, int]:
    with store.connect() as con:
        return runner.build(con, progress=say)


@task(name="check marts", cache_policy=NO_CACHE)
def check_marts(mart_rows: dict[str, int]) -> dict[str, dict]:
    """Validate every mart that has a suite; refuse to publish if any critical rule fails."""
    results, problems = {}, []
    with store.connect() as con:
        for table in mart_rows:
            suite = "marts/" + table.split(".", 1)[1]
            if not suite_file(suite).exists():
                continue
            frame = con.sql(f"SELECT * FROM {table}").to_arrow_table().to_pandas()
            outcome = validate(frame, suite, table)
            results[suite] = {"success": outcome.success, "rows": outcome.evaluated,
                              "problems": [p.plain() for p in outcome.problems]}
            problems += outcome.problems
    if problems:
        raise InputRejected(problems)
    return results


@task(name="record build", cache_policy=NO_CACHE)
def record_build(mart_rows: dict[str, int], validation: dict[str, dict], fingerprint: str) -> int:
    with store.connect() as con:
        build_id = con.execute(
            "SELECT coalesce(max(build_id), 0) + 1 FROM raw.builds").fetchone()[0]
        last_batch = con.execute("SELECT max(batch_id) FROM raw.load_batches").fetchone()[0]
        con.execute("INSERT INTO raw.builds VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [build_id, datetime.now(), config.code_version(), last_batch, fingerprint,
                     json.dumps(mart_rows), json.dumps(validation)])
        con.execute("CHECKPOINT")
    return int(build_id)


@flow(name="build-marts")
def build_marts(force: bool = False) -> dict[str, int]:
    """Rebuild the marts from everything loaded and publish the warehouse atomically; skipped
    when nothing they are made from has changed since the published build (unless `force`)."""
    from flows.ingest import KINDS, ingest_one, report_outcomes

    with store.exclusive(on_wait=say), data_docs_once():
        with store.connect() as con:
            for kind, pattern in REFERENCE_REPORTS.items():
                outcomes = [ingest_one(path, KINDS[kind], con=con)
                            for path in sorted(config.REFERENCE.glob(pattern))]
                if any(o.status != "unchanged" for o in outcomes):
                    report_outcomes(f"reference-{kind}", outcomes)
            fingerprint = inputs_hash(con)
        unchanged = None if force else published_build(fingerprint)
        if unchanged is not None:
            say(f"marts up to date: nothing changed since the published build "
                f"({config.published_warehouse()})")
            return unchanged
        say("building marts ...")
        counts = run_models()
        say("checking marts ...")
        validation = check_marts(counts)
        record_build(counts, validation, fingerprint)
        published = store.publish()
    for table, rows in counts.items():
        say(f"  {table}: {rows} rows")
    say(f"published {published}")
    create_table_artifact(key="mart-row-counts",
                          table=[{"mart": t, "rows": n} for t, n in counts.items()],
                          description="Rows in each mart after this build")
    return counts
