-- Monitoring values exactly as loaded, with the lineage of the file each came from and its
-- standing (stg_load_standing: whether it was reverted, the order current loads rank in).
select
    vals.batch_id,
    batches.file_name   as source_file,
    batches.file_sha256,
    batches.loaded_at,
    vals.round,
    vals.source_row,
    vals.source_column,
    vals.region_code,
    vals.indicator_code,
    vals.value,
    coalesce(standing.reverted, false)          as load_reverted,
    coalesce(standing.load_order, [vals.batch_id, 0]) as load_order
from raw.monitoring_values as vals
join raw.load_batches as batches using (batch_id)
left join staging.stg_load_standing as standing using (batch_id)
