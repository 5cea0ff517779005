-- Coverage of every reporting date, for people: how many units reported, which did not (by
-- name), and whether the date has a national figure (core.registration_coverage decides).
with coverage as (
    select * from core.registration_coverage
),

missing as (
    select coverage.as_of,
           string_agg(regions.region_name_en, '; ' order by regions.region_code) as missing_en,
           string_agg(regions.region_name_ru, '; ' order by regions.region_code) as missing_ru,
           string_agg(regions.region_name_kk, '; ' order by regions.region_code) as missing_kk
    from coverage, unnest(coverage.missing_units) as m(region_code)
    join staging.stg_regions as regions on regions.region_code = m.region_code
    group by coverage.as_of
)

select
    coverage.as_of,
    coverage.units_expected,
    coverage.units_reported,
    coverage.missing_units,
    missing.missing_en,
    missing.missing_ru,
    missing.missing_kk,
    coverage.has_national_report,
    coverage.all_units_reported,
    coverage.complete,
    coverage.national_source
from coverage
left join missing using (as_of)
order by coverage.as_of
