-- Input of marts.association_forecasts: the confession taxonomy's changes, whose breaks make
-- counts before and after them incomparable (series.breaks).
SELECT change_id, effective_from, effective_by, change, from_code, to_code, from_family,
       to_family
FROM staging.stg_taxonomy_changes
ORDER BY change_id
