-- Round x region x indicator on the common scheme, with the change since the region's
-- previous round and the region's mean over its earlier rounds. Early warnings are not made
-- here: they are marts.monitoring_warnings' (level = 'warning').
with current_values as (
    select * from core.monitoring_values where is_current
),

with_history as (
    select
        *,
        lag(value) over w                                              as previous_value,
        avg(value) over (w rows between unbounded preceding and 1 preceding) as earlier_mean
    from current_values
    window w as (partition by region_code, indicator_code order by round)
)

select
    v.round,
    rounds.period_end                                                   as round_end,
    v.region_code,
    regions.region_name_en,
    v.indicator_code,
    indicators.indicator_name_en,
    indicators.unit,
    v.value,
    v.value - v.previous_value                                          as change_vs_previous,
    100.0 * (v.value - v.previous_value) / nullif(v.previous_value, 0)  as pct_change_vs_previous,
    round(v.earlier_mean, 2)                                            as earlier_rounds_mean,
    v.batch_id,
    v.source_file,
    v.file_sha256,
    v.source_row
from with_history as v
join staging.stg_regions as regions using (region_code)
join staging.stg_indicators as indicators using (indicator_code)
join staging.stg_monitoring_rounds as rounds using (round)
order by v.round, v.region_code, v.indicator_code
