-- Chart of marts.monitoring_index: the index by region in the latest round.
with latest as (select max(round) as round from marts.monitoring_index)
select region_code as x, index_value as y
from marts.monitoring_index join latest using (round)
where index_value is not null
order by y desc
