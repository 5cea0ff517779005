-- Each association's status, name, legal form, region, confession and settlement over time:
-- one row per period [valid_from, valid_to) in which none of them changed (valid_to NULL: still
-- so). Status changes on the registration, re-registration and liquidation dates; the other
-- attributes as the extracts give them: an extract's values hold from the extract's date (from
-- registration for the first; from the reform's date when the region changed by a reform).
with records as (
    select records.*, ids.association_id
    from staging.stg_register_records as records
    join core.register_identities as ids using (record_id)
    where not records.load_reverted
),

extracts as (  -- what each extract says of the association
    select
        association_id,
        as_of,
        arg_max(name_ru, record_id) filter (where name_ru is not null) as name_ru,
        arg_max(name_kk, record_id) filter (where name_kk is not null) as name_kk,
        arg_max(legal_form, record_id)      as legal_form,
        arg_max(confession_code, record_id) as confession_code,
        arg_max(region_code, record_id)     as region_code,
        arg_max(kato, record_id)            as kato
    from records
    group by association_id, as_of
),

versions as (
    select
        extracts.*,
        lag(as_of) over (partition by association_id order by as_of)       as previous_as_of,
        lag(region_code) over (partition by association_id order by as_of) as previous_region
    from extracts
),

starts as (
    select
        versions.* exclude (previous_as_of, previous_region),
        case
            when previous_as_of is null then assoc.registered_on
            when versions.region_code <> previous_region
             and regions.valid_from > previous_as_of then regions.valid_from
            else versions.as_of
        end as version_from
    from versions
    join core.register_associations as assoc using (association_id)
    join staging.stg_regions as regions on regions.region_code = versions.region_code
),

spans as (
    select *, lead(version_from) over (partition by association_id order by version_from, as_of)
              as version_to
    from starts
),

points as (
    select association_id, registered_on as day from core.register_associations
    union
    select association_id, reregistered_on from core.register_associations
    where reregistered_on is not null
    union
    select association_id, liquidated_on from core.register_associations
    where liquidated_on is not null
    union
    select spans.association_id, spans.version_from from spans
    join core.register_associations as assoc using (association_id)
    where spans.version_from > assoc.registered_on
),

periods as (
    select association_id, day as valid_from,
           lead(day) over (partition by association_id order by day) as valid_to
    from points
)

select
    periods.association_id,
    periods.valid_from,
    periods.valid_to,
    case
        when assoc.liquidated_on <= periods.valid_from then 'liquidated'
        when assoc.reregistered_on <= periods.valid_from then 're-registered'
        else 'registered'
    end                      as status,
    spans.name_ru,
    spans.name_kk,
    spans.legal_form,
    spans.confession_code,
    spans.region_code,
    spans.kato,
    assoc.bin
from periods
join core.register_associations as assoc using (association_id)
join spans
  on spans.association_id = periods.association_id
 and spans.version_from <= periods.valid_from
 and (spans.version_to is null or periods.valid_from < spans.version_to)
order by periods.association_id, periods.valid_from
