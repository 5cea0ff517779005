-- The latest builds, for `ahual status`.
select build_id, built_at, code_version, last_batch_id, json_array_length(rebuilt) as rebuilt
from raw.builds
order by build_id desc
limit $limit
