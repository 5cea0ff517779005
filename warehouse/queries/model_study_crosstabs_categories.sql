-- Input of marts.study_crosstabs: one study's substantive answer categories per question,
-- codes in order ($study).
SELECT variable, code, label_kk, label_ru, label_en FROM core.survey_categories
WHERE study_id = $study ORDER BY variable, code
