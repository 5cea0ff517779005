-- The records the linkage compares: every record of a current (not reverted) extract, with
-- its region as of 2007 (South Kazakhstan's associations are listed under Turkistan or
-- Shymkent after 2018: one region for comparing), in record order.
select
    records.record_id,
    records.bin,
    coalesce(records.name_ru, '') || ' | ' || coalesce(records.name_kk, '') as names,
    records.legal_form,
    records.confession_code,
    regions.comparable_2007_code as region_2007,
    records.kato,
    strftime(records.registered_on, '%Y-%m-%d') as registered_on
from staging.stg_register_records as records
join staging.stg_regions as regions using (region_code)
where not records.load_reverted
order by records.record_id
