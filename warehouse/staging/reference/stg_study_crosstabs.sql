-- The two-way tables the registry asks for (datasets/reference/studies/crosstabs.csv): a question
-- by a question or by a domain variable (region, sex, age_group). An empty study_id: every
-- study that has both variables. marts.study_crosstabs and study_crosstab_tests make them.
select
    nullif(trim(study_id), '') as study_id,
    trim(row_variable)         as row_variable,
    trim(column_variable)      as column_variable
from reference.studies_crosstabs
