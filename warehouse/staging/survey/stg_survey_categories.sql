-- The codebook of each loaded file: every code of every question with its labels.
select batch_id, study_id, variable, code, label, label_kk, label_ru, label_en, is_missing
from raw.survey_categories
