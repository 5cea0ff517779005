-- Every non-design column of each loaded file: questions (estimated) and extra columns.
select batch_id, study_id, variable, source_column, question, estimated, note
from raw.survey_variables
