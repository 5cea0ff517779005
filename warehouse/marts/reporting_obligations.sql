-- Every reporting obligation matched to what arrived: on time, late (by how many days),
-- partial, or not received. One table that `ahual status`, `ahual completeness`, the report and
-- the notebooks all read, so they cannot disagree.
--   received_on  the first submission's arrival (core.load_origins: AHUAL_HOME/receipts.csv,
--                else the day it was loaded); lateness is judged by it, a later correction does not make a
--                report late
--   partial      the current submission has fewer cells than the obligation requires (a
--                progress report's measures, a monitoring sheet's indicators) or, for a
--                registration report, fewer filled cells than the same unit's previous report
-- Whether an obligation not received is already overdue depends on the day one asks: compare
-- due_date with it (a mart is a function of its inputs only).
with obligations as (
    select * from core.reporting_obligations
),

origins as (
    select batch_id, received_on from core.load_origins
),

registration_cells as (
    select as_of, region_code,
           count(*) filter (where confession_code <> 'ALL' and associations is not null) as cells
    from core.registration_counts
    where is_current
    group by all
),

registration_submissions as (
    select
        'registrations' as report_kind, reports.as_of, cast(null as varchar) as period,
        cast(null as integer) as round, reports.region_code as reporter_code,
        min(origins.received_on) as received_on,
        count(distinct reports.batch_id)                             as submissions,
        max(reports.batch_id) filter (where reports.is_current)      as current_batch
    from core.registration_reports as reports
    join origins using (batch_id)
    where reports.region_level <> 'national'
    group by all
),

registration_judged as (
    select
        submissions.*,
        cells.cells,
        lag(cells.cells) over (partition by submissions.reporter_code
                               order by submissions.as_of)          as previous_cells
    from registration_submissions as submissions
    left join registration_cells as cells
      on cells.as_of = submissions.as_of and cells.region_code = submissions.reporter_code
),

progress_submissions as (
    select
        'progress' as report_kind, cast(null as date) as as_of, reports.period,
        cast(null as integer) as round, reports.agency_code as reporter_code,
        min(origins.received_on)  as received_on,
        count(distinct reports.batch_id)                              as submissions,
        max(reports.batch_id) filter (where reports.is_current)       as current_batch,
        count(distinct reports.measure_no) filter (where reports.is_current) as cells,
        cast(null as bigint)                                          as previous_cells
    from core.progress_reports as reports
    join origins using (batch_id)
    group by all
),

monitoring_submissions as (
    select
        'monitoring' as report_kind, cast(null as date) as as_of, cast(null as varchar) as period,
        vals.round, vals.region_code as reporter_code,
        min(origins.received_on)     as received_on,
        count(distinct vals.batch_id)                                 as submissions,
        max(vals.batch_id) filter (where vals.is_current)             as current_batch,
        count(distinct vals.indicator_code)
            filter (where vals.is_current and vals.value is not null) as cells,
        cast(null as bigint)                                          as previous_cells
    from core.monitoring_values as vals
    join origins using (batch_id)
    group by all
),

submissions as (
    select * from registration_judged
    union all by name
    select * from progress_submissions
    union all by name
    select * from monitoring_submissions
),

matched as (
    -- a submission names what it covers by one of as_of (registrations), period (progress) or
    -- round (monitoring), the others NULL: the one it names matches its obligation
    select obligations.obligation_key, submissions.received_on, submissions.submissions,
           submissions.current_batch, submissions.cells, submissions.previous_cells
    from obligations
    join submissions
      on submissions.report_kind = obligations.report_kind
     and submissions.reporter_code = obligations.reporter_code
     and (submissions.as_of = obligations.as_of or submissions.period = obligations.period
          or submissions.round = obligations.round)
),

judged as (
    select
        obligations.*,
        matched.received_on,
        coalesce(matched.submissions, 0)::integer                     as submissions,
        matched.current_batch,
        matched.cells::integer                                        as cells,
        matched.previous_cells::integer                               as previous_cells,
        date_diff('day', obligations.due_date, matched.received_on)   as days_after_due
    from obligations
    left join matched using (obligation_key)
),

names as (
    select region_code as reporter_code, 'region' as reporter_kind,
           region_name_kk as name_kk, region_name_ru as name_ru, region_name_en as name_en
    from staging.stg_regions
    union all
    select agency_code, 'agency', name_kk, name_ru, name_en from staging.stg_agencies
)

select
    judged.report_kind,
    judged.period,
    judged.round,
    judged.as_of,
    judged.reporter_kind,
    judged.reporter_code,
    names.name_kk,
    names.name_ru,
    names.name_en,
    judged.due_date,
    judged.received_on,
    judged.submissions,
    judged.current_batch,
    judged.expected_cells,
    judged.cells,
    judged.previous_cells,
    judged.received_on is not null and judged.days_after_due > 0      as is_late,
    greatest(judged.days_after_due, 0)::integer                       as days_late,
    judged.received_on is not null
        and (judged.cells < judged.expected_cells or judged.cells < judged.previous_cells)
                                                                      as is_partial,
    case when judged.received_on is null then null
         when judged.cells < judged.expected_cells
             then judged.cells || ' of ' || judged.expected_cells || ' cells'
         when judged.cells < judged.previous_cells
             then judged.cells || ' cells, ' || judged.previous_cells
                  || ' in the previous report'
    end                                                               as partial_reason,
    case when judged.received_on is null then 'not received'
         when judged.cells < judged.expected_cells
           or judged.cells < judged.previous_cells then 'partial'
         when judged.days_after_due > 0 then 'late'
         else 'on time'
    end                                                               as status
from judged
left join names using (reporter_kind, reporter_code)
order by judged.report_kind, judged.due_date, judged.period, judged.round, judged.reporter_code
