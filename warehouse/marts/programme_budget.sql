-- Planned against spent money per measure and year. Spent is what the current progress
-- reports of the year's half-years say; NULL when no agency reported spending, never 0.
with spent as (
    select measure_no, year(period_end) as year, sum(spent_mln_tenge) as spent_mln_tenge,
           count(spent_mln_tenge) as spending_reports
    from core.progress_reports
    where is_current
    group by all
)

select
    budget.measure_no,
    budget.year,
    budget.funding_kind,
    budget.planned_mln_tenge,
    cast(spent.spent_mln_tenge as decimal(12, 3))   as spent_mln_tenge,
    budget.funding_note,
    budget.printed_text,
    measures.section,
    measures.title_en,
    coalesce(spent.spending_reports, 0)             as spending_reports,
    make_date(budget.year, 12, 31)                  as year_end
from staging.stg_programme_budget as budget
join staging.stg_programme_measures as measures using (measure_no)
left join spent using (measure_no, year)
order by budget.measure_no, budget.year
