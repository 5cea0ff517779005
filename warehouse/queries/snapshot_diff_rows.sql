-- Rows added and removed between two snapshots of a mart without a key ($1 then $2).
select
    (select count(*) from (select * from read_parquet($2) except all select * from read_parquet($1))),
    (select count(*) from (select * from read_parquet($1) except all select * from read_parquet($2)))
