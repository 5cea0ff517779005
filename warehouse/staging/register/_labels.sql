-- Every vocabulary label the register's extracts used, by load batch (the loaded-labels model,
-- staging.stg_loaded_labels, unions every kind's _labels.sql).
select 'region' as kind, region_label as label, batch_id, count(*) as cells
from raw.register_records group by all
union all
select 'confession', confession_label, batch_id, count(*)
from raw.register_records group by all
