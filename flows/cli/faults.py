"""Faults of the machine, said in one line: what happened and what was kept.

A full disk, a permission the home lacks, a Prefect server that stopped answering: none is a
bug of Ahual, and none loses anything (a load is committed only together with its build, and
the published warehouse is replaced only by a whole one), so the analyst reads what happened
and what to do, not a traceback (`-v` shows it).
"""

from __future__ import annotations

import errno
import sys

from ahual.flows import settings

KEPT = ("nothing of this run was committed; the published warehouse, the quarantine and "
        "every earlier load are as they were")
_DISK_FULL = ("No space left on device", "File too large", "Disk quota exceeded")
_DENIED = ("Permission denied", "Read-only file system", "Operation not permitted")


def one_line(error: BaseException) -> str | None:
    """The line for a machine fault (None: not one; the error is shown as it is)."""
    home = settings.home().root
    for cause in _chain(error):
        number = getattr(cause, "errno", None)
        text = str(cause)
        where = getattr(cause, "filename", None) or home
        if number in {errno.ENOSPC, errno.EFBIG, errno.EDQUOT} or any(
                m in text for m in _DISK_FULL):
            return (f"the disk is full (writing under {where}): {KEPT}. Free some space "
                    f"(df -h {home}) and run the command again")
        if number in {errno.EACCES, errno.EPERM, errno.EROFS} or any(m in text for m in _DENIED):
            return (f"permission denied on {where}: {KEPT}. The home must be writable by "
                    f"you (ls -ld {home}); then run the command again")
        if _is_lost_server(cause):
            url = settings.settings().prefect_api_url or "the local Prefect server"
            return (f"the Prefect server ({url}) stopped answering: what was committed before "
                    "is kept, and a load is committed only with its build, so nothing is half "
                    "loaded. Run the command again (`ahual server status` says where the "
                    "server is)")
    return None


def _chain(error: BaseException):
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _is_lost_server(error: BaseException) -> bool:
    """A connection to the Prefect API refused, reset or timed out (httpx's own errors; the
    module is only looked at if something already imported it)."""
    httpx = sys.modules.get("httpx")
    return httpx is not None and isinstance(error, httpx.TransportError)
