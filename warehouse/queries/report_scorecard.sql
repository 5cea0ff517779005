-- Each target against what was achieved by the end of the half-year. The outcome targets
-- (is_outcome) carry the comparison with the previous monitoring round: the rounds, the
-- previous count, the percent change, the regions compared and the codes of those left out.
select target_code, unit, planned, cast(achieved as double) as achieved, status,
       achieved_from like 'monitoring:%'   as is_outcome,
       round, previous_round,
       cast(previous_value as double)     as previous_value,
       cast(pct_change as double)         as pct_change,
       regions_compared,
       coalesce(codes_not_in_round, '')    as codes_not_in_round,
       coalesce(codes_not_in_previous, '') as codes_not_in_previous
from marts.programme_scorecard_history
where period = $period
order by target_code
