-- Registration rows exactly as loaded, with the lineage of the file each came from and its
-- standing (stg_load_standing: whether it was reverted, the order current loads rank in).
select
    rows.batch_id,
    batches.file_name       as source_file,
    batches.file_sha256,
    batches.loaded_at,
    rows.source_row,
    rows.source_column,
    rows.as_of,
    rows.region_code,
    rows.confession_code,
    rows.associations,
    coalesce(standing.reverted, false)          as load_reverted,
    coalesce(standing.load_order, [rows.batch_id, 0]) as load_order
from raw.registration_rows as rows
join raw.load_batches as batches using (batch_id)
left join staging.stg_load_standing as standing using (batch_id)
