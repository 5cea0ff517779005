-- Answers exactly as loaded: batch x source row x question x code (missing-value codes too).
select batch_id, source_row, variable, code
from raw.survey_answers
