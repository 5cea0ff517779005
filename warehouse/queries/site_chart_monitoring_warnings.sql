-- Chart of marts.monitoring_warnings: counts by round and level (warning / watch / expected).
select round as x, count(*) as y, level as series
from marts.monitoring_warnings
group by all
order by x, series
