-- Growth of registered associations by confession family (and in total) between every pair
-- of dates with national figures. A date's figures come from the national report where one
-- was loaded, else from the sum of current regional reports (see `basis`) when every unit in
-- force reported (core.registration_coverage): a partial date has no national figure here. A family a source
-- does not mention is NULL there (unknown), not zero, and its ratio stays NULL.
-- Real change vs reclassification: a pair of dates between which the confession taxonomy
-- changed (datasets/reference/taxonomy_changes.csv: a change whose window
-- effective_from..effective_by may fall within (from_date, to_date]) is flagged for every
-- family the change touches (its codes' families; all of them for a reclassification; always
-- the total). The like-for-like columns compare only the confessions with a count on both dates
-- under the same code that no such change touched (merged, dropped, added); the rest of each
-- side is what the like-for-like comparison leaves out.
with current_counts as (
    select * from core.registration_counts where is_current and confession_code <> 'ALL'
),

national_dates as (
    select as_of from core.registration_coverage where has_national_report
),

complete_regional_dates as (
    select as_of from core.registration_coverage where complete and not has_national_report
),

basis_counts as (
    select *, 'national report' as basis from current_counts where region_level = 'national'
    union all
    select *, 'sum of regional reports' as basis from current_counts
    where region_level <> 'national' and as_of in (select as_of from complete_regional_dates)
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
           or reports.as_of in (select as_of from complete_regional_dates))
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

code_counts as (
    -- each code's count on a date, on that date's basis
    select as_of, confession_code, confession_family,
           sum(associations)::bigint                     as associations,
           count(*) filter (where associations is null)  as missing
    from basis_counts
    group by as_of, confession_code, confession_family
),

crossed as (
    -- taxonomy changes that may have happened between two dates
    select f.as_of as from_date, t.as_of as to_date, changes.*
    from dates as f
    join dates as t on f.as_of < t.as_of
    join staging.stg_taxonomy_changes as changes
      on changes.effective_by > f.as_of and changes.effective_from <= t.as_of
),

breaks as (
    select crossed.from_date, crossed.to_date, families.confession_family,
           string_agg(crossed.change_id, '; ' order by crossed.effective_from, crossed.change_id)
               as taxonomy_changes
    from crossed
    join families
      on families.confession_family = 'ALL' or crossed.from_code = '*'
      or families.confession_family in (crossed.from_family, crossed.to_family)
    group by all
),

touched as (
    select from_date, to_date, from_code as confession_code from crossed
    where from_code is not null and from_code <> '*'
    union
    select from_date, to_date, to_code from crossed
    where to_code is not null and to_code <> '*'
),

matched as (
    -- the same code counted on both dates, untouched by a taxonomy change between them
    select f.as_of as from_date, t.as_of as to_date, f.confession_code, f.confession_family,
           f.associations as from_count, t.associations as to_count
    from code_counts as f
    join code_counts as t on t.confession_code = f.confession_code and f.as_of < t.as_of
    left join touched
      on touched.from_date = f.as_of and touched.to_date = t.as_of
     and touched.confession_code = f.confession_code
    where f.associations is not null and t.associations is not null
      and f.missing = 0 and t.missing = 0
      and touched.confession_code is null
),

like_for_like as (
    select from_date, to_date, confession_family,
           sum(from_count)::bigint as from_count, sum(to_count)::bigint as to_count,
           string_agg(confession_code, ',' order by confession_code) as confessions
    from matched
    group by all
    union all
    select from_date, to_date, 'ALL',
           sum(from_count)::bigint, sum(to_count)::bigint,
           string_agg(confession_code, ',' order by confession_code)
    from matched
    group by all
),

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
    'reported counts'                           as count_source,
    f.basis                                     as from_basis,
    t.basis                                     as to_basis,
    f.batches                                   as from_batches,
    t.batches                                   as to_batches,
    breaks.taxonomy_changes is not null         as crosses_taxonomy_break,
    breaks.taxonomy_changes,
    lfl.from_count                              as like_for_like_from,
    lfl.to_count                                as like_for_like_to,
    100.0 * (lfl.to_count - lfl.from_count) / nullif(lfl.from_count, 0) as like_for_like_pct_change,
    lfl.confessions                             as like_for_like_confessions,
    f.associations - lfl.from_count             as not_compared_from,
    t.associations - lfl.to_count               as not_compared_to
from grid as f
join grid as t
  on f.confession_family = t.confession_family and f.as_of < t.as_of
left join breaks
  on breaks.confession_family = f.confession_family
 and breaks.from_date = f.as_of and breaks.to_date = t.as_of
left join like_for_like as lfl
  on lfl.confession_family = f.confession_family
 and lfl.from_date = f.as_of and lfl.to_date = t.as_of
where f.associations is not null or t.associations is not null
order by f.confession_family = 'ALL' desc, f.confession_family, from_date, to_date
