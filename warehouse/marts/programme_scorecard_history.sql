-- Each target against what was achieved by the end of each half-year. Status: achieved (at
-- least the plan), not started (nothing yet), on track (the share achieved is at least the
-- share of the programme's three years elapsed), else behind.
--
-- The outcome targets (violations of the law on freedom of religion, conflicts on religious
-- grounds: fewer than in the previous period) are compared round to round on the regions in
-- both rounds (core.programme_outcomes): achieved is the latest round's count, planned is empty
-- (the programme names no number), status achieved when the count fell, behind when it did not,
-- not started while there are not two rounds to compare.
with outputs as (
    select
        achievements.period,
        achievements.period_end,
        targets.target_code,
        targets.description_en,
        targets.unit,
        targets.planned,
        achievements.achieved,
        round(achievements.achieved / targets.planned, 4)          as share_achieved,
        round((achievements.period_end - date '2007-01-01' + 1) / 1096.0, 4) as share_elapsed,
        case when achievements.achieved >= targets.planned then 'achieved'
             when achievements.achieved = 0 then 'not started'
             when achievements.achieved / targets.planned
                  >= (achievements.period_end - date '2007-01-01' + 1) / 1096.0 then 'on track'
             else 'behind' end                                      as status,
        targets.achieved_from
    from core.programme_achievements as achievements
    join staging.stg_programme_targets as targets using (target_code)
),

outcomes as (
    select
        outcomes.period,
        outcomes.period_end,
        targets.target_code,
        targets.description_en,
        targets.unit,
        cast(null as double)                                        as planned,
        cast(outcomes.current_value as double)                      as achieved,
        cast(null as double)                                        as share_achieved,
        round((outcomes.period_end - date '2007-01-01' + 1) / 1096.0, 4) as share_elapsed,
        case when outcomes.regions_compared = 0 then 'not started'
             when outcomes.current_value < outcomes.previous_value then 'achieved'
             else 'behind' end                                      as status,
        'monitoring:' || targets.indicator_codes                    as achieved_from,
        outcomes.round,
        outcomes.previous_round,
        cast(outcomes.previous_value as double)                     as previous_value,
        outcomes.pct_change,
        outcomes.regions_compared,
        outcomes.regions_left_out,
        outcomes.codes_not_in_round,
        outcomes.codes_not_in_previous
    from core.programme_outcomes as outcomes
    join staging.stg_programme_outcome_targets as targets using (target_code)
)

select * from outputs
union all by name
select * from outcomes
order by period, target_code
