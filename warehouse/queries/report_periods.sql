-- The programme's reporting half-years.
select distinct period from marts.programme_measures order by period
