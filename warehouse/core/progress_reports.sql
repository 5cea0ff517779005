-- Every progress report row; a later report for the same agency, measure and half-year
-- supersedes the earlier one (is_current), and both stay here.
select
    reports.*,
    periods.period_start,
    periods.period_end,
    reports.batch_id = max(reports.batch_id)
        over (partition by reports.agency_code, reports.measure_no, reports.period) as is_current
from staging.stg_progress_reports as reports
join staging.stg_reporting_periods as periods using (period)
