-- Rates, not only counts: registered associations per 100,000 inhabitants and each
-- confession's share of the region's associations, by date x region (NULL = the Republic) x
-- confession. Rows: each confession a report names, each family (the sum of its parts; NULL if
-- a part is not reported) and ALL (the report's own total, which includes what no confession
-- accounts for; else the sum of its parts).
-- Population: the official figure nearest the date for the territory the code names on it
-- (core.population_nearest states the rule: exact, final or revised, within 366 days, census
-- first on a tie). No such figure: NULL.
with reports as (
    select * from core.registration_reports where is_current
),

parts as (
    select * from core.registration_counts where is_current and confession_code <> 'ALL'
),

confession_rows as (
    select as_of, region_code, confession_code, 'confession' as confession_level,
           confession_family, associations,
           case when associations is null then 1 else 0 end as missing_parts
    from parts
    where confession_level = 'confession'
),

family_rows as (
    select as_of, region_code, confession_family as confession_code,
           'family' as confession_level, confession_family,
           case when count(*) filter (where associations is null) = 0
                then sum(associations) end::bigint          as associations,
           count(*) filter (where associations is null)     as missing_parts
    from parts
    group by as_of, region_code, confession_family
),

totals as (
    select as_of, region_code, 'ALL' as confession_code, 'total' as confession_level,
           'ALL' as confession_family,
           coalesce(reported_total, case when missing_parts = 0 then sum_of_parts end)
                                                             as associations,
           missing_parts
    from reports
),

all_rows as (
    select * from confession_rows
    union all by name
    select * from family_rows
    union all by name
    select * from totals
)

select
    cells.as_of,
    case when reports.region_level = 'national' then null else cells.region_code end as region_code,
    reports.region_level                                            as level,
    regions.region_name_en,
    cells.confession_code,
    cells.confession_level,
    cells.confession_family,
    confessions.confession_name_en,
    cells.associations,
    cells.missing_parts,
    totals.associations                                             as region_total,
    case when reports.reported_total is not null then 'reported total'
         when totals.associations is not null then 'sum of parts' end as region_total_basis,
    round(100.0 * cells.associations / nullif(totals.associations, 0), 4) as share_pct,
    population.population,
    round(100000.0 * cells.associations / population.population, 4) as per_100k,
    population.ref_date                                             as population_date,
    population.basis                                                as population_basis,
    population.release                                              as population_release,
    population.source_id                                            as population_source_id,
    population.source_url                                           as population_source,
    population.days_apart                                           as population_days_from_as_of,
    case when population.folded then population.part_codes end      as population_summed_from,
    'reported counts'                                               as count_source,
    reports.batch_id,
    reports.source_file,
    reports.file_sha256
from all_rows as cells
join reports using (as_of, region_code)
join totals using (as_of, region_code)
join staging.stg_regions as regions on regions.region_code = cells.region_code
join staging.stg_confessions as confessions on confessions.confession_code = cells.confession_code
left join core.population_nearest as population
  on population.on_date = cells.as_of and population.region_code = cells.region_code
order by cells.as_of, cells.region_code, cells.confession_level = 'total' desc,
         cells.confession_family, cells.confession_level, cells.confession_code
