-- Which agencies have reported each half-year: every agency responsible for a measure of the
-- half-year's year, each akimat by name, is expected to report by the 10 January / 10 July
-- deadline (marts.reporting_obligations judges each report: on time, late, partial).
select
    obligations.period,
    obligations.due_date                        as agencies_report_by,
    periods.period_end,
    obligations.reporter_code                   as agency_code,
    agencies.abbreviation_kk,
    agencies.name_en,
    coalesce(obligations.cells, 0)              as measures_reported,
    obligations.expected_cells                  as measures_expected,
    case when obligations.status = 'not received' then 'not reported' else 'reported' end
                                                as status,
    obligations.status                          as submission
from marts.reporting_obligations as obligations
join staging.stg_reporting_periods as periods using (period)
join staging.stg_agencies as agencies on agencies.agency_code = obligations.reporter_code
where obligations.report_kind = 'progress'
order by obligations.period, obligations.reporter_code
