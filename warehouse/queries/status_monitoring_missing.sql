-- Regions whose monitoring sheet of a round has not arrived.
select round, string_agg(region_code || ' ' || region_name_en, ', ' order by region_code)
from marts.monitoring_completeness
where status = 'not reported'
group by round
order by round
