-- Rows added and removed between two snapshots of a mart without a key ($1 then $2), over
-- {columns}, the columns both have.
with a as (select {columns} from read_parquet($1)),
b as (select {columns} from read_parquet($2))
select
    (select count(*) from (select * from b except all select * from a)),
    (select count(*) from (select * from a except all select * from b))
