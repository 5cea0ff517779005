-- The names of the codes the notebooks show (flows/notebook.py), in Kazakh, Russian and
-- English, one list per kind of code. The programme plan has no Russian titles of its
-- measures: a Russian notebook shows the Kazakh one, marked.
select 'region' as kind, region_code as code, region_name_kk as kk, region_name_ru as ru,
       region_name_en as en
from staging.stg_regions
union all
select 'confession', confession_code, confession_name_kk, confession_name_ru, confession_name_en
from staging.stg_confessions
union all
select 'indicator', indicator_code, indicator_name_kk, indicator_name_ru, indicator_name_en
from staging.stg_indicators
union all
select 'agency', agency_code, name_kk, name_ru, name_en
from staging.stg_agencies
union all
select 'study', study_id, title_kk, title_ru, title_en
from staging.stg_studies
union all
select 'measure', measure_no::varchar, title_kk, null, title_en
from staging.stg_programme_measures
