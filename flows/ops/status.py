"""`ahual status`: where things are, what the published warehouse holds, what was loaded and
refused, who has not reported, the snapshots. Reads the published warehouse and the files
beside it; never opens the working one (a reader there would block a load).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from rich.table import Table

from ahual.flows import obligations, settings
from ahual.flows.console import console
from ahual.flows.periods import Period
from ahual.warehouse import store


def last_run_file(home) -> Path:
    return home.working_warehouse.with_name("last-run.json")


def record_last_run(home, **facts) -> None:
    """What the last load or build did to the working warehouse, for status and doctor."""
    path = last_run_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    facts["finished_at"] = datetime.now().isoformat(timespec="seconds")
    path.write_text(json.dumps(facts, ensure_ascii=False, indent=2, default=str),
                    encoding="utf-8")


def last_run(home) -> dict | None:
    try:
        return json.loads(last_run_file(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def collect(limit: int = 10) -> dict:
    home = settings.home()
    facts: dict = {"ahual_home": str(home.root),
                   "paths": {"published warehouse": str(home.published_warehouse),
                             "quarantine": str(home.quarantine),
                             "snapshots": str(home.snapshots), "reports": str(home.reports),
                             "inbox": str(home.inbox),
                             "validation Data Docs": str(home.data_docs_index)},
                   "last_run": last_run(home), "snapshots": snapshots(home.snapshots),
                   "quarantine": quarantined(home.quarantine, limit)}
    wh = store.Warehouse.of(home)
    if not home.published_warehouse.exists():
        facts["published"] = None
        return facts
    with wh.read_published() as con:
        def rows(name: str, **params) -> list[tuple]:
            return con.sql(store.query(name), params=params).fetchall()

        build = rows("status_builds", limit=1)
        facts["published"] = ({"build_id": build[0][0], "built_at": build[0][1],
                               "code_version": build[0][2], "last_batch_id": build[0][3]}
                              if build else {})
        facts["loads"] = [dict(zip(("batch_id", "kind", "file", "rows", "loaded_at",
                                    "loaded_as"), (*r[:5], json.loads(r[5])), strict=True))
                          for r in rows("status_loads", limit=limit)]

        # a first build refused leaves a published warehouse of loads and no marts
        if build:
            # who has not reported: the same obligations `ahual completeness` reads, for the
            # latest half-year the data holds that is due
            period = rows("latest_due_period", today=date.today())[0][0]
            found = obligations.find(con, Period.parse(period)) if period else None
            facts["obligations_period"] = period
            facts["registrations_as_of"] = found.due and obligations.due_date(
                Period.parse(period)) if found else None
            missing = found.missing["registrations"] if found else []
            facts["regions_without_report"] = [{"code": c, "name": n} for c, n in missing]
            facts["late"] = found.late if found else []
            facts["partial"] = found.partial if found else []
            facts["monitoring_missing"] = [{"round": r[0], "regions": r[1]}
                                           for r in rows("status_monitoring_missing")]
            facts["progress_missing"] = [{"period": r[0], "agencies": r[1]}
                                         for r in rows("status_progress_missing")]
            loaded, registered = rows("status_studies")[0]
            keys = {r[0] for r in
                    con.execute("SELECT load_key FROM raw.load_batches").fetchall()}
            for entry in facts["quarantine"]:  # refused once, loaded since (a retry, an alias)
                entry["resolved"] = entry.get("load_key") in keys
            facts["studies"] = {"with_microdata": loaded, "registered": registered}
    run = facts["last_run"]
    published_id = (facts["published"] or {}).get("build_id")
    facts["behind"] = None
    if run and run.get("refused_build"):
        facts["behind"] = ("the last build was refused (" + run["refused_build"][0]
                           + "); the published warehouse holds the build before it")
    elif run and run.get("working_build_id", 0) and published_id is not None \
            and run["working_build_id"] > published_id:
        facts["behind"] = (f"the working warehouse has build {run['working_build_id']}, the "
                           f"published one {published_id}: a run stopped before publishing; "
                           "the next load or `ahual build` publishes it")
    return facts


def quarantined(root: Path, limit: int) -> list[dict]:
    """The latest refusals, from the quarantine folder itself (a refusal publishes nothing, so
    the published warehouse may not know the latest ones yet)."""
    found = []
    for record in root.glob("*/*/reason.json"):
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            last = data["attempts"][-1]
        except (OSError, ValueError, KeyError, IndexError):
            found.append({"file": record.parent.name, "kind": record.parent.parent.name,
                          "stage": "?", "rules": "reason.json unreadable", "attempts": 0,
                          "rejected_at": "", "folder": str(record.parent)})
            continue
        found.append({"file": data.get("file"), "kind": data.get("kind"),
                      "load_key": data.get("load_key"),
                      "stage": last.get("stage"), "rules": "; ".join(last.get("rules", [])),
                      "attempts": len(data["attempts"]), "rejected_at": last.get("refused_at"),
                      "folder": str(record.parent)})
    return sorted(found, key=lambda r: r["rejected_at"] or "", reverse=True)[:limit]


def snapshots(root: Path) -> list[dict]:
    found = []
    for manifest in sorted(root.glob("*/manifest.json")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found.append({"quarter": manifest.parent.name, "taken_at": "?", "files": 0})
            continue
        found.append({"quarter": data.get("quarter"), "taken_at": data.get("taken_at"),
                      "files": len(data.get("files", {})),
                      "rows": sum(f.get("rows", 0) for f in data.get("files", {}).values())})
    return found


def render(facts: dict) -> None:

    out = console()
    out.print(f"[bold]AHUAL_HOME[/] {facts['ahual_home']}")
    paths = Table(show_header=False, box=None, pad_edge=False)
    for name, path in facts["paths"].items():
        paths.add_row(f"  {name}", path)
    out.print(paths)
    if facts.get("published") is None:
        out.print("\nNothing published yet: run `ahual demo` or `ahual ingest ...`.")
        return
    build = facts["published"]
    if build:
        out.print(f"\n[bold]Published build[/] {build['build_id']} of "
                  f"{build['built_at']:%Y-%m-%d %H:%M} (Ahual {build['code_version']}, loads "
                  f"up to batch {build['last_batch_id']})")
    else:
        out.print("\nNo build recorded.")
    if facts.get("behind"):
        out.print(f"[yellow]Behind:[/] {facts['behind']}")
    loads = Table(title="Last loads", title_justify="left")
    for column in ("batch", "kind", "file", "rows", "loaded at"):
        loads.add_column(column, justify="right" if column in ("batch", "rows") else "left")
    for r in facts["loads"]:
        loads.add_row(str(r["batch_id"]), r["kind"], r["file"], f"{r['rows']:,}",
                      f"{r['loaded_at']:%Y-%m-%d %H:%M}")
    out.print(loads)
    open_entries = [r for r in facts["quarantine"] if not r.get("resolved")]
    if open_entries:
        refused = Table(title="Quarantine (most recent)", title_justify="left")
        for column in ("file", "kind", "refused by", "rules", "times", "reason"):
            refused.add_column(column)
        for r in open_entries:
            refused.add_row(r["file"], r["kind"], r["stage"], r["rules"], str(r["attempts"]),
                            f"{r['folder']}/reason.txt")
        out.print(refused)
    else:
        out.print("\nQuarantine: empty")
    if not build:  # no marts: nothing to say of who reported
        return
    who = Table(title="Who has not reported", title_justify="left")
    who.add_column("what")
    who.add_column("missing")
    if facts["registrations_as_of"]:
        names = ", ".join(f"{r['name']} ({r['code']})" for r in facts["regions_without_report"])
        who.add_row(f"registration reports as of {facts['registrations_as_of']} "
                    f"({facts['obligations_period']})", names or "none")
    for r in facts.get("late", []):
        who.add_row(f"late {r['kind']} report", f"{r['name']}: {r['days_late']} days")
    for r in facts.get("partial", []):
        who.add_row(f"partial {r['kind']} report", f"{r['name']}: {r['why']}")
    for r in facts["monitoring_missing"]:
        who.add_row(f"monitoring round {r['round']}", r["regions"])
    for r in facts["progress_missing"]:
        who.add_row(f"progress reports {r['period']}", r["agencies"] or "all reported")
    out.print(who)
    studies = facts["studies"]
    out.print(f"Studies with microdata loaded: {studies['with_microdata']} of "
              f"{studies['registered']}")
    if facts["snapshots"]:
        snaps = Table(title="Snapshots", title_justify="left")
        for column in ("quarter", "taken at", "marts", "rows"):
            snaps.add_column(column, justify="right" if column in ("marts", "rows") else "left")
        for s in facts["snapshots"]:
            snaps.add_row(str(s["quarter"]), str(s["taken_at"]), str(s["files"]),
                          f"{s.get('rows', 0):,}")
        out.print(snaps)
    else:
        out.print("Snapshots: none yet (`ahual snapshot`)")


def as_json(facts: dict) -> str:
    def plain(value):
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return str(value)

    return json.dumps(facts, ensure_ascii=False, indent=2, default=plain)
