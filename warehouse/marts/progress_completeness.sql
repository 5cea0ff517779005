-- Which agencies have reported for each half-year: every agency responsible for a measure is
-- expected to report by the 10 January / 10 July deadline.
with responsible as (
    select distinct trim(agency.code) as agency_code
    from staging.stg_programme_measures,
         unnest(string_split(agencies, ';')) as agency(code)
),

reported as (
    select agency_code, period, count(*) as measures_reported, min(loaded_at) as first_loaded_at
    from core.progress_reports
    where is_current
    group by all
)

select
    periods.period,
    periods.agencies_report_by,
    periods.period_end,
    agencies.agency_code,
    agencies.abbreviation_kk,
    agencies.name_en,
    coalesce(reported.measures_reported, 0)     as measures_reported,
    case when reported.agency_code is null then 'not reported' else 'reported' end as status
from staging.stg_reporting_periods as periods
cross join responsible
join staging.stg_agencies as agencies using (agency_code)
left join reported using (agency_code, period)
order by periods.period, agencies.agency_code
