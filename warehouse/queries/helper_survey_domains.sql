-- Input of every study mart (warehouse/survey_domains.py, the helper they import): the values of
-- the domain variables one study declares ($study; a registry row without study_id: every
-- study) in its batch ($batch), variable by variable; the model places them by source row.
SELECT v.variable, v.source_row, v.value
FROM (SELECT DISTINCT variable FROM staging.stg_study_domains
      WHERE study_id = $study OR study_id IS NULL) AS d
JOIN staging.stg_survey_domain_values AS v ON v.variable = d.variable
WHERE v.batch_id = $batch
ORDER BY v.variable
