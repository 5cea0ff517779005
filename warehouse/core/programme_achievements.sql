-- What the loaded data shows achieved for each target by the end of each half-year:
-- studies from the registry with loaded microdata (fieldwork ended by then), monitoring rounds
-- with at least one region's sheet (round ended by then), everything else from the outputs of
-- the current progress reports.
with periods as (
    select period, period_end from staging.stg_reporting_periods
),

studies as (
    select periods.period, count(distinct batches.study_id) as achieved
    from periods
    left join staging.stg_studies as studies on studies.fieldwork_end <= periods.period_end
    left join core.survey_batches as batches
        on batches.study_id = studies.study_id and batches.is_current
    group by all
),

rounds as (
    select periods.period, count(distinct rounds.round) filter (where values.round is not null)
        as achieved
    from periods
    left join staging.stg_monitoring_rounds as rounds on rounds.period_end <= periods.period_end
    left join core.monitoring_values as values
        on values.round = rounds.round and values.is_current
    group by all
),

delivered as (
    select periods.period, outputs.output_kind, sum(outputs.quantity) as achieved
    from periods
    join core.progress_outputs as outputs on outputs.period_end <= periods.period_end
    group by all
)

select
    targets.target_code,
    periods.period,
    periods.period_end,
    cast(coalesce(case targets.achieved_from
        when 'studies' then studies.achieved
        when 'monitoring' then rounds.achieved
        else delivered.achieved end, 0) as double) as achieved
from staging.stg_programme_targets as targets
cross join periods
left join studies on studies.period = periods.period and targets.achieved_from = 'studies'
left join rounds on rounds.period = periods.period and targets.achieved_from = 'monitoring'
left join delivered
    on delivered.period = periods.period
    and targets.achieved_from = 'progress:' || delivered.output_kind
