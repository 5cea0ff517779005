-- Outputs of the current progress report rows, with the half-year they were delivered in.
select
    reports.agency_code,
    reports.measure_no,
    reports.period,
    reports.period_end,
    outputs.output_kind,
    outputs.quantity,
    reports.batch_id,
    reports.source_file
from staging.stg_progress_outputs as outputs
join core.progress_reports as reports using (batch_id, source_row)
where reports.is_current
