"""The `ahual` command line: `main(argv)` returns the exit status.

    0  everything loaded (or was already loaded), or the command did what it was asked
    1  something was refused: a file (kept in AHUAL_HOME/quarantine/ with its reason), a
       build whose marts would break their rules, a snapshot that no longer reproduces, or
       the completeness check found someone who has not reported
    2  usage error: the command itself is wrong (nothing was run)

Every argument is checked before Prefect or Great Expectations is imported, so a usage error
answers at once; work that needs no flow (help, status, doctor, a file whose bytes are already
loaded) never imports them.
"""

from __future__ import annotations

import os
import sys

from ahual.flows.cli.app import run
from ahual.flows.cli.common import EXIT_USAGE

GLOBAL_FLAGS = {"-v": "verbose", "--verbose": "verbose", "--json": "json"}
GLOBAL_VALUES = {"--home": "AHUAL_HOME"}


def split_globals(argv: list[str]) -> tuple[list[str], dict[str, str | bool]]:
    """Take the global options out of the command line wherever they stand (`ahual status -v`
    and `ahual -v status` are the same)."""
    rest, found = [], {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg in GLOBAL_FLAGS:
            found[GLOBAL_FLAGS[arg]] = True
        elif arg.split("=", 1)[0] in GLOBAL_VALUES:
            name = arg.split("=", 1)[0]
            if "=" in arg:
                found[GLOBAL_VALUES[name]] = arg.split("=", 1)[1]
            elif i + 1 < len(argv):
                found[GLOBAL_VALUES[name]] = argv[i + 1]
                i += 1
            else:
                found[GLOBAL_VALUES[name]] = ""
        else:
            rest.append(arg)
        i += 1
    return rest, found


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    original = list(argv)
    argv, found = split_globals(argv)
    if "AHUAL_HOME" in found:
        if not found["AHUAL_HOME"]:
            print("ahual: --home needs a folder", file=sys.stderr)
            return EXIT_USAGE
        os.environ["AHUAL_HOME"] = str(found["AHUAL_HOME"])
    if found.get("verbose"):
        os.environ["AHUAL_VERBOSE"] = "1"
    return run(argv, json_output=bool(found.get("json")), original=original)
