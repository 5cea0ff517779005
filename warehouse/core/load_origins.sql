-- Where every load came from: its file, when it reached the centre, and whether its figures are
-- made up (the demo's files; staging.stg_receipts). Marts join it by batch_id.
with receipts as (
    select file_sha256, min(received_on) as received_on, bool_or(made_up) as made_up
    from staging.stg_receipts
    group by file_sha256
)

select
    batches.batch_id,
    batches.kind,
    batches.source_file,
    batches.file_sha256,
    coalesce(receipts.received_on, batches.loaded_at::date) as received_on,
    coalesce(receipts.made_up, false)                       as made_up
from staging.stg_load_batches as batches
left join receipts using (file_sha256)
