-- Official population by region (datasets/reference/population/by_region.csv), typed. The value
-- is kept as printed with its unit; `population` is it in persons (a figure printed in
-- thousands or millions is rounded as printed: `exact` is false). `units_of` is a date on which
-- the region codes have the territories the figure counts (the statistics agency often prints
-- a 1 January figure on the units of a reform later that year).
select
    cast(ref_date as date)   as ref_date,
    basis,                   -- census | estimate (1 January)
    release,                 -- final | preliminary (census); revised | first release (estimate)
    source_id,
    region_code,
    region_as_printed,
    cast(units_of as date)   as units_of,
    cast(round(cast(value as decimal(18, 3))
               * case unit when 'persons' then 1 when 'thousand' then 1000
                           when 'million' then 1000000 end) as bigint) as population,
    unit = 'persons'         as exact,
    value                    as value_as_printed,
    unit,
    source_url,
    source_title,
    quote,
    note
from reference.population_by_region
