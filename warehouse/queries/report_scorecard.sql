select target_code, description_en, unit, planned, cast(achieved as double) as achieved, status
from marts.programme_scorecard_history
where period = $period
order by target_code
