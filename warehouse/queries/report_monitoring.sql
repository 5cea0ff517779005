-- The latest monitoring round that ended by the end of the report's half-year.
select round, region_code, region_name_en, indicator_code, indicator_name_en,
       cast(value as double) as value, cast(change_vs_previous as double) as change_vs_previous,
       coalesce(early_warning, false) as early_warning
from marts.monitoring_indicators
where round = (select max(round) from marts.monitoring_indicators where round_end <= $period_end)
order by region_code, indicator_code
