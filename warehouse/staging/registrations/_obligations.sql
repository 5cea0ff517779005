-- Registration reports owed (core.reporting_obligations is the union of every kind's
-- _obligations.sql): every first-level unit in force on the day after each half-year, as of
-- that day, due with the agencies' report (10 January / 10 July). A registration report is
-- judged against the same unit's previous report, so no cell count is fixed here.
select
    'registrations'                         as report_kind,
    periods.period,
    cast(null as integer)                   as round,
    periods.period_end + interval 1 day     as as_of,
    periods.agencies_report_by              as due_date,
    'region'                                as reporter_kind,
    regions.region_code                     as reporter_code,
    cast(null as integer)                   as expected_cells
from staging.stg_reporting_periods as periods
join staging.stg_regions as regions
  on regions.region_level <> 'national'
 and regions.valid_from <= periods.period_end + interval 1 day
 and (regions.valid_to is null or regions.valid_to > periods.period_end + interval 1 day)
