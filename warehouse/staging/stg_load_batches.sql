-- Every accepted file: the lineage every mart row points back to (raw/load_batches).
select
    batch_id,
    kind,
    file_name           as source_file,
    file_sha256,
    load_key,
    loaded_as,
    rows_loaded,
    loaded_at
from raw.load_batches
