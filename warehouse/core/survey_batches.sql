-- Which loaded file is each study's current microdata: the latest one; a corrected file
-- supersedes the earlier (which stays in raw.* and here with is_current = false).
with files as (
    select batch_id, study_id, count(*) as respondents
    from staging.stg_survey_respondents
    group by all
)

select
    files.batch_id,
    files.study_id,
    batches.source_file,
    batches.file_sha256,
    batches.loaded_at,
    files.respondents,
    files.batch_id = max(files.batch_id) over (partition by files.study_id) as is_current
from files
join staging.stg_load_batches as batches using (batch_id)
