"""`python -m ahual.flows.notebook [--lang kk] [OUT_DIR]`: execute every notebook and write its
executed HTML copy (execute.py)."""

import sys

from ahual.flows.notebook.execute import main

sys.exit(main())
