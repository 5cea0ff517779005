"""`ahual demo`: the whole pipeline on the bundled, made-up demo inputs."""

from __future__ import annotations

from prefect import flow

from flows import config
from flows.build import build_marts
from flows.ingest import ingest
from flows.progress import say
from flows.report import report
from flows.snapshot import snapshot
from warehouse import store

# The demo's progress reports run to the end of the programme.
DEMO_REPORT_PERIOD = "2009H2"
# Demo files meant to be refused, to show quarantine at work.
REJECTED_ON_PURPOSE = "*has-errors*"


@flow(name="demo")
def demo() -> bool:
    """Ingest every demo input, build the marts, say where everything is.

    Returns True when exactly the files meant to fail were rejected.
    """
    folder = config.DEMO / "registrations"
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".csv", ".xlsx"})

    say(f"Ahual demo: {len(files)} registration reports from {folder} (made-up figures "
        "consistent with the programme's national counts)")
    outcomes = ingest("registrations", [str(p) for p in files], build=False)
    for round_folder in sorted((config.DEMO / "monitoring").glob("round-*")):
        round_no = int(round_folder.name.split("-")[1])
        sheets = sorted(p for p in round_folder.iterdir() if p.suffix.lower() in {".csv", ".xlsx"})
        say(f"monitoring round {round_no}: {len(sheets)} sheet(s) from {round_folder}")
        outcomes += ingest("monitoring", [str(p) for p in sheets], {"round": round_no},
                           build=False)
    for data in sorted((config.DEMO / "surveys").glob("S??.[cs][sa][vv]")):
        say(f"study {data.stem}: microdata {data.name}")
        outcomes += ingest("survey", [str(data)], {"study": data.stem}, build=False)
    reports = sorted(p for p in (config.DEMO / "progress").iterdir()
                     if p.suffix.lower() in {".csv", ".xlsx"})
    say(f"progress reports: {len(reports)} file(s)")
    outcomes += ingest("progress", [str(p) for p in reports], build=False)
    build_marts()
    taken = snapshot()
    written = report(DEMO_REPORT_PERIOD)
    expected = {p.name for p in folder.glob(REJECTED_ON_PURPOSE)}
    rejected = {o.file for o in outcomes if o.status == "rejected"}
    with store.read_published() as con:
        growth = con.execute(
            "SELECT from_count, to_count, round(ratio, 2) FROM marts.association_growth "
            "WHERE confession_family = 'ALL' AND from_date = DATE '1990-01-01' "
            "AND to_date = DATE '2007-01-01'").fetchone()
        gap = con.execute(
            "SELECT unattributed FROM marts.registration_reconciliation "
            "WHERE region_code IS NULL AND as_of = DATE '2007-01-01'").fetchone()
    if growth:
        say(f"\nAssociations 1990 -> 2007: {growth[0]} -> {growth[1]} (x{growth[2]}); "
            f"2007 unattributed: {gap[0] if gap else 'n/a'}")
    say("\nWhere the results are:")
    say(f"  published warehouse  {config.published_warehouse()}  (marts.*, open read-only)")
    say(f"  quarterly snapshot   {taken.folder}  (Parquet + manifest.json)")
    say(f"  report {DEMO_REPORT_PERIOD}          {written.html}")
    say(f"                       {written.xlsx}")
    say(f"  quarantine           {config.quarantine_dir()}")
    say(f"  validation Data Docs {config.data_docs_index()}")
    say("  explore              notebooks/ (registrations, studies, monitoring, programme)")
    if rejected != expected:
        say(f"unexpected: rejected {sorted(rejected)}, expected {sorted(expected)}")
    return rejected == expected
