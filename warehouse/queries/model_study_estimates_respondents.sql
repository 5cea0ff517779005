-- Input of marts.study_estimates: one batch's respondents and their design (weight, stratum,
-- PSU) and domains, in source-row order ($batch).
SELECT source_row, weight, stratum, psu, region_code, sex, age_group, weights_used
FROM core.survey_respondents WHERE batch_id = $batch ORDER BY source_row
