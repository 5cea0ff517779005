-- The plan's lines of the programme's years up to the report's year. A line that is not an
-- amount keeps its funding kind (not_required, state_order, none) and no figure.
select measure_no, year, funding_kind, cast(planned_mln_tenge as double) as planned_mln_tenge,
       cast(spent_mln_tenge as double) as spent_mln_tenge
from marts.programme_budget
where year <= $year
order by year, measure_no
