-- How many associations were registered in a region on a date, by confession and legal form
-- (liquidated ones not counted): $region is a KATO region code, $on a date.
--   e.g. Kostanay (39) on 1 July 2008: {"region": "39", "on": "2008-07-01"}
select
    confession_code,
    legal_form,
    count(*) as associations
from marts.register_history
where region_code = $region
  and valid_from <= $on::date
  and (valid_to is null or $on::date < valid_to)
  and status <> 'liquidated'
group by confession_code, legal_form
order by confession_code, legal_form
