-- Analysts' decisions on pairs (AHUAL_HOME/register_decisions.csv, `ahual register decide`):
-- the last decision on a pair counts; a pair is kept in record order (record_a < record_b).
select
    least(record_a, record_b)    as record_a,
    greatest(record_a, record_b) as record_b,
    arg_max(decision, decided_at)   as decision,
    arg_max(decided_by, decided_at) as decided_by,
    arg_max(reason, decided_at)     as reason,
    max(decided_at)                 as decided_at
from reference.register_decisions
group by all
order by record_a, record_b
