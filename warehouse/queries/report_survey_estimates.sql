-- Key survey findings (marts.study_estimates, never a suppressed row): for every study whose
-- fieldwork ended by the end of the report's half-year, the headline answer of each question
-- nationally, and by region for the latest of those studies. A question's headline answer is
-- its first substantive answer category (the lowest answer code, which the questionnaire
-- lists first: "yes", "fully"); missing-value codes are never in the mart.
with studies as (
    select study_id, fieldwork_start, fieldwork_end, title_kk, title_ru, title_en
    from staging.stg_studies
    where fieldwork_end <= $period_end
),

latest as (
    select study_id from studies
    where study_id in (select study_id from marts.study_estimates)
    order by fieldwork_end desc, study_id desc
    limit 1
),

headline as (
    select study_id, variable,
           arg_min(category_code,
                   (coalesce(try_cast(category_code as bigint), 9223372036854775807),
                    category_code)) as category_code
    from marts.study_estimates
    where domain_kind = 'national' and study_id in (select study_id from studies)
    group by study_id, variable
)

select e.study_id, s.fieldwork_start, s.fieldwork_end, s.title_kk, s.title_ru, s.title_en,
       e.variable, e.category_code, e.label_kk, e.label_ru, e.label_en, e.domain_kind,
       coalesce(e.domain_value, '00') as region_code, e.estimate, e.ci_low, e.ci_high,
       e.ci_method, e.n_unweighted
from marts.study_estimates as e
join headline using (study_id, variable, category_code)
join studies as s using (study_id)
where not e.suppressed
  and (e.domain_kind = 'national'
       or (e.domain_kind = 'region' and e.study_id in (select study_id from latest)))
order by s.fieldwork_end desc, e.study_id, e.domain_kind <> 'national', e.domain_value,
         e.variable
