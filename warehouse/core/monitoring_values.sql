-- Every monitoring value; a later sheet for the same round and region supersedes the earlier
-- one (is_current), and both stay here; later in load order, and a reverted load is never
-- current.
select
    * exclude (load_reverted, load_order),
    not load_reverted and load_order = max(load_order) filter (where not load_reverted)
        over (partition by round, region_code) as is_current
from staging.stg_monitoring_values
