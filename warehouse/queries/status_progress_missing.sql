-- Per half-year up to the latest reported: which agencies have not sent a progress report.
select period, string_agg(agency_code, ', ' order by agency_code)
                   filter (where status = 'not reported')
from marts.progress_completeness
where period <= (select max(period) from core.progress_reports)
group by period
order by period
