-- Substantive answer codes of the questions of each current study file (raw.survey_variables
-- estimated = true; extra columns keep their codebook in raw but are not estimated), with
-- labels in kk/ru/en where the codebook has them (falling back to the label in the file).
select
    categories.study_id,
    categories.variable,
    categories.code,
    coalesce(nullif(categories.label_kk, ''), categories.label)  as label_kk,
    coalesce(nullif(categories.label_ru, ''), categories.label)  as label_ru,
    coalesce(nullif(categories.label_en, ''), categories.label)  as label_en
from staging.stg_survey_categories as categories
join core.survey_batches as batches using (batch_id)
join staging.stg_survey_variables as variables
    on variables.batch_id = categories.batch_id and variables.variable = categories.variable
where batches.is_current and variables.estimated and not categories.is_missing
