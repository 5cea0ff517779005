-- The build the published warehouse holds.
select build_id, strftime(built_at, '%Y-%m-%dT%H:%M:%S'), code_version, validation::varchar
from raw.builds
order by build_id desc
limit 1
