-- Chart of marts.registrations: the regions' reported associations by confession family at
-- every date (parts only, summed over regions).
select as_of as x, sum(associations) as y, confession_family as series
from marts.registrations
where level <> 'national' and associations is not null
group by all
order by x, series
