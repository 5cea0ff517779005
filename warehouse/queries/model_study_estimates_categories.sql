-- Input of marts.study_estimates: one study's substantive answer categories per question, with
-- their labels ($study); codes in order (the model's sums run in this order).
SELECT variable, code, label_kk, label_ru, label_en FROM core.survey_categories
WHERE study_id = $study ORDER BY variable, code
