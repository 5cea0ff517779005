-- Chart of marts.monitoring_indicators: each indicator's national sum by round.
select round as x, sum(value) as y, indicator_code as series
from marts.monitoring_indicators
where value is not null
group by all
order by x, series
