-- Every reporting obligation of one half-year ($period) that is not simply on time: not
-- received, late or partial (marts.reporting_obligations). One query for `ahual completeness`,
-- `ahual status` and the report, so they cannot disagree.
select report_kind, reporter_kind, reporter_code, name_en, name_ru, name_kk, due_date, as_of,
       round, status, days_late, partial_reason
from marts.reporting_obligations
where period = $period and status <> 'on time'
order by report_kind, reporter_code
