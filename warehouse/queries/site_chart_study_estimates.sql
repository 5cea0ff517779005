-- Chart of marts.study_estimates: the national estimates of the first question of the first
-- study, by answer, with labels in each language.
with first as (
    select study_id, variable from marts.study_estimates
    where domain = 'national' order by study_id, variable limit 1
)
select label_kk as x_kk, label_ru as x_ru, label_en as x_en, estimate as y
from marts.study_estimates join first using (study_id, variable)
where domain = 'national'
order by category_code
