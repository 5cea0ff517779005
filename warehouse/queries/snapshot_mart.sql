-- One mart's rows for a quarter's snapshot, in one fixed order (every column), so the same
-- rows always write the same Parquet bytes. {mart} and {where} are identifiers and conditions
-- made by flows/snapshot.py from the mart's name and its .yml (the period column); values are
-- bound ($period_end).
select * from marts.{mart} {where} order by all
