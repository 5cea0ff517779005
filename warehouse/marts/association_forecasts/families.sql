-- Input of marts.association_forecasts: the names of the confession families and of the total.
SELECT confession_code, confession_name_en
FROM staging.stg_confessions
WHERE confession_level IN ('family', 'total')
