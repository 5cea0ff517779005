-- When the reports of a half-year ($period) are due (NULL: the programme owes none for it).
select min(due_date), max(due_date), count(*) from marts.reporting_obligations
where period = $period
