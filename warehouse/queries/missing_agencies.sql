-- Agencies responsible for measures without a progress report for the half-year $period (none
-- are expected outside the programme's half-years).
select agency_code, name_en from marts.progress_completeness
where period = $period and status = 'not reported'
order by agency_code
