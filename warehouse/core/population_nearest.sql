-- The official population of each unit on each day that has one (core.unit_days): the figure
-- of core.population_on_units for the territory the code names that day that is complete,
-- exact (whole persons) and not a first release or preliminary count (final or revised),
-- nearest the day and at most 366 days from it; on a tie the census, then the earlier figure
-- (then the source_id, so that a build never picks at random). A day without such a figure has
-- no row. The one place this rule is written: models join it on (date, region_code).
with candidates as (
    -- each figure on every day within 366 days of it (range() stops before its end)
    select cast(days.day as date) as on_date, figures.*
    from core.population_on_units as figures,
         unnest(range(figures.ref_date - 366, figures.ref_date + 367, interval 1 day)) as days(day)
    where figures.complete and figures.exact and figures.release in ('final', 'revised')
)

select
    units.on_date,
    units.region_code,
    candidates.population,
    candidates.ref_date,
    candidates.basis,
    candidates.release,
    candidates.source_id,
    candidates.source_url,
    candidates.part_codes,
    candidates.folded,
    abs(date_diff('day', candidates.ref_date, units.on_date))  as days_apart
from candidates
join core.unit_days as units
  on units.on_date = candidates.on_date and units.region_code = candidates.region_code
 and units.epoch = candidates.units_epoch
qualify row_number() over (partition by units.on_date, units.region_code
                           order by days_apart, candidates.basis = 'census' desc,
                                    candidates.ref_date, candidates.source_id) = 1
