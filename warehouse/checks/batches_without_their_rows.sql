-- Load batches whose raw rows are not all there (an accepted file must be loaded whole): the
-- rows of every raw table a batch wrote must add up to what it recorded.
with written as (
    select batch_id, count(*) as rows_found from raw.registration_rows group by all
    union all select batch_id, count(*) from raw.monitoring_values group by all
    union all select batch_id, count(*) from raw.survey_respondents group by all
    union all select batch_id, count(*) from raw.survey_answers group by all
    union all select batch_id, count(*) from raw.survey_categories group by all
    union all select batch_id, count(*) from raw.survey_variables group by all
    union all select batch_id, count(*) from raw.progress_reports group by all
    union all select batch_id, count(*) from raw.progress_outputs group by all
),

loaded as (
    select batch_id, sum(rows_found) as rows_found from written group by all
)

select batches.batch_id, batches.kind, batches.file_name, batches.rows_loaded,
       coalesce(loaded.rows_found, 0) as rows_found
from raw.load_batches as batches
left join loaded using (batch_id)
where batches.rows_loaded <> coalesce(loaded.rows_found, 0)
