-- The site's headline figures: the latest national count of registered associations, the
-- regions' own sum at their latest report, the latest monitoring round's warnings, the
-- programme's targets achieved and the studies with estimates.
with national as (
    select as_of, reported_total from marts.registration_reconciliation
    where level = 'national' and reported_total is not null
    order by as_of desc limit 1
), regional as (
    select as_of, sum(associations) as total from marts.registration_rates
    where level <> 'national' and confession_code = 'ALL'
    group by as_of order by as_of desc limit 1
), monitoring as (
    select round, count(*) filter (where level = 'warning') as warnings,
           count(*) filter (where level = 'watch') as watch
    from marts.monitoring_warnings group by round order by round desc limit 1
)
select (select as_of from national), (select reported_total from national),
       (select as_of from regional), (select total from regional),
       (select round from monitoring), (select warnings from monitoring),
       (select watch from monitoring),
       (select count(*) filter (where status = 'achieved') from marts.programme_scorecard),
       (select count(*) from marts.programme_scorecard),
       (select count(distinct study_id) from marts.study_estimates)
