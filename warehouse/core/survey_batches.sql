-- Which loaded file is each study's current microdata: the latest one; a corrected file
-- supersedes the earlier (which stays in raw.* and here with is_current = false). Lineage comes
-- with the respondents (their staging view), so loads of other kinds leave this model as it is.
with files as (
    select batch_id, study_id, source_file, file_sha256, loaded_at, count(*) as respondents
    from staging.stg_survey_respondents
    group by all
)

select
    batch_id,
    study_id,
    source_file,
    file_sha256,
    loaded_at,
    respondents,
    batch_id = max(batch_id) over (partition by study_id) as is_current
from files
