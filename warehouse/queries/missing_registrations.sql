-- Regions in force on $due without a current registration report as of that date. One query
-- for `ahual completeness`, `ahual status` and the report.
select regions.region_code, regions.region_name_en, regions.region_name_kk, regions.region_name_ru
from staging.stg_regions as regions
where regions.region_level <> 'national'
  and regions.valid_from <= $due and (regions.valid_to is null or regions.valid_to > $due)
  and regions.region_code not in (
      select region_code from core.registration_reports where as_of = $due and is_current)
order by regions.region_code
