-- The targets as the programme words them (Kazakh) and our English, and where what was
-- achieved comes from (studies, monitoring or progress:<kind of output>).
select target_code, description_kk, description_en, achieved_from
from staging.stg_programme_targets
order by target_code
