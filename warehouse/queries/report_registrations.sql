-- Registered religious associations by region x confession family (and the total), with the
-- population and the rate per 100,000 (marts.registration_rates), on the report's date and on
-- the previous complete date. The Republic (region 00) has a row only on a date with a national
-- figure (marts.registration_coverage): the national report's own, else the sum over the
-- regions when every region in force reported - a family or population is summed only when
-- every region has it. A partial date has no national row: a sum over the regions that
-- reported is not a national figure.
with dates as (
    select as_of, units_expected, national_source
    from marts.registration_coverage
    where as_of in ($shown, $previous)
),

cells as (
    select rates.as_of, rates.level, rates.region_code, rates.confession_code,
           rates.associations, rates.population
    from marts.registration_rates as rates
    join dates using (as_of)
    where rates.confession_level in ('family', 'total')
),

regional as (
    select as_of, region_code, confession_code, associations, population
    from cells
    where level <> 'national'
),

national_reported as (
    select cells.as_of, '00' as region_code, cells.confession_code, cells.associations,
           cells.population
    from cells
    join dates using (as_of)
    where cells.level = 'national' and dates.national_source = 'national report'
),

national_summed as (
    select regional.as_of, '00' as region_code, regional.confession_code,
           case when count(regional.associations) = any_value(dates.units_expected)
                then sum(regional.associations) end::bigint as associations,
           case when count(regional.population) = any_value(dates.units_expected)
                then sum(regional.population) end::bigint   as population
    from regional
    join dates using (as_of)
    where dates.national_source = 'all regions'
    group by regional.as_of, regional.confession_code
),

rows as (
    select * from regional
    union all by name
    select * from national_reported
    union all by name
    select * from national_summed
)

select as_of, region_code, confession_code, associations, population,
       round(100000.0 * associations / nullif(population, 0), 4) as per_100k
from rows
order by as_of, region_code = '00', region_code, confession_code <> 'ALL', confession_code
