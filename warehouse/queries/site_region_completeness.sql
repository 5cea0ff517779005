-- What one region has and has not reported, round by round.
select round, indicators_sent, indicators_expected, missing_indicators, status
from marts.monitoring_completeness
where region_code = $region
order by round
