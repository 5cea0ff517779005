-- The vocabulary labels a survey file uses (staging.stg_loaded_labels is the union of every
-- kind's _labels.sql): the respondents' regions, where the file names them.
select 'region' as kind, region_label as label, batch_id, count(*) as cells
from raw.survey_respondents where region_label is not null group by all
