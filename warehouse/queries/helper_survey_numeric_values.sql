-- Input of marts.study_means and study_quantiles (warehouse/survey_numeric.py): one batch's
-- numbers of one variable ($batch, $variable), without the values the registry says mean no
-- answer ($missing; nulls and infinities are none either); the model places them by source row.
SELECT source_row, value FROM staging.stg_survey_numeric_values
WHERE batch_id = $batch AND variable = $variable AND isfinite(value)
    AND NOT list_contains(CAST($missing AS DOUBLE[]), value)
