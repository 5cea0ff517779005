-- The vocabulary labels a monitoring sheet uses (staging.stg_loaded_labels is the union of
-- every kind's _labels.sql): its regions and indicators.
select 'region' as kind, region_label as label, batch_id, count(*) as cells
from raw.monitoring_values group by all
union all
select 'indicator', indicator_label, batch_id, count(*)
from raw.monitoring_values group by all
