-- Monitoring indicator names in the report's languages.
select indicator_code, indicator_name_kk as name_kk, indicator_name_ru as name_ru,
       indicator_name_en as name_en
from staging.stg_indicators
order by indicator_code
