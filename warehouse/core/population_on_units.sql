-- Every population figure on the units of its own epoch and folded onto the units of each
-- earlier one (core.region_lineage): the 1 January 2017 table, printed on the 2018 units,
-- gives Turkistan (61) and Shymkent (79) as printed and South Kazakhstan (51) as their sum. A
-- folded figure is `complete` only when the source gives every part (a news item naming a few
-- regions folds into nothing). One row per figure set (date, basis, release, source) x epoch x
-- unit. core.population_nearest picks one figure per unit and day from these.
with figures as (
    select population.*, units.epoch as figure_epoch
    from staging.stg_population as population
    join core.unit_days as units
      on units.on_date = population.units_of and units.region_code = population.region_code
),

folded as (
    select
        figures.ref_date,
        figures.basis,
        figures.release,
        figures.source_id,
        lineage.ancestor_epoch                                         as units_epoch,
        lineage.ancestor_code                                          as region_code,
        any_value(lineage.siblings)                                    as parts_expected,
        count(*)                                                       as parts,
        string_agg(figures.region_code, '+' order by figures.region_code) as part_codes,
        sum(figures.population)::bigint                                as population,
        bool_and(figures.exact)                                        as exact,
        string_agg(distinct figures.source_url, ' ')                   as source_url,
        any_value(figures.source_title)                                as source_title,
        bool_or(figures.figure_epoch <> lineage.ancestor_epoch)        as folded
    from figures
    join core.region_lineage as lineage
      on lineage.region_code = figures.region_code and lineage.epoch = figures.figure_epoch
    group by all
)

select
    folded.*,
    folded.parts = folded.parts_expected  as complete,
    epochs.epoch_end                      as units_epoch_end
from folded
join core.region_epochs as epochs on epochs.epoch = folded.units_epoch
