-- Chart of marts.programme_budget: money planned and spent by year (mln tenge).
select year as x, 'planned' as series, sum(planned_mln_tenge)::double as y
from marts.programme_budget group by year
union all
select year as x, 'spent' as series, sum(spent_mln_tenge)::double as y
from marts.programme_budget group by year
order by x, series
