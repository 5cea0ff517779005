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
        waiting = con.execute(
            "SELECT round, string_agg(region_code, ', ' ORDER BY region_code) "
            "FROM marts.monitoring_completeness WHERE status = 'not reported' GROUP BY 1 "
            "ORDER BY 1").fetchall()
        for round_no, regions in waiting:
            print(f"Monitoring round {round_no}: no sheet from {regions}")
        periods = con.execute(
            "SELECT period, string_agg(agency_code, ', ' ORDER BY agency_code) "
            "FILTER (WHERE status = 'not reported') FROM marts.progress_completeness "
            "WHERE period <= (SELECT max(period) FROM core.progress_reports) "
            "GROUP BY 1 ORDER BY 1").fetchall()
        for period, agencies in periods:
            print(f"Progress reports {period}: " + (f"missing from {agencies}" if agencies
                                                     else "all agencies reported"))
        studies = con.execute(
            "SELECT count(*) FILTER (WHERE batches.study_id IS NOT NULL), count(*) "
            "FROM staging.stg_studies AS studies LEFT JOIN core.survey_batches AS batches "
            "ON batches.study_id = studies.study_id AND batches.is_current").fetchone()
        print(f"Studies with microdata loaded: {studies[0]} of {studies[1]}")
    return 0
