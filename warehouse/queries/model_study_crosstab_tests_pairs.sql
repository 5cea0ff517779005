-- Input of marts.study_crosstab_tests: the tables the registry asks for
-- (datasets/reference/studies/crosstabs.csv; a null study_id: every study), in one order.
SELECT DISTINCT study_id, row_variable, column_variable FROM staging.stg_study_crosstabs
ORDER BY row_variable, column_variable, study_id NULLS FIRST
