-- One region's monitoring index by round.
select round, index_value, band, status, change_vs_previous
from marts.monitoring_index
where region_code = $region
order by round
