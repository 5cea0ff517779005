-- Raw rows that point to no load batch: they could not be traced to a file.
select 'raw.registration_rows' as raw_table, batch_id, count(*) as rows
from raw.registration_rows
where batch_id not in (select batch_id from raw.load_batches)
group by batch_id
