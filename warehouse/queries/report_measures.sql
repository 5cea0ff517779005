-- The measures' titles as the plan gives them: Kazakh (the programme's text) and English (our
-- translation). There is no Russian title in the reference data.
select measure_no, section, title_kk, title_en
from staging.stg_programme_measures
order by measure_no
