-- Highlights of the latest monitoring round that ended by the end of the report's half-year:
-- the warning-sign indicators (conflicts, cases, liquidations) that rose in a region, and every
-- early warning and watch. The flag is marts.monitoring_warnings' (early_warning: level =
-- 'warning'; warning_level: warning, watch or another level, NULL for an indicator it does not
-- judge). The full round is in marts.monitoring_indicators (notebooks/03-monitoring.ipynb).
select values.round, values.region_code, values.indicator_code,
       cast(values.value as double) as value,
       cast(values.change_vs_previous as double) as change_vs_previous,
       coalesce(warnings.level = 'warning', false) as early_warning,
       warnings.level as warning_level
from marts.monitoring_indicators as values
join staging.stg_indicators as indicators using (indicator_code)
left join marts.monitoring_warnings as warnings using (round, region_code, indicator_code)
where values.round = (select max(round) from marts.monitoring_indicators
                      where round_end <= $period_end)
  and (warnings.level in ('warning', 'watch')
       or (indicators.rise_is_warning and values.change_vs_previous > 0))
order by coalesce(warnings.level = 'warning', false) desc,
         coalesce(warnings.level = 'watch', false) desc, values.change_vs_previous desc,
         values.region_code, values.indicator_code
