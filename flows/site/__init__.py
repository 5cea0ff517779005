"""`ahual site`: a static kk/ru/en site per quarterly snapshot and for the live warehouse,
that opens from disk with no network (build.py writes it, serve.py serves it read-only)."""
