-- Each target against what was achieved by the end of the half-year.
select target_code, unit, planned, cast(achieved as double) as achieved, status
from marts.programme_scorecard_history
where period = $period
order by target_code
