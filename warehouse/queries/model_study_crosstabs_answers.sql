-- Input of marts.study_crosstabs: one batch's answers to one question ($batch, $variable);
-- the model places them by source row, so their order does not matter.
SELECT source_row, code FROM staging.stg_survey_answers
WHERE batch_id = $batch AND variable = $variable
