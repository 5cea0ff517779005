"""`python -m ahual.warehouse.marts.monitoring_warnings WAREHOUSE`: print the comparison of the
old fixed rule and the negative binomial rule (monitoring_warnings.comparison.md beside this
file) on the loaded rounds and on rounds simulated with their rates, spreads and populations."""

from __future__ import annotations

import argparse

import duckdb

from ahual.warehouse.marts.monitoring_warnings.document import DATASETS, comparison_document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ahual.warehouse.marts.monitoring_warnings")
    parser.add_argument("warehouse", help="a warehouse.duckdb (opened read-only)")
    parser.add_argument("--datasets", type=int, default=DATASETS)
    args = parser.parse_args(argv)
    with duckdb.connect(args.warehouse, read_only=True) as con:
        print(comparison_document(con, args.datasets), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
