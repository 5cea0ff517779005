"""`python -m ahual.flows.ops.keeper HOME PORT`: runs the local Prefect server of one AHUAL_HOME
(flows/ops/server.py starts it) and stops it when it is no longer that home's or no longer used.

It writes the home's server pointer, then watches. The server is in use while a process holds
the home's usage lock (every command that talks to it, and `ahual serve` for as long as it runs)
or while anything (the UI in a browser, a worker) is connected to its port. Unused for
AHUAL_IDLE_SECONDS (0: never), it stops. It stops at once when the pointer no longer names it:
the home was moved, or `ahual server stop` removed it. It removes its pointer when it leaves.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from ahual.flows.ops import server
from ahual.flows.settings import Home, Settings

ESTABLISHED = "01"  # the state column of /proc/net/tcp


def connected(port: int) -> bool:
    """Whether any TCP connection to this local port is open now."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            next(lines, None)
            for line in lines:
                fields = line.split()
                if fields[3] == ESTABLISHED and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    return True
    return False


def claim(home: Home) -> IO | None:
    """The home's usage lock (server.use) taken exclusively: no command is using the server, and
    none can start to until it is let go. None while one is."""
    try:
        handle = open(home.prefect / "server.users", "a")  # noqa: SIM115  (the caller closes it)
    except OSError:
        return None  # the home is going away: the pointer check stops the server
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def keep(root: Path, port: int) -> int:
    home, me = Home(root), os.getpid()
    idle = Settings().idle_seconds
    tick = min(max(idle / 4, 0.2), 5) if idle > 0 else 5
    url = f"http://127.0.0.1:{port}/api"
    prefect = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host",
                                "127.0.0.1", "--port", str(port)], stdin=subprocess.DEVNULL)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.write_pointer(home, me, url)
    last_used, why = time.monotonic(), "the Prefect server itself stopped"
    try:
        while prefect.poll() is None:
            time.sleep(tick)
            pointer = server.read_pointer(home) or {}
            if pointer.get("pid") != me or pointer.get("home") != str(home.root):
                why = "its home no longer points to it (moved, or stopped)"
                break
            claimed = claim(home)
            if claimed is None or connected(port):
                last_used = time.monotonic()
            elif idle > 0 and time.monotonic() - last_used > idle:
                # the claim is held until the pointer is gone: a command starting now waits,
                # then starts a new server instead of using this one as it stops
                why = f"unused for {idle:g} s (AHUAL_IDLE_SECONDS)"
                break
            if claimed is not None:
                claimed.close()
    except SystemExit:
        why = "asked to stop"
        raise
    finally:
        if prefect.poll() is None:
            prefect.terminate()
            try:
                prefect.wait(timeout=30)
            except subprocess.TimeoutExpired:
                prefect.kill()
        server.clean_pointer(home, me)
        print(f"ahual: local Prefect server stopped: {why}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(keep(Path(sys.argv[1]), int(sys.argv[2])))
