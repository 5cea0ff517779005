"""`ahual status`: where things are, what was loaded and refused, who has not reported."""

from __future__ import annotations

from flows import config
from warehouse import store


def print_status() -> int:
    print(f"AHUAL_HOME           {config.ahual_home()}")
    print(f"published warehouse  {config.published_warehouse()}")
    print(f"quarantine           {config.quarantine_dir()}")
    print(f"validation Data Docs {config.data_docs_index()}")
    if not config.published_warehouse().exists():
        print("\nNothing published yet: run `ahual demo` or `ahual ingest ...`.")
        return 0
    with store.read_published() as con:
        print("\nLast loads:")
        for row in con.execute(
                "SELECT batch_id, kind, file_name, rows_loaded, loaded_at FROM raw.load_batches "
                "ORDER BY batch_id DESC LIMIT 10").fetchall():
            print(f"  batch {row[0]:>4}  {row[1]:<14} {row[2]:<45} {row[3]:>6} rows  "
                  f"{row[4]:%Y-%m-%d %H:%M}")
        rejected = con.execute(
            "SELECT file_name, rules, quarantine_path FROM raw.rejections "
            "ORDER BY rejected_at DESC LIMIT 10").fetchall()
        print(f"\nIn quarantine ({len(rejected)} most recent):")
        for name, rules, path in rejected:
            print(f"  {name}: {rules}\n    {path}/reason.txt")
        latest = con.execute(
            "SELECT max(as_of) FROM core.registration_reports WHERE region_level <> 'national'"
        ).fetchone()[0]
        if latest is not None:
            missing = con.execute(
                "SELECT region_code, region_name_en FROM staging.stg_regions "
                "WHERE region_level <> 'national' AND valid_from <= ? "
                "AND (valid_to IS NULL OR valid_to > ?) AND region_code NOT IN ("
                "  SELECT region_code FROM core.registration_reports WHERE as_of = ?) "
                "ORDER BY region_code", [latest, latest, latest]).fetchall()
            print(f"\nRegions without a registration report as of {latest}: "
                  + (", ".join(f"{c} {n}" for c, n in missing) if missing else "none"))
    return 0
