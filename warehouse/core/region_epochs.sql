-- The periods within which the first-level units did not change: from the first unit's
-- valid_from (1991-12-16) to the first reform, then from each reform (region_crosswalk.csv) to
-- the next. A date belongs to the epoch with epoch <= date < epoch_end (epoch_end NULL: today).
with starts as (
    select min(valid_from) as epoch from staging.stg_regions
    union
    select distinct valid_from from staging.stg_region_crosswalk
)

select
    epoch,
    lead(epoch) over (order by epoch)   as epoch_end,
    row_number() over (order by epoch)  as epoch_no
from starts
