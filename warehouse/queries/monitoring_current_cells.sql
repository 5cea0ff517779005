-- Cells of the current monitoring sheet of each round and region.
select round, region_code, count(*) as cells, any_value(source_file) as source_file
from core.monitoring_values
where is_current
group by round, region_code
