-- Substantive answers of current files; missing-value codes (hard to say, refused) are left
-- out, so proportions are among those who answered.
select
    respondents.study_id,
    respondents.respondent_id,
    answers.variable,
    answers.code
from raw.survey_answers as answers
join core.survey_respondents as respondents using (batch_id, source_row)
semi join core.survey_categories as categories
    on categories.study_id = respondents.study_id
    and categories.variable = answers.variable
    and categories.code = answers.code
