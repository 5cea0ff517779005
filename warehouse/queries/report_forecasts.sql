-- What to watch (report section 5): the chosen forecasts of marts.association_forecasts made
-- from each series' latest report up to the end of the report's half-year - every national
-- series and the regions' totals (ALL). A series whose latest report has no forecast (too
-- short since a taxonomy break, ...) comes with its reason in report_forecast_gaps.sql.
with latest as (
    select level, unit_code, confession_family, max(origin_date) as origin_date
    from marts.association_forecasts
    where origin_date <= $period_end and (level = 'national' or confession_family = 'ALL')
    group by level, unit_code, confession_family
)

select f.level, f.unit_code, f.confession_family, f.origin_date, f.origin_value, f.model,
       f.horizon, f.target_date, f.forecast, f.lo80, f.hi80, f.lo95, f.hi95, f.mase,
       f.coverage_80, f.coverage_95, f.backtest_forecasts
from marts.association_forecasts as f
join latest using (level, unit_code, confession_family, origin_date)
where f.chosen
order by f.level, f.unit_code, f.confession_family <> 'ALL', f.confession_family, f.horizon
