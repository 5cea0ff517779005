-- The programme's half-years and when they are reported on.
select
    period,
    cast(period_start as date)          as period_start,
    cast(period_end as date)            as period_end,
    cast(agencies_report_by as date)    as agencies_report_by,
    cast(government_report_by as date)  as government_report_by
from reference.programme_reporting_periods
