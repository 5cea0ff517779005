-- Raw rows that point to no load batch: they could not be traced to a file.
with rows as (
    select 'raw.registration_rows' as raw_table, batch_id from raw.registration_rows
    union all select 'raw.monitoring_values', batch_id from raw.monitoring_values
    union all select 'raw.survey_respondents', batch_id from raw.survey_respondents
    union all select 'raw.survey_answers', batch_id from raw.survey_answers
    union all select 'raw.survey_categories', batch_id from raw.survey_categories
    union all select 'raw.survey_variables', batch_id from raw.survey_variables
    union all select 'raw.progress_reports', batch_id from raw.progress_reports
    union all select 'raw.progress_outputs', batch_id from raw.progress_outputs
)

select raw_table, batch_id, count(*) as rows
from rows
where batch_id not in (select batch_id from raw.load_batches)
group by all
