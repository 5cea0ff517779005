-- Every monitoring value; a later sheet for the same round and region supersedes the earlier
-- one (is_current), and both stay here.
select
    *,
    batch_id = max(batch_id) over (partition by round, region_code) as is_current
from staging.stg_monitoring_values
