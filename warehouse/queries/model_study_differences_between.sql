-- Input of marts.study_differences: the same question in two studies (a question group of
-- datasets/reference/studies/comparable_questions.csv), the later study against the earlier
-- (fieldwork end, then study id), cell by cell: the same answer code in the same domain of
-- marts.study_estimates. Ordered, so the mart's rows come in one order.
SELECT
    later.study_id, later.variable, later.category_code, later.category, later.domain,
    later.domain_kind, earlier.study_id AS base_study_id, earlier.variable AS base_variable,
    a.question_group, later.estimate, earlier.estimate AS base_estimate, later.std_error,
    earlier.std_error AS base_std_error, later.n_unweighted,
    earlier.n_unweighted AS base_n_unweighted, later.fieldwork_end
FROM staging.stg_study_comparable_questions AS a
JOIN staging.stg_study_comparable_questions AS b
    ON b.question_group = a.question_group AND b.study_id <> a.study_id
JOIN marts.study_estimates AS later
    ON later.study_id = a.study_id AND later.variable = a.variable
JOIN marts.study_estimates AS earlier
    ON earlier.study_id = b.study_id AND earlier.variable = b.variable
    AND earlier.category_code = later.category_code AND earlier.domain = later.domain
WHERE later.fieldwork_end > earlier.fieldwork_end
    OR (later.fieldwork_end = earlier.fieldwork_end AND later.study_id > earlier.study_id)
ORDER BY later.study_id, earlier.study_id, later.variable, later.domain, later.category_code
