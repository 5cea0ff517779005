-- Each measure in each reporting half-year: what the responsible agencies reported for it,
-- its status to date (the latest reported half-year's), whether it is overdue (its due_by has
-- passed and it is not done; measure 23, whose quarter is unknown, once its year has ended),
-- whether it was done late, and how its occurrences stand when it recurs.
--
-- Done late: a half-year report dates completion to its half-year only, so a measure is done
-- in time when a report for the half-year containing due_by, or an earlier one, says done; a
-- first «done» in a later half-year is late by that many half-years, and days_late counts
-- from due_by to the end of that half-year (the latest the completion can have been).
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

periods as (
    select *, row_number() over (order by period) as seq
    from staging.stg_reporting_periods
),

grid as (
    select measures.*, periods.period, periods.period_start, periods.period_end, periods.seq
    from staging.stg_programme_measures as measures
    cross join periods
),

first_done as (
    select grid.measure_no, grid.period, min(done.seq) as done_seq
    from grid
    join reported on reported.measure_no = grid.measure_no and reported.status = 'done'
    join periods as done on done.period = reported.period and done.seq <= grid.seq
    group by all
),

occurrences as (
    select measure_no, period,
           count(*) filter (where judgement <> 'not yet due')  as occurrences_due,
           count(*) filter (where judgement = 'late')          as occurrences_late,
           count(*) filter (where judgement = 'missing')       as occurrences_missing
    from marts.programme_occurrences
    group by all
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
    grid.due_by is not null and grid.due_by <= grid.period_end
        and coalesce(to_date.status_to_date, '') <> 'done' as overdue,
    grid.due_by,
    done.period                                         as done_period,
    case when grid.due_by is not null and done.period is not null
         then done.period_start > grid.due_by end       as done_late,
    case when done.period_start > grid.due_by
         then done.seq - due_half.seq end               as half_years_late,
    case when done.period_start > grid.due_by
         then done.period_end - grid.due_by end         as days_late,
    occurrences.occurrences_due,
    occurrences.occurrences_late,
    occurrences.occurrences_missing
from grid
left join reported using (measure_no, period)
left join outputs using (measure_no, period)
left join to_date using (measure_no, period)
left join first_done using (measure_no, period)
left join periods as done on done.seq = first_done.done_seq
left join periods as due_half
    on grid.due_by between due_half.period_start and due_half.period_end
left join occurrences using (measure_no, period)
order by grid.period, grid.measure_no
