-- Input of marts.study_means and marts.study_quantiles (warehouse/survey_numeric.py): every study
-- with current microdata, its batch and the registry's lonely-PSU rule and interval method.
SELECT b.study_id, b.batch_id, s.lonely_psu, s.interval, s.fieldwork_end
FROM core.survey_batches AS b JOIN staging.stg_studies AS s USING (study_id)
WHERE b.is_current ORDER BY b.study_id
