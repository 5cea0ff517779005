-- Progress report rows exactly as loaded, with the lineage of their file, and its standing
-- (stg_load_standing: reverted, and the order current loads rank in).
select
    reports.batch_id,
    batches.file_name   as source_file,
    batches.file_sha256,
    batches.loaded_at,
    reports.source_row,
    reports.agency_code,
    reports.measure_no,
    reports.period,
    reports.status,
    reports.spent_mln_tenge,
    coalesce(standing.reverted, false)          as load_reverted,
    coalesce(standing.load_order, [reports.batch_id, 0]) as load_order
from raw.progress_reports as reports
join raw.load_batches as batches using (batch_id)
left join staging.stg_load_standing as standing using (batch_id)
