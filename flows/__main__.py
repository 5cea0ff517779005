"""`python -m ahual.flows` is the same as the `ahual` command."""

import sys

from ahual.flows.cli import main

sys.exit(main())
