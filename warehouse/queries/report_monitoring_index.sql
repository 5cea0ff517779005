-- The regional monitoring index (marts.monitoring_index) of the latest round that ended by the
-- end of the report's half-year and has at least one region's sheet: every region of it.
select round, region_code, index_value, band, items_scored, items_total, status,
       change_vs_previous, change_band
from marts.monitoring_index
where round = (select max(round) from marts.monitoring_index
               where round_end <= $period_end and status <> 'not reported')
order by index_value desc nulls last, region_code
