"""`ahual register`: the linkage's review queue and an analyst's decisions on it.

    ahual register queue [--json]
    ahual register decide RECORD_A RECORD_B --accept|--reject --reason "..."

A decision is appended to AHUAL_HOME/register_decisions.csv (who: the account running it,
when, why), which every build replays as `reference.register_decisions`: the next build links
an accepted pair, keeps a rejected one apart, and gives the same identities again and again.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from ahual.flows import console, settings
from ahual.warehouse import store

DECISIONS = "register_decisions"  # AHUAL_HOME/<this>.csv; its empty layout in datasets/contracts
COLUMNS = ("record_a", "record_b", "decision", "decided_by", "reason", "decided_at")
QUEUE = ("SELECT record_a, record_b, match_probability, name_a, name_b, region_code, "
         "confession_code, registered_a, registered_b, bin_a, bin_b "
         "FROM marts.register_review_queue ORDER BY match_probability DESC, record_a, record_b")

app = typer.Typer(no_args_is_help=True, help="The register's review queue: pairs of records "
                  "the linkage is unsure are one association; accept or reject each, with why.")


def decisions_file() -> Path:
    return settings.home().root / f"{DECISIONS}.csv"


def queued() -> list[dict]:
    """The uncertain pairs of the published warehouse (none before anything is built)."""
    home = settings.home()
    if not home.published_warehouse.exists():
        return []
    wh = store.Warehouse.of(home)
    with wh.read_published() as con:
        try:
            result = con.execute(QUEUE)
        except duckdb.CatalogException:
            return []
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


@app.command("queue")
def queue(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """The pairs waiting for a decision, most likely first.

    Example: ahual register queue"""
    pairs = queued()
    if as_json or console.STDOUT_IS_DATA:  # `ahual --json register queue` too
        print(json.dumps(pairs, ensure_ascii=False, indent=2, default=str))
        return
    if not pairs:
        print("No pairs wait for a decision.")
        return
    for p in pairs:
        print(f"{p['record_a']}  {p['record_b']}  p={p['match_probability']:.3f}  "
              f"{p['region_code']} {p['confession_code']}\n    {p['name_a']}  "
              f"({p['registered_a']})\n    {p['name_b']}  ({p['registered_b']})")
    print(f"{len(pairs)} pair(s). Decide one: ahual register decide A B --accept|--reject "
          "--reason \"...\"")


@app.command("decide")
def decide(record_a: Annotated[str, typer.Argument(metavar="RECORD_A", help="a record of the "
                                                     "queue (`ahual register queue`)")],
           record_b: Annotated[str, typer.Argument(metavar="RECORD_B", help="the other")],
           accept: Annotated[bool, typer.Option("--accept", help="one association")] = False,
           reject: Annotated[bool, typer.Option("--reject", help="two associations")] = False,
           reason: Annotated[str, typer.Option("--reason", help="why (required)")] = "") -> None:
    """Record that two queued records are one association (--accept) or two (--reject).

    Example: ahual register decide 3f2a9c1b04de:17 77c0d1e2f3a4:210 --accept --reason "..."
    """
    if accept == reject:
        _usage("give exactly one of --accept and --reject")
    if not reason.strip():
        _usage("say why with --reason: a decision is kept with its reason")
    a, b = sorted((record_a.strip(), record_b.strip()))
    if not any((p["record_a"], p["record_b"]) == (a, b) for p in queued()):
        _usage(f"{a} and {b} are not a pair in the review queue; `ahual register queue` "
               "lists the pairs")
    path = decisions_file()
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        if new:
            out.writerow(COLUMNS)
        out.writerow([a, b, "accept" if accept else "reject", settings.user_name(),
                      " ".join(reason.split()), datetime.now().isoformat(timespec="seconds")])
    print(f"{'accepted' if accept else 'rejected'} {a} {b}: kept in {path}; the next build "
          "(ahual build) applies it")


def _usage(message: str) -> None:
    print(f"ahual register decide: {message}")
    raise typer.Exit(2)
