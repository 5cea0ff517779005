-- Substantive answer codes of each current study file, with labels in kk/ru/en where the
-- codebook has them (falling back to the label in the file).
select
    categories.study_id,
    categories.variable,
    categories.code,
    coalesce(nullif(categories.label_kk, ''), categories.label)  as label_kk,
    coalesce(nullif(categories.label_ru, ''), categories.label)  as label_ru,
    coalesce(nullif(categories.label_en, ''), categories.label)  as label_en
from raw.survey_categories as categories
join core.survey_batches as batches using (batch_id)
where batches.is_current and not categories.is_missing
