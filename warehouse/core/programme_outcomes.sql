-- The programme's outcome targets (staging.stg_programme_outcome_targets) as of each half-year:
-- the latest monitoring round ended by the half-year's end against the round before it (the
-- passport's "previous period"), each summed over the regions that gave every indicator of the
-- target in both rounds only; a region in one of the two rounds only is named, not counted.
with target_indicators as (
    select targets.target_code, trim(code.indicator_code) as indicator_code,
           len(string_split(targets.indicator_codes, ';')) as indicators
    from staging.stg_programme_outcome_targets as targets,
         unnest(string_split(targets.indicator_codes, ';')) as code(indicator_code)
),

counts as (
    select target_indicators.target_code, vals.round, vals.region_code, sum(vals.value) as value
    from core.monitoring_values as vals
    join target_indicators using (indicator_code)
    where vals.is_current and vals.value is not null
    group by all
    having count(distinct vals.indicator_code) = max(target_indicators.indicators)
),

latest as (
    select periods.period, periods.period_end, targets.target_code, max(rounds.round) as round
    from staging.stg_reporting_periods as periods
    cross join staging.stg_programme_outcome_targets as targets
    left join (select distinct target_code, round from counts) as loaded
        on loaded.target_code = targets.target_code
    left join staging.stg_monitoring_rounds as rounds
        on rounds.round = loaded.round and rounds.period_end <= periods.period_end
    group by all
),

regions as (
    select latest.period, latest.target_code, counts.region_code,
           max(counts.value) filter (where counts.round = latest.round)     as current_value,
           max(counts.value) filter (where counts.round = latest.round - 1) as previous_value
    from latest
    join counts
        on counts.target_code = latest.target_code
        and counts.round in (latest.round, latest.round - 1)
    group by all
),

compared as (
    select
        regions.period, regions.target_code,
        sum(regions.previous_value) filter (where regions.current_value is not null)  as previous_value,
        sum(regions.current_value) filter (where regions.previous_value is not null)  as current_value,
        count(*) filter (where regions.current_value is not null
                           and regions.previous_value is not null)                   as regions_compared,
        string_agg(names.region_name_en || case when regions.current_value is null
                                                then ' (not in the latest round)'
                                                else ' (not in the previous round)' end,
                   '; ' order by names.region_name_en) filter (
            where regions.current_value is null or regions.previous_value is null)   as regions_left_out,
        string_agg(regions.region_code, ';' order by regions.region_code)
            filter (where regions.current_value is null)                             as codes_not_in_round,
        string_agg(regions.region_code, ';' order by regions.region_code)
            filter (where regions.previous_value is null)                            as codes_not_in_previous
    from regions
    join staging.stg_regions as names using (region_code)
    group by all
)

select
    latest.period,
    latest.period_end,
    latest.target_code,
    case when compared.regions_compared > 0 then latest.round end       as round,
    case when compared.regions_compared > 0 then latest.round - 1 end   as previous_round,
    compared.previous_value,
    compared.current_value,
    round(100.0 * (compared.current_value - compared.previous_value)
          / nullif(compared.previous_value, 0), 1)                        as pct_change,
    coalesce(compared.regions_compared, 0)                                as regions_compared,
    case when compared.regions_compared > 0 then compared.regions_left_out end as regions_left_out,
    case when compared.regions_compared > 0 then compared.codes_not_in_round end
                                                                          as codes_not_in_round,
    case when compared.regions_compared > 0 then compared.codes_not_in_previous end
                                                                          as codes_not_in_previous
from latest
left join compared using (period, target_code)
