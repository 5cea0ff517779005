-- The backtest table of marts.association_forecasts (association_forecasts.backtest.md, written
-- by `python -m ahual.warehouse.marts.association_forecasts` from a built warehouse): one row per
-- series, origin and candidate model, with its backtest and whether it was chosen.
SELECT level, unit_code, confession_family, family_name_en, origin_date, history_from,
       history_reports, history_after_break, model, simplicity,
       bool_or(selected) AS chosen, any_value(backtest_forecasts) AS forecasts,
       any_value(mae) AS mae, any_value(mase) AS mase,
       any_value(coverage_80) AS coverage_80, any_value(coverage_95) AS coverage_95,
       any_value(status ORDER BY horizon) AS status,
       any_value(reason ORDER BY horizon) AS reason
FROM marts.association_forecasts
GROUP BY level, unit_code, confession_family, family_name_en, origin_date, history_from,
         history_reports, history_after_break, model, simplicity
ORDER BY level, unit_code, confession_family <> 'ALL', confession_family, origin_date,
         simplicity
