-- Studies of the registry with current microdata loaded.
select count(*) filter (where batches.study_id is not null), count(*)
from staging.stg_studies as studies
left join core.survey_batches as batches
  on batches.study_id = studies.study_id and batches.is_current
