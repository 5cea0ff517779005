-- One region's early warnings and counts to watch.
select round, indicator_code, value, expected, p_value, level
from marts.monitoring_warnings
where region_code = $region and level in ('warning', 'watch')
order by round, indicator_code
