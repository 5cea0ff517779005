-- One row per association (core.register_identities): its dates and what its latest record
-- says. registered_on is the earliest registration any of its records gives, liquidated_on
-- the latest liquidation; liquidation_recorded is the date of the first extract that shows
-- the liquidation (a region counting before then could not know of it).
with records as (
    select records.*, ids.association_id,
           strftime(records.as_of, '%Y-%m-%d') || records.record_id as latest_key
    from staging.stg_register_records as records
    join core.register_identities as ids using (record_id)
    where not records.load_reverted
)

select
    association_id,
    count(*)                                         as records,
    count(distinct as_of)                            as extracts,
    arg_max(bin, latest_key) filter (where bin is not null) as bin,
    arg_max(name_ru, latest_key) filter (where name_ru is not null) as name_ru,
    arg_max(name_kk, latest_key) filter (where name_kk is not null) as name_kk,
    arg_max(legal_form, latest_key)                  as legal_form,
    arg_max(confession_code, latest_key)             as confession_code,
    arg_max(region_code, latest_key)                 as region_code,
    arg_max(kato, latest_key) filter (where kato is not null) as kato,
    min(registered_on)                               as registered_on,
    max(reregistered_on)                             as reregistered_on,
    max(liquidated_on)                               as liquidated_on,
    arg_max(liquidation_reason, liquidated_on) filter (where liquidated_on is not null)
                                                     as liquidation_reason,
    min(as_of) filter (where liquidated_on is not null) as liquidation_recorded,
    min(as_of)                                       as first_extract,
    max(as_of)                                       as last_extract
from records
group by association_id
order by association_id
