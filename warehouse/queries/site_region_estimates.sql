-- How many survey estimates each study publishes for one region.
select study_id, count(*) as estimates
from marts.study_estimates
where domain_kind = 'region' and domain_value = $region
group by study_id
order by study_id
