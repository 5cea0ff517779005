-- Agencies without a progress report for the half-year, and regions whose monitoring sheet of
-- the round ending in it has not arrived. `missing` says which report; the report words it.
select 'agency' as kind, agency_code as code, 'progress' as missing,
       cast(null as integer) as round, agencies_report_by as due
from marts.progress_completeness
where period = $period and status = 'not reported'
union all
select 'region', region_code, 'monitoring', round, reports_due
from marts.monitoring_completeness
where status = 'not reported'
  and round in (select round from staging.stg_monitoring_rounds
                where period_end > $period_end - interval 6 month and period_end <= $period_end)
order by 1, 3, 2
