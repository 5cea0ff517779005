-- The comparison of the two rules (monitoring_warnings.comparison.md): each region's population
-- in its first round with one, for the simulated rounds.
SELECT region_code, any_value(population ORDER BY round)::double
FROM marts.monitoring_warnings WHERE population IS NOT NULL GROUP BY 1
