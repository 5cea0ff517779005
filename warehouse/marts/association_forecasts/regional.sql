-- Input of marts.association_forecasts: the regional series, marts.registrations_comparable on
-- the 'current' scheme (family and total rows; a figure with a part missing is not a report).
SELECT unit_code, confession_code, as_of, associations, coalesce(batches, '')
FROM marts.registrations_comparable
WHERE scheme = 'current' AND confession_level IN ('family', 'total')
  AND associations IS NOT NULL
ORDER BY unit_code, confession_code, as_of
