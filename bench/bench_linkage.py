"""The register's linkage at 100,000 records beside an exact-identifier DuckDB join on the same
rows, in one run: time and peak memory of each, measured in a child process of its own.

    python bench/bench_linkage.py [--records 100000]

The register is the demo's generator scaled up (datasets/demo/make_register.py: a made-up
register with its duplicates, name variants and missing BINs); the linkage is the model's own
scoring (warehouse/core/register_links: Splink on DuckDB with the trained parameters) and its
identities; the floor is a self-join of the records on their BIN, which finds only the
duplicates that share one.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa

DEMO = Path(__file__).resolve().parents[1] / "datasets" / "demo"
sys.path.insert(0, str(DEMO))  # the generators import one another as scripts
from make_register import EXTRACTS, Maker, extract  # noqa: E402

from ahual.warehouse.core.register_links import names as link_names  # noqa: E402
from ahual.warehouse.core.register_links import scored, settings  # noqa: E402

LATER = {"61": "51", "79": "51"}


def register(records: int) -> pa.Table:
    """About `records` register records in the shape the linkage reads."""
    made = Maker(seed=2011, scale=max(1, -(-records // 12_200))).build()  # at least `records`
    rng, rows = random.Random(7), []
    for on in EXTRACTS:
        for _, r in extract(made, on, rng):
            names = f"{r['name_ru']} | {r['name_kk']}"
            rows.append({"unique_id": f"{on:%Y}:{len(rows):07d}", "bin": r["bin"],
                         "names": names, "legal_form": r["form"],
                         "confession_code": r["confession"],
                         "region_2007": LATER.get(r["region"], r["region"]), "kato": r["kato"],
                         "registered_on": r["registered"].isoformat(),
                         "name_key": link_names.key_of_names(names)})
    return pa.Table.from_pylist(rows)


def _linkage(table: pa.Table) -> int:
    return len(scored(table, settings()))


def _exact(table: pa.Table) -> int:
    con = duckdb.connect()
    con.register("records", table)
    return con.sql("SELECT count(*) FROM records AS a JOIN records AS b ON a.bin = b.bin "
                   "AND a.unique_id < b.unique_id").fetchall()[0][0]


def _measured(job, table, out) -> None:
    start = time.perf_counter()
    pairs = job(table)
    out.put((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
             pairs))


def measure(job, table: pa.Table) -> tuple[float, float, int]:
    """(seconds, peak resident MB of the child, pairs found)."""
    out = multiprocessing.get_context("fork").Queue()
    child = multiprocessing.get_context("fork").Process(target=_measured,
                                                        args=(job, table, out))
    child.start()
    seconds, peak_kb, pairs = out.get()
    child.join()
    return seconds, peak_kb / 1024, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    table = register(parser.parse_args().records)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{table.num_rows:,} records; the parent holds {before:,.0f} MB before the children")
    for label, job in (("exact BIN join (DuckDB)", _exact), ("linkage (Splink)", _linkage)):
        seconds, peak, pairs = measure(job, table)
        print(f"{label:26} {seconds:8.1f} s  peak {peak:8,.0f} MB  {pairs:,} pairs")


if __name__ == "__main__":
    main()
