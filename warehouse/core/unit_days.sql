-- The unit a region code names on each day: the unit of the day's epoch (core.region_epochs:
-- epoch <= day < epoch_end), one row per day x first-level unit (and the Republic) in force,
-- from the first epoch (1991-12-16) to 2099-12-31; a later day names no unit. The one place a
-- date is placed in its epoch: models join this on (date, region_code) instead of comparing
-- dates with epoch bounds, and a code that names no unit on the date finds no row.
select
    cast(days.day as date)  as on_date,
    units.region_code,
    units.epoch,
    units.epoch_end
from core.region_lineage as units,
     unnest(range(units.epoch, coalesce(units.epoch_end, date '2100-01-01'), interval 1 day))
         as days(day)
where units.ancestor_epoch = units.epoch  -- the unit itself, not what it was part of earlier
