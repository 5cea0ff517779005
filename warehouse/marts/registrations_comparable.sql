-- Comparable regional series across the reforms of 2018 and 2022 (region_crosswalk.csv), on two
-- schemes:
--   '2007'     the 16 units of 2007: a later unit's figures are summed into the 2007 unit that
--              contains it (Turkistan 61 + Shymkent 79 = South Kazakhstan 51; 63 + Abai 10 = 63
--              of 2007; 19 + Zhetysu 33; 35 + Ulytau 62);
--   'current'  today's units, each on its own where every loaded date can be told apart, and
--              summed with its siblings where the earliest regional report predates their split
--              (unit_code '61+79': Turkistan and Shymkent together, as South Kazakhstan was).
-- A summed figure is given only when every part reported the cell (complete); otherwise
-- associations is NULL and parts_reported < parts_expected says why. Rows as in
-- registration_rates (confessions, families, ALL), regional reports only.
with cells as (
    select as_of, region_code, confession_code, confession_level, confession_family,
           associations, missing_parts, batch_id
    from marts.registration_rates
    where level <> 'national'
),

epochs as (
    select * from core.region_epochs
),

lineage as (
    select * from core.region_lineage
),

first_epoch as (
    select distinct units.epoch
    from core.unit_days as units
    where units.on_date = (select min(as_of) from cells)
),

schemes as (
    select '2007' as scheme, min(epoch) as target_epoch from epochs
    union all
    select 'current', coalesce((select epoch from first_epoch), (select min(epoch) from epochs))
),

-- today's units (the last epoch), grouped by their unit in each scheme's target epoch
today as (
    select schemes.scheme, lineage.ancestor_code,
           string_agg(lineage.region_code, '+' order by lineage.region_code) as unit_code,
           string_agg(regions.region_name_en, ' + ' order by lineage.region_code) as unit_name_en
    from schemes
    join lineage on lineage.ancestor_epoch = schemes.target_epoch and lineage.epoch_end is null
    join staging.stg_regions as regions on regions.region_code = lineage.region_code
    group by all
),

mapped as (
    select
        schemes.scheme,
        cells.*,
        lineage.ancestor_code,
        lineage.siblings
    from cells
    join core.unit_days as units
      on units.on_date = cells.as_of and units.region_code = cells.region_code
    cross join schemes
    join lineage
      on lineage.region_code = cells.region_code and lineage.epoch = units.epoch
     and lineage.ancestor_epoch = schemes.target_epoch
),

folded as (
    select
        scheme,
        as_of,
        ancestor_code,
        confession_code,
        any_value(confession_level)                                   as confession_level,
        any_value(confession_family)                                  as confession_family,
        count(*)                                                      as parts_reported,
        any_value(siblings)                                           as parts_expected,
        bool_or(associations is null)                                 as any_missing,
        sum(associations)::bigint                                     as reported_sum,
        string_agg(region_code, '+' order by region_code)             as member_codes,
        string_agg(distinct batch_id::varchar, ',' order by batch_id::varchar) as batches
    from mapped
    group by scheme, as_of, ancestor_code, confession_code
)

select
    folded.scheme,
    folded.as_of,
    case folded.scheme when '2007' then folded.ancestor_code else today.unit_code end
                                                         as unit_code,
    case folded.scheme when '2007' then regions.region_name_en else today.unit_name_en end
                                                         as unit_name_en,
    folded.member_codes,
    folded.confession_code,
    folded.confession_level,
    folded.confession_family,
    case when folded.parts_reported = folded.parts_expected and not folded.any_missing
         then folded.reported_sum end                    as associations,
    folded.parts_reported = folded.parts_expected and not folded.any_missing as complete,
    folded.parts_reported,
    folded.parts_expected,
    folded.parts_expected > 1                            as summed,
    folded.batches
from folded
join staging.stg_regions as regions on regions.region_code = folded.ancestor_code
left join today on today.scheme = folded.scheme and today.ancestor_code = folded.ancestor_code
order by folded.scheme, folded.as_of, unit_code, folded.confession_level = 'total' desc,
         folded.confession_family, folded.confession_code
