-- What to watch (report section 5): the latest monitoring round that ended by the end of the
-- report's half-year, every count improbable given the region's expected level
-- (marts.monitoring_warnings: warning or watch), and every cell the old fixed rule would flag
-- (fixed_rule_warning: shown beside them for comparison, never as a warning).
select round, region_code, indicator_code, value, expected, p_value, z_score, level,
       fixed_rule_warning, limit_95, limit_998
from marts.monitoring_warnings
where round = (select max(round) from marts.monitoring_warnings where round_end <= $period_end)
  and (level in ('warning', 'watch') or fixed_rule_warning)
order by level <> 'warning', level <> 'watch', p_value, region_code, indicator_code
