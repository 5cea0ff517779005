-- The last date any published figure refers to: a snapshot without --quarter is of the quarter
-- that holds it (when that quarter has closed).
select greatest(
    (select max(as_of) from marts.registrations),
    (select max(period_end) from marts.programme_measures
      where status_in_period <> 'not reported'),
    (select max(reports_due) from marts.monitoring_completeness where status <> 'not reported'))
