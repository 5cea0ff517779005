-- Planned (the plan's lines), printed and spent by year; spent only from half-years reported
-- by the end of the report's period, so an old report reads the same later.
with spent as (
    select cast(year(period_end) as varchar) as year, sum(spent_mln_tenge) as spent_mln_tenge
    from core.progress_reports
    where is_current and period_end <= $period_end
    group by all
)

select
    totals.year,
    cast(totals.lines_sum_mln_tenge as double)    as planned_mln_tenge,
    cast(totals.printed_mln_tenge as double)      as printed_mln_tenge,
    case when totals.year = 'total' then (select sum(spent_mln_tenge) from spent)
         else spent.spent_mln_tenge end           as spent_mln_tenge
from marts.programme_budget_totals as totals
left join spent using (year)
order by totals.year
