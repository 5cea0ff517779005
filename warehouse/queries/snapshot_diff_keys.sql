-- Keys added, removed and changed between two snapshots of one mart ($1 then $2), with up to
-- five examples of each. {key} is the mart's key columns and {key_text} the same as text, from
-- its .yml; {columns} the columns both snapshots have (flows/snapshot.py).
with a as (select {columns} from read_parquet($1)),
b as (select {columns} from read_parquet($2)),
a_keys as (select distinct {key} from a),
b_keys as (select distinct {key} from b),
removed as (select * from a_keys except select * from b_keys),
added as (select * from b_keys except select * from a_keys),
changed as (
    select distinct {key} from (select * from a except select * from b)
    intersect
    select distinct {key} from (select * from b except select * from a)
),
found as (
    select 'added' as change, * from added
    union all select 'removed', * from removed
    union all select 'changed', * from changed
)
select change, count(*) as keys, (list([{key_text}] order by [{key_text}]))[1:5] as examples
from found
group by change
