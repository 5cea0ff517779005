"""`ahual demo`: what the demo shows at the end. Its inputs are `datasets/demo/`, laid out as an
inbox (datasets/demo/README.md says they are made up); the flow is `pipeline.demo`.
"""

from __future__ import annotations

import os
import shutil
from fnmatch import fnmatch
from pathlib import Path

from ahual.flows import resources, settings
from ahual.flows.console import say
from ahual.flows.ops import daemon, server
from ahual.flows.problems import UsageError
from ahual.warehouse import store

MARKER_TEXT = ("This AHUAL_HOME was made by `ahual demo`. Every figure in it is MADE UP for\n"
               "demonstration (only the national sums follow the real programme figures):\n"
               "do not cite them. Real files are loaded into a home of their own.\n")

# The demo's progress reports run to the end of the programme.
REPORT_PERIOD = "2009H2"
# Demo files meant to be refused, to show quarantine at work.
REJECTED_ON_PURPOSE = "*has-errors*"


def prepare_home() -> Path:
    """Choose and mark the home the demo works in: AHUAL_HOME (or --home) when one was given
    and it is empty or already a demo home, else the per-user demo folder. An analyst's own
    home is refused: the demo never writes made-up figures beside real ones."""
    given = os.environ.get("AHUAL_HOME")
    root = Path(given).expanduser().resolve() if given else settings.default_demo_home()
    home = settings.Home(root)
    real = root.exists() and any(root.iterdir()) and not home.is_demo
    if real:
        raise UsageError(f"{root} holds an analyst's own data; the demo works in a home of its "
                         "own: run it without AHUAL_HOME/--home (it uses "
                         f"{settings.default_demo_home()}) or with --home on an empty folder")
    made_by = f"made by Ahual {resources.code_version()}\n"
    if home.is_demo and not home.demo_marker.read_text(encoding="utf-8").endswith(made_by):
        # made by another release: its closed quarter's snapshot would no longer reproduce
        # with this one's marts, and everything in it is made up, so it is made afresh
        say(f"the demo home {root} was made by another Ahual; making it afresh ...")
        daemon.stop(home)
        server.stop(home)
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    if not home.is_demo:
        home.demo_marker.write_text(MARKER_TEXT + made_by, encoding="utf-8")
    # when the made-up files "arrived", so lateness shows as it would (datasets/demo/receipts.csv)
    receipts = (resources.demo() / "receipts.csv").read_bytes()
    if not home.receipts.exists() or home.receipts.read_bytes() != receipts:
        home.receipts.write_bytes(receipts)
    os.environ["AHUAL_HOME"] = str(root)
    return root


def expected_rejections() -> set[str]:
    return {p.name for p in resources.demo().rglob("*") if fnmatch(p.name, REJECTED_ON_PURPOSE)}


def summary(result, taken, written) -> bool:
    """Say where everything is; True when exactly the files meant to fail were refused."""
    home = settings.home()
    rejected = {o.file for o in result.outcomes if o.status == "rejected"}
    wh = store.Warehouse.of(home)
    with wh.read_published() as con:
        growth = store.one(con, store.query("demo_growth"))
        gap = store.one(con, store.query("demo_unattributed"))
    if growth:
        say(f"\nAssociations 1990 -> 2007: {growth[0]} -> {growth[1]} (x{growth[2]}); "
            f"2007 unattributed: {gap[0] if gap else 'n/a'}")
    say(f"\nDemo home: {home.root} — every figure in it is MADE UP (it says so on every "
        "page); your own AHUAL_HOME is untouched")
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
