"""`python -m flows` is the same as the `ahual` command."""

import sys

from flows.cli import main

sys.exit(main())
