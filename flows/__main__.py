"""`python -m ahual` is the same as the `ahual` command."""

import sys

from ahual.cli import main

sys.exit(main())
