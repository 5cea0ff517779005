-- Confession family names (and the total) in the report's languages.
select confession_code as family_code, confession_name_kk as name_kk,
       confession_name_ru as name_ru, confession_name_en as name_en
from staging.stg_confessions
where confession_level in ('family', 'total')
order by confession_code
