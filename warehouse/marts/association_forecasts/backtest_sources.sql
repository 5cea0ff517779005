-- Where the figures of the backtest table come from (association_forecasts.backtest.md, written
-- by `python -m ahual.warehouse.marts.association_forecasts`), in the loads' own words: each
-- date of the national series with how its figure was made (marts.association_growth: the
-- national report, or the sum of the regional reports), then the regional series together;
-- with whether some and whether every load they come from is made up
-- (marts.load_origins.made_up).
with national_dates as (
    select from_date as as_of, from_basis as basis, from_batches as batches
    from marts.association_growth
    union
    select to_date, to_basis, to_batches
    from marts.association_growth
),

figures as (
    select 'national' as level, as_of, basis, batches
    from national_dates
    where as_of in (select origin_date from marts.association_forecasts where level = 'national')
    union all
    select distinct 'region', null, 'regional reports', batches
    from marts.association_forecasts
    where level = 'region'
)

select figures.level, figures.as_of, figures.basis,
       bool_or(origins.made_up) as some_made_up, bool_and(origins.made_up) as all_made_up
from figures
join marts.load_origins as origins
  on list_contains(string_split(figures.batches, ','), origins.batch_id::varchar)
group by all
order by figures.level, figures.as_of
