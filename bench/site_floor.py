"""The hand-written alternative to `ahual site --quarter Q`: the same tables of one snapshot put
on pages and offered for download, the cheapest honest way.

    python -m bench.site_floor SNAPSHOT_FOLDER OUT_FOLDER

For each mart of the snapshot (its Parquet file): pandas reads it, writes one HTML page per
language (kk, ru, en) holding its first 2,000 rows as the site's pages do (`to_html`), and an
XLSX download (`to_excel` with openpyxl, as the site's downloads are written); the CSV and
Parquet files are copied beside them. No home page, map, charts, region pages, names of codes,
lineage or changes since the previous snapshot: only the tables and their downloads.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pandas as pd

LANGUAGES = ("kk", "ru", "en")
PAGE_ROWS = 2000  # flows/site/tables.py MAX_ROWS


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    snapshot, out = Path(argv[0]), Path(argv[1])
    shutil.rmtree(out, ignore_errors=True)
    marts = sorted(snapshot.glob("*.parquet"))
    for parquet in marts:
        frame = pd.read_parquet(parquet)
        for lang in LANGUAGES:
            folder = out / lang
            folder.mkdir(parents=True, exist_ok=True)
            html = frame.head(PAGE_ROWS).to_html(index=False, na_rep="")
            (folder / f"{parquet.stem}.html").write_text(
                f"<!doctype html><html lang='{lang}'><meta charset='utf-8'>"
                f"<title>{parquet.stem}</title><h1>{parquet.stem}</h1>{html}</html>",
                encoding="utf-8")
        data = out / "data"
        data.mkdir(parents=True, exist_ok=True)
        frame.to_excel(data / f"{parquet.stem}.xlsx", index=False, engine="openpyxl")
        for suffix in (".parquet", ".csv"):
            source = parquet.with_suffix(suffix)
            if source.exists():
                shutil.copyfile(source, data / source.name)
    seconds = time.perf_counter() - started
    print(f"{len(marts)} tables, {len(LANGUAGES)} languages in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
