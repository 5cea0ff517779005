-- Progress report rows exactly as loaded, with the lineage of their file.
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
    reports.spent_mln_tenge
from raw.progress_reports as reports
join raw.load_batches as batches using (batch_id)
