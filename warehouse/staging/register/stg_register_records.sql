-- Register records exactly as loaded, with the lineage of the extract each came from and its
-- standing (stg_load_standing: whether it was reverted). record_id names a record by its
-- file's bytes and row, so it is the same in every build and every home that loads the file
-- (analysts' decisions on pairs refer to it).
select
    substr(batches.file_sha256, 1, 12) || ':' || rows.source_row::varchar as record_id,
    rows.batch_id,
    batches.file_name       as source_file,
    batches.file_sha256,
    rows.source_row,
    rows.as_of,
    rows.bin,
    rows.old_number,
    rows.name_kk,
    rows.name_ru,
    rows.short_name_kk,
    rows.short_name_ru,
    rows.legal_form,
    rows.confession_code,
    rows.region_code,
    rows.kato,
    rows.registered_on,
    rows.reregistered_on,
    rows.liquidated_on,
    rows.liquidation_reason,
    coalesce(standing.reverted, false) as load_reverted
from raw.register_records as rows
join raw.load_batches as batches using (batch_id)
left join staging.stg_load_standing as standing using (batch_id)
