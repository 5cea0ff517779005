"""`ahual aliases`: list the unknown labels in quarantine, map one to a code in the local
overlay (AHUAL_HOME/aliases.csv), and re-ingest the quarantined files that then pass. The logic
is flows/ops/aliases.py; this module only reads arguments and prints.

    ahual aliases unknown
    ahual aliases add confession "Орыс православие шіркеуі" ORT-ROC --why "..." [--who NAME]
    ahual aliases list
    ahual aliases retry
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from ahual.flows.cli.common import EXIT_OK, EXIT_REJECTED, STATE, flows, run_flow
from ahual.flows.console import console, say
from ahual.flows.ops import quarantined

EXIT_CODES = ("Exit status: 0 done (and every retried file loaded); 1 a retried file was "
              "refused again; 2 usage error (nothing was written).")

app = typer.Typer(
    no_args_is_help=True, epilog=EXIT_CODES,
    help="Unknown labels -> map each once -> retry. Lists the labels quarantined files were "
         "refused for, adds an alias to the local overlay AHUAL_HOME/aliases.csv (who, when, "
         "why; never fuzzy-matched) and re-ingests the quarantined files that then pass.")



def _print(table) -> None:
    """A table whole: cut to a terminal's width on one, never when piped (ahual.flows.console)."""
    console().print(table)



@app.command("unknown", epilog=EXIT_CODES)
def unknown() -> int:
    """The unknown labels across quarantine: kind, label, the files that use it, and the code a
    close known label has (a suggestion only: nothing is mapped until you add it).

    Example: ahual aliases unknown"""
    from ahual.flows.ops import aliases  # pandas (~1 s): when the command runs, not for --help

    found = aliases.unknown_labels()
    if STATE["json"]:
        print(json.dumps({"labels": [u.as_dict() for u in found.labels],
                          "cut_samples": found.cut_samples, "now_known": found.now_known},
                         ensure_ascii=False, indent=2))
        return EXIT_OK
    if not found.labels:
        say("No unknown labels in quarantine.")
    else:
        table = Table(title="Unknown labels in quarantine", title_justify="left")
        for column in ("kind", "label", "files", "suggested code"):
            table.add_column(column)
        for item in found.labels:
            hint = (f"{item.suggested_code} («{item.suggested_label}»)"
                    if item.suggested_code else "-")
            if item.could_mean:  # both meanings, neither proposed
                hint = "ambiguous: " + " or ".join(f"{code} («{name}»)" for code, name
                                                   in item.could_mean.items())
            table.add_row(item.kind, item.label, "\n".join(item.files), hint)
        _print(table)
        mappable = [item for item in found.labels if not item.could_mean]
        if mappable:
            first = mappable[0]
            code = first.suggested_code or "CODE"
            say(f'Map a label once: ahual aliases add {first.kind} "{first.label}" {code} '
                 '--why "..."')
        if len(mappable) < len(found.labels):
            say("An ambiguous label cannot be an alias: write the full name in the file and "
                 "send it again.")
    if found.cut_samples:
        say("Problem lists were cut for " + ", ".join(found.cut_samples) + ": more labels "
             "may be unknown; they are found when the file is retried.", style="warning")
    if found.now_known:
        say("Quarantined files whose labels are all known now: "
             + ", ".join(found.now_known) + " (ahual aliases retry)")
    return EXIT_OK


@app.command("add", epilog=EXIT_CODES)
def add(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="region, confession, indicator "
                                        "or agency")],
    label: Annotated[str, typer.Argument(metavar="LABEL", help="the label exactly as the "
                                         "files write it")],
    code: Annotated[str, typer.Argument(metavar="CODE", help="the code it means "
                                        "(datasets/reference/)")],
    why: Annotated[str, typer.Option("--why", help="why this label means this code (kept "
                                     "beside the alias)")],
    who: Annotated[str | None, typer.Option("--who", metavar="NAME", help="who decided it "
                                            "(default: your user name)")] = None,
    lang: Annotated[str, typer.Option("--lang", metavar="kk|ru|en", help="the label's "
                                      "language, if known")] = "",
) -> int:
    """Add an alias to the local overlay AHUAL_HOME/aliases.csv, then re-ingest in one step the
    quarantined files that now pass. Refused: a kind without a vocabulary, an unknown code, a
    label that already means another code (or is kept out on purpose as ambiguous).

    Example: ahual aliases add confession "Орыс православие шіркеуі" ORT-ROC --why "Kazakh
    reports of Karaganda write it so"
    """
    from ahual.flows.ops import aliases  # pandas (~1 s): when the command runs, not for --help

    aliases.check_alias(kind, label, code)  # a usage error says so before anything happens
    if any(e.only_label_problems for e in quarantined.quarantined()):
        flows()  # Prefect set up before writing: the retry below runs a flow
    added = aliases.add_alias(kind, label, code, why, who, lang)
    if added.written:
        say(f"added     {added.kind} «{added.label}» -> {added.code} ({added.code_name}) by "
             f"{added.who}: {added.why}\n          in {added.overlay}")
    else:
        say(f"unchanged {added.kind} «{added.label}» already means {added.code} "
             f"({added.code_name}); nothing written")
    return _retry(added.as_dict())


@app.command("retry", epilog=EXIT_CODES)
def retry() -> int:
    """Re-ingest the quarantined files whose unknown labels are all known now.

    Example: ahual aliases retry"""
    return _retry(None)


def _retry(added: dict | None) -> int:
    from ahual.flows.ops import aliases  # pandas (~1 s): when the command runs, not for --help
    candidates = aliases.retryable()
    passing = [r for r in candidates if r.passes]
    if passing:
        flows()  # a usage error or a refusal has been said by now
    for r in candidates:
        if r.why_not:
            say(f"skipped   {r.entry.file}: {r.why_not}", style="warning")
    waiting = [r for r in candidates if not r.passes and r.still_unknown]
    result = None
    if passing:
        say(f"retrying {len(passing)} quarantined file(s) that now pass their label rules: "
             + ", ".join(r.entry.file for r in passing))
        _, result = run_flow(flows().aliases_retry, folders=[str(r.entry.folder) for r in passing])
        for outcome in result.outcomes:
            say(outcome.line())
            for problem in outcome.problems:
                say(f"          {problem.plain()}")
        loaded = sum(o.status == "loaded" for o in result.outcomes)
        say(f"retried: {loaded} loaded, {len(result.outcomes) - loaded} refused again"
             + (f"; published {result.published}" if result.published else ""))
    else:
        say("no quarantined file is waiting only on labels that are known now")
    for r in waiting:
        labels = ", ".join(f"{k} «{lbl}»" for k, lbl in r.still_unknown)
        say(f"waiting   {r.entry.file}: still unknown {labels}")
    for entry in aliases.also_refused_for_other_rules(added):
        rules = "; ".join(r for r in entry.latest.get("rules", [])
                          if r not in quarantined.LABEL_RULES)
        say(f"refused   {entry.file} uses «{added['label']}» but also breaks: {rules}; fix it "
            f"and send it again ({entry.folder / 'reason.txt'})", style="warning")
    if STATE["json"]:
        print(json.dumps({"added": added, "files": [o.as_dict() for o in result.outcomes]
                          if result else [],
                          "waiting": [{"file": r.entry.file, "still_unknown": r.still_unknown}
                                      for r in waiting]}, ensure_ascii=False, indent=2))
    return EXIT_REJECTED if result is not None and result.rejected else EXIT_OK


@app.command("list", epilog=EXIT_CODES)
def list_aliases() -> int:
    """The aliases of the local overlay, with who added each, when and why.

    Example: ahual aliases list"""
    from ahual.flows.ops import aliases  # pandas (~1 s): when the command runs, not for --help
    from ahual.flows.reading.vocabulary import overlay_file  # pandas, as above

    rows = aliases.overlay_rows()
    if STATE["json"]:
        print(json.dumps({"overlay": str(overlay_file()), "aliases": rows}, ensure_ascii=False,
                         indent=2))
        return EXIT_OK
    if not rows:
        say(f"No local aliases ({overlay_file()} does not exist or is empty).")
        return EXIT_OK
    table = Table(title=f"Local aliases ({overlay_file()})", title_justify="left")
    for column in ("kind", "label", "code", "who", "when", "why"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["kind"], row["alias"], f"{row['code']} {row['code_name']}".strip(),
                      row["who"], row["when"], row["why"])
    _print(table)
    return EXIT_OK
