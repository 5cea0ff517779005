"""`ahual demo`: what the demo shows at the end. Its inputs are `datasets/demo/`, laid out as an
inbox (datasets/demo/README.md says they are made up); the flow is `pipeline.demo`.
"""

from __future__ import annotations

from fnmatch import fnmatch

from ahual import resources, settings
from ahual.console import say
from ahual.warehouse import store

# The demo's progress reports run to the end of the programme.
REPORT_PERIOD = "2009H2"
# Demo files meant to be refused, to show quarantine at work.
REJECTED_ON_PURPOSE = "*has-errors*"


def expected_rejections() -> set[str]:
    return {p.name for p in resources.demo().rglob("*") if fnmatch(p.name, REJECTED_ON_PURPOSE)}


def summary(result, taken, written) -> bool:
    """Say where everything is; True when exactly the files meant to fail were refused."""
    home = settings.home()
    rejected = {o.file for o in result.outcomes if o.status == "rejected"}
    wh = store.Warehouse(home.working_warehouse, home.published_warehouse, home.writer_lock)
    with wh.read_published() as con:
        growth = store.one(con, store.query("demo_growth"))
        gap = store.one(con, store.query("demo_unattributed"))
    if growth:
        say(f"\nAssociations 1990 -> 2007: {growth[0]} -> {growth[1]} (x{growth[2]}); "
            f"2007 unattributed: {gap[0] if gap else 'n/a'}")
    say("\nWhere the results are:")
    say(f"  published warehouse  {home.published_warehouse}  (marts.*, open read-only)")
    say(f"  quarterly snapshot   {taken.folder}  (Parquet + manifest.json)")
    for html in written.html:
        say(f"  report {REPORT_PERIOD}        {html}")
    for xlsx in written.xlsx:
        say(f"                       {xlsx}")
    say(f"  quarantine           {home.quarantine}")
    say(f"  validation Data Docs {home.data_docs_index}")
    say("  explore              make notebooks (registrations, studies, monitoring, programme,\n"
        "                       forecasts)")
    expected = expected_rejections()
    if rejected != expected:
        say(f"unexpected: rejected {sorted(rejected)}, expected {sorted(expected)}",
            style="refused")
    return rejected == expected
