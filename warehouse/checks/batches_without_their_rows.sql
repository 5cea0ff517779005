-- Load batches whose raw rows are not all there (an accepted file must be loaded whole): the
-- rows of every raw table a batch wrote must add up to what it recorded. `raw_rows` (batch_id,
-- raw_table, rows) counts every input kind's raw tables (flows/ops/doctor.py).
with loaded as (
    select batch_id, sum(rows) as rows_found from raw_rows group by all
)

select batches.batch_id, batches.kind, batches.file_name, batches.rows_loaded,
       coalesce(loaded.rows_found, 0) as rows_found
from raw.load_batches as batches
left join loaded using (batch_id)
where batches.rows_loaded <> coalesce(loaded.rows_found, 0)
