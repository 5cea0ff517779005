-- Chart of marts.registration_rates: associations per 100,000 by region at the latest date
-- with regional figures.
with latest as (
    select max(as_of) as as_of from marts.registration_rates
    where level <> 'national' and confession_code = 'ALL' and per_100k is not null
)
select region_code as x, per_100k as y
from marts.registration_rates join latest using (as_of)
where level <> 'national' and confession_code = 'ALL' and per_100k is not null
order by y desc
