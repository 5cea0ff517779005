-- The domains each study declares (datasets/reference/studies/study_domains.csv): a categorical
-- question or extra column of its file whose values become domains of every study mart, beside
-- national, region, sex and age group (those names are taken). An empty study_id: every study
-- that has the variable. warehouse/survey_domains.py adds them to each study's design.
select distinct
    nullif(trim(study_id), '') as study_id,
    trim(variable)             as variable
from reference.studies_study_domains
where trim(variable) not in ('national', 'region', 'sex', 'age_group')
