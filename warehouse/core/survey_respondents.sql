-- Respondents of each study's current file, with the weight estimation uses: raked where the
-- registry asks for it, else the design weight (1 for studies without weights; 0 for a
-- respondent who is in the file but carries no weight). Respondent level: stays in core,
-- never in a mart or snapshot.
select
    respondents.batch_id,
    respondents.study_id,
    respondents.source_row,
    respondents.respondent_id,
    respondents.region_code,
    respondents.sex,
    respondents.age_group,
    coalesce(respondents.weight_raked, respondents.weight_design)   as weight,
    case when respondents.weight_raked is not null then 'raked to ' || studies.rake_to
         when studies.weights = 'none' then 'none (equal weights)'
         else 'design' end                                          as weights_used,
    respondents.stratum,
    respondents.psu
from staging.stg_survey_respondents as respondents
join core.survey_batches as batches using (batch_id)
join staging.stg_studies as studies on studies.study_id = respondents.study_id
where batches.is_current
