-- The scorecard as of the latest half-year with any progress report (or the first half-year
-- when none has arrived): one row per target.
with latest as (
    select coalesce(max(period), (select min(period) from staging.stg_reporting_periods))
        as period
    from core.progress_reports
)

select history.target_code, history.description_en, history.unit, history.planned,
       history.achieved, history.status, history.share_achieved, history.period as as_of_period,
       history.period_end, history.achieved_from, history.round, history.previous_round,
       history.previous_value, history.pct_change, history.regions_compared,
       history.regions_left_out, history.codes_not_in_round, history.codes_not_in_previous
from marts.programme_scorecard_history as history
join latest using (period)
order by history.target_code
