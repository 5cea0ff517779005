-- The loads behind a snapshot, for its manifest.
select batch_id, kind, file_name, file_sha256, loaded_as::varchar,
       strftime(loaded_at, '%Y-%m-%dT%H:%M:%S')
from raw.load_batches
order by batch_id
