-- Monitoring values exactly as loaded, with the lineage of the file each came from.
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
    vals.value
from raw.monitoring_values as vals
join raw.load_batches as batches using (batch_id)
