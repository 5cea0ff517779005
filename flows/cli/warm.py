"""`python -m ahual.flows.cli.warm SOCKET STEM`: Ahual's warm worker, the command line kept
imported (Prefect, the pipeline, Great Expectations) and serving commands on a Unix socket
(flows/ops/daemon.py says how it is started, found, stopped and kept private)."""

from __future__ import annotations

import sys
from pathlib import Path

from ahual.flows import pipeline  # noqa: F401  (the imports this process exists to keep warm)
from ahual.flows.cli import main
from ahual.flows.gate import validation  # noqa: F401
from ahual.flows.ops import daemon

if __name__ == "__main__":
    daemon.serve(Path(sys.argv[1]), Path(sys.argv[2]), main)
