"""`python -m ahual.warehouse.marts.association_forecasts WAREHOUSE`: print the backtest table of
marts.association_forecasts as markdown (association_forecasts.backtest.md beside this file)."""

from __future__ import annotations

import argparse

import duckdb

from ahual.warehouse.marts.association_forecasts.document import backtest_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ahual.warehouse.marts.association_forecasts",
                                     description="Print the backtest table of "
                                                 "marts.association_forecasts as markdown.")
    parser.add_argument("warehouse", help="a warehouse.duckdb (opened read-only)")
    args = parser.parse_args(argv)
    with duckdb.connect(args.warehouse, read_only=True) as con:
        print(backtest_table(con), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
