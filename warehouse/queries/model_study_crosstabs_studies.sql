-- Input of marts.study_crosstabs (warehouse/marts/study_crosstabs.py, warehouse/survey_tables.py): every
-- study with current microdata, its batch and the registry's lonely-PSU rule.
SELECT b.study_id, b.batch_id, s.lonely_psu, s.fieldwork_end
FROM core.survey_batches AS b JOIN staging.stg_studies AS s USING (study_id)
WHERE b.is_current ORDER BY b.study_id
