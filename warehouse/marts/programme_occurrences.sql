-- Each occurrence of a recurring measure (staging.stg_programme_measure_occurrences: every
-- half-year, every year or every quarter, as the plan words it) judged as of each reporting
-- half-year by the progress reports.
--
-- Evidence: the measure's current progress rows for a half-year overlapping the occurrence's
-- window, from any responsible agency, with status done or in progress. A recurring measure is
-- never finished while it recurs, so agencies report it «in progress» («исполняется»,
-- «орындалуда») for a half-year in which they carried it out; «not started» and no report are
-- no evidence. A half-year report cannot date work inside the half-year, so it evidences every
-- occurrence whose window it overlaps (both quarters of a half-year, for measure 2).
--
-- Judgement as of half-year A: not yet due (the window ends after A), done in time (evidence
-- in the window), late (no evidence in the window, but the measure was carried out in a later
-- half-year up to A; half_years_late counts from the occurrence's half-year), else missing.
with periods as (
    select *, row_number() over (order by period) as seq
    from staging.stg_reporting_periods
),

carried_out as (
    select measure_no, period,
           string_agg(distinct agency_code, ', ' order by agency_code) as reported_by
    from core.progress_reports
    where is_current and status in ('done', 'in progress')
    group by all
),

occurrences as (
    select occurrences.*, periods.seq as occurrence_seq
    from staging.stg_programme_measure_occurrences as occurrences
    join periods using (period)
),

grid as (
    select occurrences.*, as_of.period as as_of_period, as_of.period_end as as_of_end,
           as_of.seq as as_of_seq
    from occurrences
    cross join periods as as_of
),

evidence as (
    select
        grid.as_of_period, grid.measure_no, grid.occurrence_no,
        string_agg(distinct carried_out.reported_by, ', '
                   order by carried_out.reported_by) filter (
            where evidence_period.period_start <= grid.window_end
              and evidence_period.period_end >= grid.window_start)          as reported_by,
        min(evidence_period.seq) filter (
            where evidence_period.period_start > grid.window_end)            as later_seq
    from grid
    join carried_out on carried_out.measure_no = grid.measure_no
    join periods as evidence_period
        on evidence_period.period = carried_out.period and evidence_period.seq <= grid.as_of_seq
    group by all
),

judged as (
    select
        grid.*,
        evidence.reported_by,
        case when grid.window_end > grid.as_of_end then 'not yet due'
             when evidence.reported_by is not null then 'done in time'
             when evidence.later_seq is not null then 'late'
             else 'missing' end                                            as judgement,
        evidence.later_seq
    from grid
    left join evidence using (as_of_period, measure_no, occurrence_no)
)

select
    judged.as_of_period                                     as period,
    judged.as_of_end                                        as period_end,
    judged.measure_no,
    judged.occurrence_no,
    judged.recurrence,
    judged.window_start,
    judged.window_end,
    judged.period                                           as occurrence_period,
    judged.due_date,
    judged.judgement,
    judged.reported_by,
    later.period                                            as carried_out_period,
    case when judged.judgement = 'late'
         then judged.later_seq - judged.occurrence_seq end  as half_years_late,
    judged.deadline_text_kk,
    judged.rule_en
from judged
left join periods as later
    on later.seq = judged.later_seq and judged.judgement = 'late'
order by judged.as_of_period, judged.measure_no, judged.occurrence_no
