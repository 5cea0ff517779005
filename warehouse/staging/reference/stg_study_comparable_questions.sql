-- Which questions of different studies are the same question (same wording, same answer codes):
-- datasets/reference/studies/comparable_questions.csv, one row per study's variable in a group.
-- marts.study_differences compares the studies of a group; matching names are not enough.
select
    trim(question_group) as question_group,
    trim(study_id)       as study_id,
    trim(variable)       as variable
from reference.studies_comparable_questions
