-- Raw rows that point to no load batch: they could not be traced to a file. `raw_rows`
-- (batch_id, raw_table, rows) counts every input kind's raw tables (flows/ops/doctor.py).
select raw_table, batch_id, rows
from raw_rows
where batch_id not in (select batch_id from raw.load_batches)
