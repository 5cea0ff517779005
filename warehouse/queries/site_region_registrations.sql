-- One region's registered associations (all confessions) at every date, per 100,000 too, with
-- the file behind each figure.
select as_of, associations, per_100k, source_file, batch_id
from marts.registration_rates
where region_code = $region and confession_code = 'ALL'
order by as_of
