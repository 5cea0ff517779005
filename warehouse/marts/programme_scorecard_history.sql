-- Each target against what was achieved by the end of each half-year. Status: achieved (at
-- least the plan), not started (nothing yet), on track (the share achieved is at least the
-- share of the programme's three years elapsed), else behind.
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
order by achievements.period, targets.target_code
