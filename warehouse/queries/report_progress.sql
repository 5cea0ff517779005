-- Every measure in the half-year: its status to date, who reported for it, its deadline as the
-- plan gives it, the year's planned money and what was spent in the half-year. Agencies are
-- codes (';'-separated, the plan's order); the report names them in its language.
select
    measures.measure_no,
    measures.section,
    measures.agencies,
    measures.due_date,
    plan.deadline_text_kk,
    plan.deadline_quarter,
    measures.status,
    coalesce(replace(measures.reported_by, ', ', ';'), '') as reported_by,
    cast(budget.planned_mln_tenge as double)                as planned_mln_tenge,
    cast(measures.spent_mln_tenge as double)                as spent_mln_tenge,
    measures.overdue
from marts.programme_measures as measures
join staging.stg_programme_measures as plan using (measure_no)
left join marts.programme_budget as budget
    on budget.measure_no = measures.measure_no and budget.year = year(measures.period_end)
where measures.period = $period
order by measures.measure_no
