-- Respondents exactly as loaded, with the lineage of their file, and its standing
-- (stg_load_standing: reverted, and the order current loads rank in).
select
    respondents.batch_id,
    batches.file_name   as source_file,
    batches.file_sha256,
    batches.loaded_at,
    respondents.study_id,
    respondents.source_row,
    respondents.respondent_id,
    respondents.region_code,
    respondents.sex,
    respondents.age_group,
    respondents.weight_design,
    respondents.weight_raked,
    respondents.stratum,
    respondents.psu,
    coalesce(standing.reverted, false)          as load_reverted,
    coalesce(standing.load_order, [respondents.batch_id, 0]) as load_order
from raw.survey_respondents as respondents
join raw.load_batches as batches using (batch_id)
left join staging.stg_load_standing as standing using (batch_id)
