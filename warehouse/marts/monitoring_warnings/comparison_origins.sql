-- The comparison of the two rules (monitoring_warnings.comparison.md): how many rounds were
-- loaded, and whether some and whether every sheet they come from is made up
-- (marts.load_origins.made_up).
select count(distinct w.round) as rounds,
       coalesce(bool_or(origins.made_up), false) as some_made_up,
       coalesce(bool_and(origins.made_up), false) as all_made_up
from marts.monitoring_warnings as w
left join marts.load_origins as origins using (batch_id)
