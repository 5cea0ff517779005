-- Input of marts.study_means and study_quantiles (warehouse/survey_numeric.py): one batch's
-- respondents, their design and domains, in source-row order ($batch).
SELECT source_row, weight, stratum, psu, region_code, sex, age_group
FROM core.survey_respondents WHERE batch_id = $batch ORDER BY source_row
