-- Cells of the current registration report of each region and date (the report a new file
-- for the same region and date would supersede).
select as_of, region_code, cells, source_file
from core.registration_reports
where is_current
