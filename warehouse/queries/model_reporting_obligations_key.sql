-- core.reporting_obligations (warehouse/core/reporting_obligations.py): who owes which report,
-- as of which date, due when. kind_pieces is the union of every kind's _obligations.sql
-- (warehouse/staging/<kind>/_obligations.sql, datasets/reference/programme/
-- reporting_obligations.csv says where each obligation comes from). expected_cells is what a
-- complete report holds where the obligation fixes it.
select
    concat_ws('|', report_kind, coalesce(period, ''), coalesce(round::varchar, ''),
              coalesce(as_of::date::varchar, ''), reporter_code) as obligation_key,
    report_kind, period, round, as_of::date as as_of, due_date, reporter_kind, reporter_code,
    expected_cells
from kind_pieces
order by obligation_key
