-- Progress reports owed (core.reporting_obligations is the union of every kind's
-- _obligations.sql): every agency responsible for a measure in force in the half-year's year,
-- each akimat by name (the plan names them as groups), due 10 January / 10 July; a complete
-- report covers each of its measures.
with named_groups as (
    -- a group the plan names ("the oblasts' akimats") owes through each of its members
    select agencies.agency_code, coalesce(members.agency_code, agencies.agency_code) as reporter
    from staging.stg_agencies as agencies
    left join staging.stg_agencies as members on members.member_of = agencies.agency_code
    where agencies.member_of is null
),

responsible as (
    select periods.period, named_groups.reporter as agency_code,
           count(distinct measures.measure_no)  as measures
    from staging.stg_reporting_periods as periods
    join staging.stg_programme_measures as measures
      on year(periods.period_end) between measures.deadline_year_from and measures.deadline_year_to
    cross join unnest(string_split(measures.agencies, ';')) as listed(code)
    join named_groups on named_groups.agency_code = trim(listed.code)
    group by all
)

select
    'progress'                              as report_kind,
    periods.period,
    cast(null as integer)                   as round,
    cast(null as date)                      as as_of,
    periods.agencies_report_by              as due_date,
    'agency'                                as reporter_kind,
    responsible.agency_code                 as reporter_code,
    responsible.measures::integer           as expected_cells
from staging.stg_reporting_periods as periods
join responsible using (period)
