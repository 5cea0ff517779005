-- One report = what one file says about one region on one date. A later file for the same
-- region and date supersedes the earlier one; both stay here (is_current tells which counts).
with reports as (
    select
        batch_id,
        as_of,
        region_code,
        any_value(source_file)  as source_file,
        any_value(file_sha256)  as file_sha256,
        any_value(loaded_at)    as loaded_at,
        count(*)                as cells,
        max(associations) filter (where confession_code = 'ALL')  as reported_total,
        sum(associations) filter (where confession_code <> 'ALL')::bigint as sum_of_parts,
        count(*) filter (where confession_code <> 'ALL' and associations is null) as missing_parts
    from staging.stg_registration_rows
    group by batch_id, as_of, region_code
)

select
    reports.*,
    regions.region_level,
    batch_id = max(batch_id) over (partition by as_of, region_code) as is_current,
    lead(batch_id) over (partition by as_of, region_code order by batch_id) as superseded_by
from reports
join staging.stg_regions as regions using (region_code)
