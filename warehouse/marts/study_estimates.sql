-- Published survey estimates (the design-based computation is core.study_estimates), dated by
-- the study's fieldwork so a quarterly snapshot holds the studies finished by then. Suppressed
-- cells are kept here for analysts and dropped from snapshots and reports.
select
    estimates.*,
    studies.title_en       as study_title_en,
    studies.fieldwork_end
from core.study_estimates as estimates
join staging.stg_studies as studies using (study_id)
