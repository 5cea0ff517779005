-- Each first-level unit of each epoch (core.region_epochs) with the unit of every earlier epoch
-- whose territory contains it: Shymkent (79) of 2018 lies in South Kazakhstan (51) of 2007;
-- Abai (10) of 2022 in East Kazakhstan (63) of 2018 and of 2007. Derived from
-- region_crosswalk.csv by walking back one reform at a time (a unit no reform touched is its
-- own ancestor). Folding a figure onto earlier units sums the figures of all units that share
-- an ancestor; `parts_expected` in the models that fold says how many that is.
with recursive units as (
    select epochs.epoch, epochs.epoch_end, regions.region_code
    from core.region_epochs as epochs
    join staging.stg_regions as regions
      on regions.valid_from <= epochs.epoch
     and (regions.valid_to is null or regions.valid_to > epochs.epoch)
),

previous as (
    select epoch, lag(epoch) over (order by epoch) as previous_epoch
    from core.region_epochs
),

lineage (region_code, epoch, epoch_end, ancestor_code, ancestor_epoch) as (
    select region_code, epoch, epoch_end, region_code, epoch
    from units
    union all
    select
        lineage.region_code,
        lineage.epoch,
        lineage.epoch_end,
        coalesce(reform.from_code, lineage.ancestor_code),
        previous.previous_epoch
    from lineage
    join previous on previous.epoch = lineage.ancestor_epoch
    left join staging.stg_region_crosswalk as reform
      on reform.to_code = lineage.ancestor_code and reform.valid_from = lineage.ancestor_epoch
    where previous.previous_epoch is not null
)

select
    lineage.region_code,
    lineage.epoch,
    lineage.epoch_end,
    lineage.ancestor_code,
    lineage.ancestor_epoch,
    count(*) over (partition by lineage.epoch, lineage.ancestor_epoch, lineage.ancestor_code)
        as siblings   -- units of this epoch that share the ancestor (1: the same territory)
from lineage
