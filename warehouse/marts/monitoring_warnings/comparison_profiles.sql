-- The comparison of the two rules (monitoring_warnings.comparison.md): each indicator as the
-- loaded rounds show it (median national rate per 100,000 and spread of regions), for the
-- simulation.
SELECT indicator_code, median(national_rate_per_100k), median(between_region_alpha)
FROM marts.monitoring_warnings
WHERE national_rate_per_100k IS NOT NULL GROUP BY 1 ORDER BY 1
