-- The latest half-year whose reports were due by $today and of which something arrived: what
-- `report`, `completeness` and `status` show when no period is given.
select max(period) from marts.reporting_obligations
where due_date <= $today and received_on is not null
