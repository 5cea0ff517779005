-- Current registered associations by date x region x confession (parts only: reported totals
-- are in registration_reconciliation). region_code is NULL for national figures.
select
    counts.as_of,
    case when counts.region_level = 'national' then null else counts.region_code end as region_code,
    counts.region_level                  as level,
    regions.region_name_en,
    counts.confession_code,
    confessions.confession_name_en,
    counts.confession_family,
    counts.associations,
    counts.batch_id,
    counts.source_file,
    counts.file_sha256,
    counts.source_row,
    origins.made_up
from core.registration_counts as counts
join core.load_origins as origins using (batch_id)
join staging.stg_regions as regions using (region_code)
join staging.stg_confessions as confessions using (confession_code)
where counts.is_current
  and counts.confession_code <> 'ALL'
order by counts.as_of, counts.region_code, counts.confession_code
