-- The responsible agencies' names in the report's languages.
select agency_code, abbreviation_kk, name_kk, name_ru, name_en
from staging.stg_agencies
order by agency_code
