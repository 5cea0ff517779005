-- Every load behind the published warehouse, with the Prefect flow run that made it: the
-- site's lineage from a table down to its input files.
select batch_id, kind, file_name, file_sha256, rows_loaded, flow_run_id
from raw.load_batches
order by batch_id
