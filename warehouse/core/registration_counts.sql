-- Every loaded count with its taxonomy, region level and whether its report is current.
select
    rows.as_of,
    rows.region_code,
    reports.region_level,
    rows.confession_code,
    confessions.confession_family,
    confessions.confession_level,
    rows.associations,
    reports.is_current,
    reports.superseded_by,
    rows.batch_id,
    rows.source_file,
    rows.file_sha256,
    rows.source_row,
    rows.source_column
from staging.stg_registration_rows as rows
join core.registration_reports as reports using (batch_id, as_of, region_code)
join staging.stg_confessions as confessions using (confession_code)
