-- Every measure in the half-year, with the year's planned money and what was spent in it.
select
    measures.measure_no,
    measures.section,
    measures.title_en,
    replace(measures.agencies, ';', ', ')   as agencies,
    measures.due_date,
    measures.deadline_note,
    measures.status,
    coalesce(measures.reported_by, '')      as reported_by,
    coalesce(measures.outputs, '')          as outputs,
    cast(budget.planned_mln_tenge as double) as planned_mln_tenge,
    cast(measures.spent_mln_tenge as double) as spent_mln_tenge,
    measures.overdue
from marts.programme_measures as measures
left join marts.programme_budget as budget
    on budget.measure_no = measures.measure_no and budget.year = year(measures.period_end)
where measures.period = $period
order by measures.measure_no
