"""`ahual backup DEST` and `ahual restore SRC` (the logic: flows/ops/backup.py).

    ahual backup /mnt/backups/ahual-2009-07-01
    ahual --home /srv/ahual-new restore /mnt/backups/ahual-2009-07-01
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ahual.flows.cli.common import EXIT_OK
from ahual.flows.console import say
from ahual.flows.ops import backup as backup_step


def backup(dest: Annotated[Path, typer.Argument(metavar="DEST", help="a new (or empty) "
                                                "folder for the copy")]) -> int:
    """Copy this home's state to DEST, consistently while other commands run.

    The warehouse (working and published), quarantine, snapshots, reports, local aliases,
    registries and review decisions, with the SHA-256 of every file; taken under the writer's
    lock.

    Example: ahual backup /mnt/backups/ahual-2009-07-01"""
    copied = backup_step.backup(dest)
    say(f"backed up {copied.files:,} files ({copied.bytes / 2**20:,.1f} MB, Ahual "
        f"{copied.release}, raw layout {copied.schema_version}) to {copied.folder}")
    return EXIT_OK


def restore(src: Annotated[Path, typer.Argument(metavar="SRC", help="a folder `ahual backup` "
                                                "wrote")]) -> int:
    """Restore a backup into this home, which must be empty.

    Every file is checked against its SHA-256 first; the marts come back byte for byte.

    Example: ahual --home /srv/ahual-new restore /mnt/backups/ahual-2009-07-01"""
    copied = backup_step.restore(src)
    say(f"restored {copied.files:,} files (Ahual {copied.release}, raw layout "
        f"{copied.schema_version}) into {copied.folder}")
    return EXIT_OK
