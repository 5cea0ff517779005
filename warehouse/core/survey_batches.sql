-- Which loaded file is each study's current microdata: the latest one in load order (a file
-- sent again ranks as sent then); a corrected file supersedes the earlier (which stays in raw.*
-- and here with is_current = false), and a reverted load is never current. Lineage comes with
-- the respondents (their staging view), so loads of other kinds leave this model as it is.
with files as (
    select batch_id, study_id, source_file, file_sha256, loaded_at, load_reverted, load_order,
        count(*) as respondents
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
    not load_reverted and load_order = max(load_order) filter (where not load_reverted)
        over (partition by study_id) as is_current
from files
