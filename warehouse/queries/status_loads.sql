-- The latest loads, for `ahual status`.
select batch_id, kind, file_name, rows_loaded, loaded_at, loaded_as::varchar as loaded_as
from raw.load_batches
order by batch_id desc
limit $limit
