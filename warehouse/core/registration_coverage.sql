-- Which units reported for each date: the one rule every multi-region figure obeys. A date has a
-- national figure only when a national report was loaded for it, or when every first-level
-- unit in force on that day has a current report; otherwise it is partial, the missing units
-- are named, and no national figure may be computed from it (a sum over the regions that
-- reported is not a national figure).
with dates as (
    select distinct as_of from core.registration_reports where is_current
),

expected as (
    select dates.as_of, regions.region_code
    from dates
    join staging.stg_regions as regions
      on regions.region_level <> 'national'
     and regions.valid_from <= dates.as_of
     and (regions.valid_to is null or regions.valid_to > dates.as_of)
),

reported as (
    select distinct as_of, region_code from core.registration_reports
    where is_current and region_level <> 'national'
),

national as (
    select distinct as_of from core.registration_reports
    where is_current and region_level = 'national'
),

units as (
    select
        expected.as_of,
        count(*)                                               as units_expected,
        count(reported.region_code)                            as units_reported,
        list(expected.region_code order by expected.region_code)
            filter (where reported.region_code is null)        as missing_units
    from expected
    left join reported using (as_of, region_code)
    group by expected.as_of
)

select
    dates.as_of,
    coalesce(units.units_expected, 0)::integer                as units_expected,
    coalesce(units.units_reported, 0)::integer                as units_reported,
    coalesce(units.missing_units, []::varchar[])              as missing_units,
    national.as_of is not null                                as has_national_report,
    coalesce(units.units_reported = units.units_expected, false) as all_units_reported,
    national.as_of is not null
        or coalesce(units.units_reported = units.units_expected, false) as complete,
    case when national.as_of is not null then 'national report'
         when units.units_reported = units.units_expected then 'all regions'
    end                                                       as national_source
from dates
left join units using (as_of)
left join national using (as_of)
order by dates.as_of
