-- Input of marts.study_means and study_quantiles (warehouse/survey_numeric.py): the numeric
-- variables the registry declares for one study ($study; a row without study_id: every study),
-- with the values that mean no answer, in one order.
SELECT variable, any_value(missing_values ORDER BY study_id NULLS LAST) AS missing_values
FROM staging.stg_study_numeric_variables
WHERE study_id = $study OR study_id IS NULL
GROUP BY variable ORDER BY variable
