-- The items of the regional monitoring index (datasets/reference/monitoring_index_items.csv),
-- typed: each scores 0 below half_at, 0.5 from half_at, 1 from full_at.
select
    item_code,
    cast(item_no as integer)     as item_no,
    indicator_code,
    measure,                     -- count | per 100000 (inhabitants) | per 100 of indicator
    nullif(per_indicator, '')    as per_indicator,
    cast(half_at as double)      as half_at,
    cast(full_at as double)      as full_at,
    name_kk                      as item_name_kk,
    name_ru                      as item_name_ru,
    name_en                      as item_name_en,
    reasoning,
    source
from reference.monitoring_index_items
