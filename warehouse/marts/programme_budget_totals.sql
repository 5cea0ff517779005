-- The plan's yearly totals recomputed from its lines against the totals it prints. The table
-- prints one decimal (2008's lines add to 31.604, printed 31.6), so the check allows the
-- tolerance stated in datasets/reference/programme/budget_totals.csv (0.05 mln tenge).
with lines as (
    select cast(year as varchar) as year, planned_mln_tenge, spent_mln_tenge
    from marts.programme_budget
    union all
    select 'total', planned_mln_tenge, spent_mln_tenge
    from marts.programme_budget
),

sums as (
    select year, sum(planned_mln_tenge) as lines_sum_mln_tenge,
           sum(spent_mln_tenge) as spent_mln_tenge
    from lines
    group by all
)

select
    totals.year,
    sums.lines_sum_mln_tenge,
    cast(totals.printed_mln_tenge as decimal(12, 3))       as printed_mln_tenge,
    cast(totals.tolerance_mln_tenge as decimal(12, 3))     as tolerance_mln_tenge,
    sums.lines_sum_mln_tenge - cast(totals.printed_mln_tenge as decimal(12, 3))
                                                           as difference_mln_tenge,
    abs(sums.lines_sum_mln_tenge - cast(totals.printed_mln_tenge as decimal(12, 3)))
        <= cast(totals.tolerance_mln_tenge as decimal(12, 3)) as within_tolerance,
    sums.spent_mln_tenge,
    case totals.year when 'total' then date '2009-12-31'
         else make_date(cast(totals.year as integer), 12, 31) end as year_end
from reference.programme_budget_totals as totals
left join sums using (year)
order by totals.year
