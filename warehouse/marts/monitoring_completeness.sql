-- Which regions and indicators are missing from each round: every region in force at the
-- round's end is expected to report every indicator of the catalogue.
with expected as (
    select rounds.round, rounds.reports_due, regions.region_code, regions.region_name_en,
           indicators.indicator_code
    from staging.stg_monitoring_rounds as rounds
    cross join staging.stg_regions as regions
    cross join staging.stg_indicators as indicators
    where regions.region_level <> 'national'
      and regions.valid_from <= rounds.period_end
      and (regions.valid_to is null or regions.valid_to > rounds.period_end)
),

reported as (
    select round, region_code, indicator_code, value
    from core.monitoring_values
    where is_current
)

select
    expected.round,
    expected.reports_due,
    expected.region_code,
    expected.region_name_en,
    count(reported.indicator_code)                                      as indicators_sent,
    count(reported.value)                                               as indicators_with_value,
    count(*)                                                            as indicators_expected,
    string_agg(expected.indicator_code, ', ' order by expected.indicator_code)
        filter (where reported.value is null)                           as missing_indicators,
    case when count(reported.indicator_code) = 0 then 'not reported'
         when count(reported.value) < count(*) then 'incomplete'
         else 'complete' end                                            as status
from expected
left join reported using (round, region_code, indicator_code)
group by all
order by expected.round, expected.region_code
