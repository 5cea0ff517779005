-- Every categorical value of a loaded file that can make a domain, as text: the questions'
-- substantive codes (codes the codebook declares missing are no domain) and the extra columns'
-- values. The study marts read those of the variables datasets/reference/studies/
-- study_domains.csv declares (warehouse/survey_domains.py).
select answers.batch_id, answers.source_row, answers.variable, cast(answers.code as varchar)
    as value
from raw.survey_answers as answers
left join raw.survey_categories as categories
    on categories.batch_id = answers.batch_id and categories.variable = answers.variable
    and categories.code = answers.code
where not coalesce(categories.is_missing, false)
union all
select batch_id, source_row, variable, value
from raw.survey_extra_values
