-- Monitoring rounds (datasets/reference/monitoring_rounds.csv), typed.
select
    cast(round as integer)        as round,
    cast(period_start as date)    as period_start,
    cast(period_end as date)      as period_end,
    cast(reports_due as date)     as reports_due
from reference.monitoring_rounds
