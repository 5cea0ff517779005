-- Who owes which report, as of which date, due when: the programme's reporting obligations
-- (datasets/reference/programme/reporting_obligations.csv says where each comes from).
--   registrations  every first-level unit in force on the day after each half-year, as of that
--                  day, due with the agencies' report (10 January / 10 July)
--   progress       every agency responsible for a measure in force in the half-year's year,
--                  each akimat by name (the plan names them as groups), due the same days
--   monitoring     every unit in force at a round's end, due on the round's date
-- expected_cells is what a complete report holds where the obligation fixes it (a progress
-- report's measures, a monitoring sheet's indicators); a registration report is judged against
-- the same unit's previous report instead (marts.reporting_obligations).
with periods as (
    select * from staging.stg_reporting_periods
),

regions as (
    select * from staging.stg_regions where region_level <> 'national'
),

registrations as (
    select
        'registrations'                         as report_kind,
        periods.period,
        cast(null as integer)                   as round,
        periods.period_end + interval 1 day     as as_of,
        periods.agencies_report_by              as due_date,
        'region'                                as reporter_kind,
        regions.region_code                     as reporter_code,
        cast(null as integer)                   as expected_cells
    from periods
    join regions
      on regions.valid_from <= periods.period_end + interval 1 day
     and (regions.valid_to is null or regions.valid_to > periods.period_end + interval 1 day)
),

named_groups as (
    -- a group the plan names ("the oblasts' akimats") owes through each of its members
    select agencies.agency_code, coalesce(members.agency_code, agencies.agency_code) as reporter
    from staging.stg_agencies as agencies
    left join staging.stg_agencies as members on members.member_of = agencies.agency_code
    where agencies.member_of is null
),

responsible as (
    select periods.period, named_groups.reporter as agency_code,
           count(distinct measures.measure_no)  as measures
    from periods
    join staging.stg_programme_measures as measures
      on year(periods.period_end) between measures.deadline_year_from and measures.deadline_year_to
    cross join unnest(string_split(measures.agencies, ';')) as listed(code)
    join named_groups on named_groups.agency_code = trim(listed.code)
    group by all
),

progress as (
    select
        'progress'                              as report_kind,
        periods.period,
        cast(null as integer)                   as round,
        cast(null as date)                      as as_of,
        periods.agencies_report_by              as due_date,
        'agency'                                as reporter_kind,
        responsible.agency_code                 as reporter_code,
        responsible.measures::integer           as expected_cells
    from periods
    join responsible using (period)
),

monitoring as (
    select
        'monitoring'                            as report_kind,
        periods.period,
        rounds.round,
        cast(null as date)                      as as_of,
        rounds.reports_due                      as due_date,
        'region'                                as reporter_kind,
        regions.region_code                     as reporter_code,
        (select count(*) from staging.stg_indicators)::integer as expected_cells
    from staging.stg_monitoring_rounds as rounds
    left join periods on periods.period_end = rounds.period_end
    join regions
      on regions.valid_from <= rounds.period_end
     and (regions.valid_to is null or regions.valid_to > rounds.period_end)
),

all_kinds as (
    select * from registrations
    union all by name
    select * from progress
    union all by name
    select * from monitoring
)

select
    concat_ws('|', report_kind, coalesce(period, ''), coalesce(round::varchar, ''),
              coalesce(as_of::date::varchar, ''), reporter_code) as obligation_key,
    report_kind, period, round, as_of::date as as_of, due_date, reporter_kind, reporter_code,
    expected_cells
from all_kinds
