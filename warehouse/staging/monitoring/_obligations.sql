-- Monitoring sheets owed (core.reporting_obligations is the union of every kind's
-- _obligations.sql): every unit in force at a round's end, due on the round's date; a complete
-- sheet holds every indicator.
select
    'monitoring'                            as report_kind,
    periods.period,
    rounds.round,
    cast(null as date)                      as as_of,
    rounds.reports_due                      as due_date,
    'region'                                as reporter_kind,
    regions.region_code                     as reporter_code,
    (select count(*) from staging.stg_indicators)::integer as expected_cells
from staging.stg_monitoring_rounds as rounds
left join staging.stg_reporting_periods as periods on periods.period_end = rounds.period_end
join staging.stg_regions as regions
  on regions.region_level <> 'national'
 and regions.valid_from <= rounds.period_end
 and (regions.valid_to is null or regions.valid_to > rounds.period_end)
