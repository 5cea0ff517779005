-- The numeric variables the registry declares (datasets/reference/studies/numeric_variables.csv):
-- `age` (the respondent's age in completed years), a question of study_variables.csv whose codes
-- are numbers, or an extra column of the file. An empty study_id: every study that has it.
-- missing_values: numbers that mean no answer (e.g. 98;99), left out of every estimate.
-- marts.study_means and study_quantiles estimate them.
select
    nullif(trim(study_id), '')  as study_id,
    trim(variable)              as variable,
    nullif(trim(question_en), '') as question_en,
    coalesce(list_transform(string_split(nullif(trim(missing_values), ''), ';'),
                            lambda x: cast(trim(x) as double)), [])  as missing_values
from reference.studies_numeric_variables
