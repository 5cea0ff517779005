-- The latest refusals, for `ahual status`.
select file_name, kind, stage, rules, attempts, rejected_at, quarantine_path
from raw.rejections
order by rejected_at desc
limit $limit
