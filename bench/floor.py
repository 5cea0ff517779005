"""The floor: DuckDB alone reading CSV files into a table of a file database, in a fresh
process. `python -m bench.floor DATABASE FILE...` (several files are read as one table)."""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    import duckdb

    database, files = Path(argv[0]), [str(Path(f).resolve()) for f in argv[1:]]
    for suffix in ("", ".wal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv($files, header = true)",
                    {"files": files})
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
        con.execute("CHECKPOINT")
    print(f"floor: {rows} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
