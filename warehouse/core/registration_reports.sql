-- One report = what one file says about one region on one date. A later file for the same
-- region and date supersedes the earlier one; both stay here (is_current tells which counts).
-- "Later" is the load order (a file sent again ranks as sent then); a reverted load is never
-- current, and the load it replaced counts again.
with reports as (
    select
        batch_id,
        as_of,
        region_code,
        any_value(source_file)  as source_file,
        any_value(file_sha256)  as file_sha256,
        any_value(loaded_at)    as loaded_at,
        any_value(load_reverted) as load_reverted,
        any_value(load_order)   as load_order,
        count(*)                as cells,
        max(associations) filter (where confession_code = 'ALL')  as reported_total,
        sum(associations) filter (where confession_code <> 'ALL')::bigint as sum_of_parts,
        count(*) filter (where confession_code <> 'ALL' and associations is null) as missing_parts
    from staging.stg_registration_rows
    group by batch_id, as_of, region_code
)

select
    reports.* exclude (load_reverted, load_order),
    regions.region_level,
    not load_reverted and load_order = max(load_order) filter (where not load_reverted)
        over (partition by as_of, region_code) as is_current,
    case when not load_reverted then lead(batch_id)
        over (partition by as_of, region_code, load_reverted order by load_order)
    end as superseded_by
from reports
join staging.stg_regions as regions using (region_code)
