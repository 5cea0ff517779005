-- The regional monitoring index item by item: every region x round x item of
-- datasets/reference/monitoring_index_items.csv, with the value it was scored from, the
-- denominator, the thresholds and the score (0 / 0.5 / 1), so each index point is traceable to
-- a cell of a monitoring sheet (batch, file, row). A region that sent no sheet for the round,
-- an empty cell or a missing denominator leaves the item unscored (NULL), never 0.
-- Per-100,000 items use the official population of the region nearest the round's first day
-- (core.population_nearest: exact, not a first release, within 366 days).
with items as (
    select * from staging.stg_monitoring_index_items
),

rounds as (
    select * from staging.stg_monitoring_rounds
),

sheet_values as (
    select * from core.monitoring_values where is_current
),

grid as (
    -- every first-level unit in force on the round's first day, reported or not
    select rounds.round, rounds.period_start, rounds.period_end, regions.region_code,
           regions.region_name_en
    from rounds
    join staging.stg_regions as regions
      on regions.region_level <> 'national'
     and regions.valid_from <= rounds.period_start
     and (regions.valid_to is null or regions.valid_to > rounds.period_start)
),

reported as (
    select distinct round, region_code from sheet_values
),

measured as (
    select
        grid.round,
        grid.period_end                                       as round_end,
        grid.region_code,
        grid.region_name_en,
        items.item_code,
        items.item_no,
        items.item_name_en,
        items.indicator_code,
        items.measure,
        reported.region_code is not null                      as sheet_reported,
        v.value,
        case items.measure
            when 'per 100000' then population.population
            when 'per 100 of indicator' then d.value
        end                                                   as denominator,
        case items.measure
            when 'per 100000' then 'population on ' || population.ref_date::varchar
                                   || ' (' || population.source_id || ')'
            when 'per 100 of indicator' then items.per_indicator
        end                                                   as denominator_is,
        case items.measure
            when 'count' then v.value::double
            when 'per 100000' then 100000.0 * v.value / population.population
            when 'per 100 of indicator' then 100.0 * v.value / nullif(d.value, 0)
        end                                                   as measure_value,
        items.half_at,
        items.full_at,
        v.batch_id,
        v.source_file,
        v.file_sha256,
        v.source_row,
        population.source_url                                 as population_source
    from grid
    cross join items
    left join reported on reported.round = grid.round and reported.region_code = grid.region_code
    left join sheet_values as v
      on v.round = grid.round and v.region_code = grid.region_code
     and v.indicator_code = items.indicator_code
    left join sheet_values as d
      on d.round = grid.round and d.region_code = grid.region_code
     and d.indicator_code = items.per_indicator
    left join core.population_nearest as population
      on population.on_date = grid.period_start and population.region_code = grid.region_code
)

select
    round,
    round_end,
    region_code,
    region_name_en,
    item_code,
    item_no,
    item_name_en,
    indicator_code,
    measure,
    value,
    denominator,
    denominator_is,
    round(measure_value, 4)                                   as measure_value,
    half_at,
    full_at,
    cast(case when measure_value is null then null
              when measure_value >= full_at then 1
              when measure_value >= half_at then 0.5
              else 0 end as double)                           as score,
    case when not sheet_reported then 'not reported'
         when value is null then 'value not reported'
         when measure_value is null then 'no denominator'
         else 'scored' end                                    as status,
    batch_id,
    source_file,
    file_sha256,
    source_row,
    population_source
from measured
order by round, region_code, item_no
