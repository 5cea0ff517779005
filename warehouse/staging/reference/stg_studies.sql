-- The study registry (datasets/reference/studies/studies.csv), typed. An empty lonely_psu or
-- interval takes the default named in datasets/reference/studies/README.md.
select
    study_id,
    title_kk,
    title_ru,
    title_en,
    cast(fieldwork_start as date)               as fieldwork_start,
    cast(fieldwork_end as date)                 as fieldwork_end,
    population_en,
    design,
    cast(planned_n as integer)                  as planned_n,
    weights,
    nullif(rake_to, '')                         as rake_to,
    coalesce(nullif(lonely_psu, ''), 'adjust')  as lonely_psu,
    coalesce(nullif(interval, ''), 'logit')     as interval,
    cast(coalesce(nullif(age_min, ''), '18') as integer)  as age_min,
    cast(coalesce(nullif(age_max, ''), '110') as integer) as age_max,
    coalesce(nullif(missing_labels, ''), 'warn') as missing_labels,
    made_up = 'yes'                             as made_up
from reference.studies_studies
