-- Input of marts.monitoring_warnings: every count
-- during the round of an indicator whose rise is a warning sign, every round and region, with
-- the region's official population nearest the round's first day (exact, final or revised,
-- within 366 days; census first on a tie: core.population_nearest).
--
-- fixed_rule_warning is the old fixed rule, kept beside the new one for comparison only (it
-- warns of nothing; the mart's level does): the value is at least 1.5 times the region's mean
-- over its earlier rounds AND at least 3 above that mean; a region's first round is never
-- flagged. The mean is a window over the unrounded values, not the rounded
-- marts.monitoring_indicators.earlier_rounds_mean.
with population as (
    select rounds.round, p.region_code, p.population, p.ref_date, p.source_id
    from staging.stg_monitoring_rounds as rounds
    join core.population_nearest as p on p.on_date = rounds.period_start
),

with_history as (
    select
        *,
        avg(value) over (w rows between unbounded preceding and 1 preceding) as earlier_mean,
        count(value) over (w rows between unbounded preceding and 1 preceding) as earlier_rounds
    from marts.monitoring_indicators
    window w as (partition by region_code, indicator_code order by round)
)

select m.round, m.round_end, m.region_code, m.region_name_en, m.indicator_code,
       m.indicator_name_en, m.value::double as value, population.population::double as population,
       population.ref_date as population_date, population.source_id as population_source,
       coalesce(m.earlier_rounds > 0
                and m.value >= 1.5 * m.earlier_mean
                and m.value - m.earlier_mean >= 3, false) as fixed_rule_warning,
       m.batch_id, m.source_file, m.source_row
from with_history as m
join staging.stg_indicators as indicators using (indicator_code)
left join population using (round, region_code)
where indicators.rise_is_warning and indicators.measure = 'during the round'
order by m.indicator_code, m.round, m.region_code
