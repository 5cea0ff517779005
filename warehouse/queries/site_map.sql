-- The home page's map: associations per 100,000 inhabitants by region at the regions' latest
-- reporting date, with the count and the file each figure came from.
with latest as (
    select max(as_of) as as_of from marts.registration_rates
    where level <> 'national' and confession_code = 'ALL'
)
select r.as_of, r.region_code, r.associations, r.per_100k, r.source_file, r.batch_id
from marts.registration_rates r join latest using (as_of)
where r.level <> 'national' and r.confession_code = 'ALL'
order by r.region_code
