-- Region codes and their names in kk / ru / en.
select region_code, region_name_kk, region_name_ru, region_name_en from staging.stg_regions
