-- Input of marts.association_forecasts: the national series of marts.association_growth (the
-- national report where one was loaded, else the sum of the regional reports), every date once.
SELECT DISTINCT confession_family, as_of, associations, batches FROM (
    SELECT confession_family, from_date AS as_of, from_count AS associations,
           from_batches AS batches FROM marts.association_growth
    UNION ALL
    SELECT confession_family, to_date, to_count, to_batches FROM marts.association_growth)
WHERE associations IS NOT NULL
ORDER BY confession_family, as_of
