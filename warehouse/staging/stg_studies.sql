-- The study registry (datasets/reference/studies/studies.csv), typed.
select
    study_id,
    title_kk,
    title_ru,
    title_en,
    cast(fieldwork_start as date)   as fieldwork_start,
    cast(fieldwork_end as date)     as fieldwork_end,
    population_en,
    design,
    cast(planned_n as integer)      as planned_n,
    weights,
    nullif(rake_to, '')             as rake_to,
    made_up = 'yes'                 as made_up
from reference.studies_studies
