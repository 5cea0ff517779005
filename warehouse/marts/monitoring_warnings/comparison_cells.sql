-- The comparison of the two rules (monitoring_warnings.comparison.md): every cell the new rule
-- warns of or watches, or the old fixed rule would flag.
SELECT round, region_name_en, indicator_code, value, expected, p_value, level,
       fixed_rule_warning
FROM marts.monitoring_warnings
WHERE fixed_rule_warning OR level IN ('warning', 'watch')
ORDER BY round, region_name_en, indicator_code
