-- Every load and where it came from: the file, when it reached the centre, and whether its
-- figures are made up (the demo's files). Every mart row's batch_id leads here.
select batch_id, kind, source_file, file_sha256, received_on, made_up
from core.load_origins
order by batch_id
