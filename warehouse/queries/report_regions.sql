-- Region names in the report's languages (every region, in force or not).
select region_code, region_name_kk as name_kk, region_name_ru as name_ru,
       region_name_en as name_en
from staging.stg_regions
order by region_code
