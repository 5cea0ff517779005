-- The vocabulary labels a progress report uses (staging.stg_loaded_labels is the union of every
-- kind's _labels.sql): the reporting agencies.
select 'agency' as kind, agency_label as label, batch_id, count(*) as cells
from raw.progress_reports group by all
