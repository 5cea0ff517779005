-- Round x region x indicator on the common scheme, with the change since the region's
-- previous round and an early-warning flag.
-- Warning rule: for an indicator whose rise is a warning sign, the value is at least 1.5 times
-- the region's mean over its earlier rounds AND at least 3 above that mean (so 0 -> 1 is not
-- an alarm); a region's first round is never flagged.
with current_values as (
    select * from core.monitoring_values where is_current
),

with_history as (
    select
        *,
        lag(value) over w                                              as previous_value,
        avg(value) over (w rows between unbounded preceding and 1 preceding) as earlier_mean,
        count(value) over (w rows between unbounded preceding and 1 preceding) as earlier_rounds
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
    coalesce(indicators.rise_is_warning
             and v.earlier_rounds > 0
             and v.value >= 1.5 * v.earlier_mean
             and v.value - v.earlier_mean >= 3, false)                  as early_warning,
    v.batch_id,
    v.source_file,
    v.file_sha256,
    v.source_row
from with_history as v
join staging.stg_regions as regions using (region_code)
join staging.stg_indicators as indicators using (indicator_code)
join staging.stg_monitoring_rounds as rounds using (round)
order by v.round, v.region_code, v.indicator_code
