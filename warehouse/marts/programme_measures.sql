-- Each measure in each reporting half-year: what the responsible agencies reported for it,
-- its status to date (the latest reported half-year's), and whether it is overdue (its due
-- date has passed and it is not done). Recurring measures (every half-year) have no single due
-- date, and measure 23's quarter is unknown: neither is ever overdue.
with reported as (
    select
        measure_no, period,
        case when bool_and(status = 'done') then 'done'
             when bool_and(status = 'not started') then 'not started'
             else 'in progress' end                           as status,
        string_agg(distinct agency_code, ', ' order by agency_code) as reported_by,
        sum(spent_mln_tenge)                                  as spent_mln_tenge
    from core.progress_reports
    where is_current
    group by all
),

outputs as (
    select measure_no, period,
           string_agg(output_kind || ': ' || total, '; ' order by output_kind) as outputs
    from (select measure_no, period, output_kind, sum(quantity) as total
          from core.progress_outputs group by all)
    group by all
),

grid as (
    select measures.*, periods.period, periods.period_start, periods.period_end
    from staging.stg_programme_measures as measures
    cross join staging.stg_reporting_periods as periods
),

to_date as (
    select
        grid.measure_no, grid.period,
        arg_max(reported.status, reported.period) as status_to_date
    from grid
    join reported on reported.measure_no = grid.measure_no and reported.period <= grid.period
    group by all
)

select
    grid.period,
    grid.period_end,
    grid.measure_no,
    grid.section,
    grid.title_en,
    grid.agencies,
    grid.due_date,
    grid.deadline_note,
    coalesce(reported.status, 'not reported')           as status_in_period,
    coalesce(to_date.status_to_date, 'not reported')    as status,
    reported.reported_by,
    outputs.outputs,
    cast(reported.spent_mln_tenge as decimal(12, 3))    as spent_mln_tenge,
    grid.due_date is not null and grid.due_date <= grid.period_end
        and coalesce(to_date.status_to_date, '') <> 'done' as overdue
from grid
left join reported using (measure_no, period)
left join outputs using (measure_no, period)
left join to_date using (measure_no, period)
order by grid.period, grid.measure_no
