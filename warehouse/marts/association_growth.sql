-- Growth of registered associations by confession family (and in total) between every pair
-- of dates with national figures. A date's figures come from the national report where one
-- was loaded, else from the sum of current regional reports (see `basis`). A family a source
-- does not mention is NULL there (unknown), not zero, and its ratio stays NULL.
with current_counts as (
    select * from core.registration_counts where is_current and confession_code <> 'ALL'
),

national_dates as (
    select distinct as_of from core.registration_reports
    where is_current and region_level = 'national'
),

basis_counts as (
    select *, 'national report' as basis from current_counts where region_level = 'national'
    union all
    select *, 'sum of regional reports' as basis from current_counts
    where region_level <> 'national' and as_of not in (select as_of from national_dates)
),

family_counts as (
    select as_of, confession_family, any_value(basis) as basis, sum(associations)::bigint as associations,
           string_agg(distinct batch_id::varchar, ',' order by batch_id::varchar) as batches
    from basis_counts
    group by as_of, confession_family
),

total_counts as (
    -- the reports' own totals where given (they include unattributed associations)
    select
        reports.as_of,
        'ALL' as confession_family,
        any_value(case when reports.region_level = 'national' then 'national report'
                       else 'sum of regional reports' end) as basis,
        sum(coalesce(reports.reported_total, reports.sum_of_parts))::bigint as associations,
        string_agg(distinct reports.batch_id::varchar, ',' order by reports.batch_id::varchar) as batches
    from core.registration_reports as reports
    where reports.is_current
      and (reports.region_level = 'national'
           or reports.as_of not in (select as_of from national_dates))
    group by reports.as_of
),

series as (
    select * from family_counts
    union all by name
    select * from total_counts
),

families as (
    select confession_code as confession_family, confession_name_en as family_name_en
    from staging.stg_confessions
    where confession_level in ('family', 'total')
),

dates as (select distinct as_of from series),

grid as (
    select families.confession_family, families.family_name_en, dates.as_of,
           series.associations, series.basis, series.batches
    from families
    cross join dates
    left join series using (confession_family, as_of)
)

select
    f.confession_family,
    f.family_name_en,
    f.as_of                                     as from_date,
    t.as_of                                     as to_date,
    f.associations                              as from_count,
    t.associations                              as to_count,
    t.associations / nullif(f.associations, 0)  as ratio,
    100.0 * (t.associations - f.associations) / nullif(f.associations, 0) as pct_change,
    100.0 * (pow(t.associations / nullif(f.associations, 0),
                 365.25 / date_diff('day', f.as_of, t.as_of)) - 1)     as annual_growth_pct,
    f.basis                                     as from_basis,
    t.basis                                     as to_basis,
    f.batches                                   as from_batches,
    t.batches                                   as to_batches
from grid as f
join grid as t
  on f.confession_family = t.confession_family and f.as_of < t.as_of
where f.associations is not null or t.associations is not null
order by f.confession_family = 'ALL' desc, f.confession_family, from_date, to_date
