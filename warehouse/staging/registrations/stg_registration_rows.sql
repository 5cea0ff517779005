-- Registration rows exactly as loaded, with the lineage of the file each came from.
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
    rows.associations
from raw.registration_rows as rows
join raw.load_batches as batches using (batch_id)
