-- The official population of each unit on each day that has one (core.unit_days): the figure
-- of core.population_on_units for the territory the code names that day that is complete,
-- exact (whole persons) and not a first release or preliminary count (final or revised),
-- nearest the day and at most 366 days from it; on a tie the census, then the earlier figure
-- (then the source_id, so that a build never picks at random). A day without such a figure has
-- no row. The one place this rule is written: models join it on (date, region_code).
with figures as (
    select * from core.population_on_units
    where complete and exact and release in ('final', 'revised')
),

candidates as (
    -- each figure's key on every day within 366 days of it (range() stops before its end);
    -- narrow, so the choice below holds little in memory: the figure is joined back after
    select cast(days.day as date) as on_date, figures.region_code, figures.units_epoch,
           figures.ref_date, figures.source_id, figures.basis = 'census' as is_census
    from figures,
         unnest(range(figures.ref_date - 366, figures.ref_date + 367, interval 1 day)) as days(day)
),

chosen as (
    select candidates.*, abs(date_diff('day', candidates.ref_date, candidates.on_date))
                         as days_apart
    from candidates
    join core.unit_days as units
      on units.on_date = candidates.on_date and units.region_code = candidates.region_code
     and units.epoch = candidates.units_epoch
    qualify row_number() over (partition by candidates.on_date, candidates.region_code
                               order by days_apart, is_census desc,
                                        candidates.ref_date, candidates.source_id) = 1
)

select
    chosen.on_date,
    chosen.region_code,
    figures.population,
    figures.ref_date,
    figures.basis,
    figures.release,
    figures.source_id,
    figures.source_url,
    figures.part_codes,
    figures.folded,
    chosen.days_apart
from chosen
join figures
  on figures.region_code = chosen.region_code and figures.units_epoch = chosen.units_epoch
 and figures.ref_date = chosen.ref_date and figures.source_id = chosen.source_id
