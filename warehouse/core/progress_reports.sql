-- Every progress report row; a later report for the same agency, measure and half-year
-- supersedes the earlier one (is_current), and both stay here; later in load order, and a
-- reverted load is never current.
select
    reports.* exclude (load_reverted, load_order),
    periods.period_start,
    periods.period_end,
    not reports.load_reverted and reports.load_order = max(reports.load_order)
        filter (where not reports.load_reverted)
        over (partition by reports.agency_code, reports.measure_no, reports.period) as is_current
from staging.stg_progress_reports as reports
join staging.stg_reporting_periods as periods using (period)
