-- Regions reference (datasets/reference/regions.csv), typed.
select
    region_code,
    level                                   as region_level,
    nullif(iso_3166_2, '')                  as iso_3166_2,
    name_kk                                 as region_name_kk,
    name_ru                                 as region_name_ru,
    name_en                                 as region_name_en,
    cast(valid_from as date)                as valid_from,
    cast(nullif(valid_to, '') as date)      as valid_to,
    comparable_2007_code
from reference.regions
