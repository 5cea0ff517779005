-- The marts of the published warehouse, by name.
select table_name from information_schema.tables where table_schema = 'marts' order by table_name
