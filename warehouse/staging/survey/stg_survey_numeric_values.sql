-- Every value of a loaded file that may be a number, as a number (null where it is not one):
-- the age as given (`age`), the extra columns' values, and the questions' codes that the
-- codebook does not declare missing. marts.study_means and study_quantiles read those of the
-- variables datasets/reference/studies/numeric_variables.csv declares numeric.
select batch_id, source_row, 'age' as variable, try_cast(age_text as double) as value
from raw.survey_respondents
union all
select batch_id, source_row, variable, try_cast(value as double) as value
from raw.survey_extra_values
union all
select answers.batch_id, answers.source_row, answers.variable, cast(answers.code as double)
from raw.survey_answers as answers
left join raw.survey_categories as categories
    on categories.batch_id = answers.batch_id and categories.variable = answers.variable
    and categories.code = answers.code
where not coalesce(categories.is_missing, false)
