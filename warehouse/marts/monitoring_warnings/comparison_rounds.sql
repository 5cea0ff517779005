-- The comparison of the two rules (monitoring_warnings.comparison.md, written by
-- `python -m ahual.warehouse.marts.monitoring_warnings` from a built warehouse): per round, the
-- cells judged, the old fixed rule's flags (kept for comparison only), warnings and watches.
SELECT round, count(*) FILTER (WHERE p_value IS NOT NULL) AS judged,
       count(*) FILTER (WHERE fixed_rule_warning) AS fixed,
       count(*) FILTER (WHERE level = 'warning') AS warning,
       count(*) FILTER (WHERE level = 'watch') AS watch
FROM marts.monitoring_warnings GROUP BY round ORDER BY round
