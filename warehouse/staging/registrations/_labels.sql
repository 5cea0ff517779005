-- The vocabulary labels a registration report uses (staging.stg_loaded_labels is the union of
-- every kind's _labels.sql): its regions and confessions.
select 'region' as kind, region_label as label, batch_id, count(*) as cells
from raw.registration_rows group by all
union all
select 'confession', confession_label, batch_id, count(*)
from raw.registration_rows group by all
