-- Does each report add up? reported_total is the report's own "total" line; sum_of_parts the
-- confessions it lists. The difference is shown as unattributed, never forced away (2007:
-- 3,783 reported, 3,769 named, 14 "other societies"). National rows (region_code NULL) also
-- show what the regions' own reports add to for the same date.
with current_reports as (
    select * from core.registration_reports where is_current
),

regions_by_date as (
    select
        as_of,
        count(*)            as regions_reporting,
        sum(reported_total)::bigint as regions_reported_total,
        sum(sum_of_parts)::bigint   as regions_sum_of_parts
    from current_reports
    where region_level <> 'national'
    group by as_of
),

national as (
    select
        coalesce(reports.as_of, regions.as_of)  as as_of,
        null::varchar                            as region_code,
        'national'                               as level,
        case when reports.as_of is null then 'sum of regional reports'
             else 'national report' end           as basis,
        coalesce(reports.reported_total, regions.regions_reported_total) as reported_total,
        coalesce(reports.sum_of_parts, regions.regions_sum_of_parts)     as sum_of_parts,
        reports.missing_parts,
        regions.regions_reporting,
        regions.regions_reported_total,
        reports.batch_id
    from (select * from current_reports where region_level = 'national') as reports
    full join regions_by_date as regions using (as_of)
),

regional as (
    select
        as_of,
        region_code,
        region_level     as level,
        'regional report' as basis,
        reported_total,
        sum_of_parts,
        missing_parts,
        null::bigint     as regions_reporting,
        null::bigint     as regions_reported_total,
        batch_id
    from current_reports
    where region_level <> 'national'
),

both_levels as (
    select * from national
    union all by name
    select * from regional
)

select
    as_of,
    region_code,
    level,
    basis,
    reported_total,
    sum_of_parts,
    reported_total - sum_of_parts as unattributed,
    missing_parts,
    regions_reporting,
    regions_reported_total,
    case
        when reported_total is null then 'no total reported'
        when sum_of_parts is null then 'no parts reported'
        when sum_of_parts > reported_total then 'parts exceed total'
        when sum_of_parts < reported_total then 'unattributed remainder'
        else 'balanced'
    end as status,
    batch_id
from both_levels
order by as_of, region_code nulls first
