-- Load batches whose raw rows are not all there (an accepted file must be loaded whole).
with loaded as (
    select batch_id, count(*) as rows_found from raw.registration_rows group by batch_id
)
select batches.batch_id, batches.kind, batches.file_name, batches.rows_loaded,
       coalesce(loaded.rows_found, 0) as rows_found
from raw.load_batches as batches
left join loaded using (batch_id)
where batches.kind = 'registrations' and batches.rows_loaded <> coalesce(loaded.rows_found, 0)
