-- National series whose latest report up to the end of the report's half-year has no forecast:
-- how many reports their history has since the last taxonomy break (marts.association_forecasts).
with latest as (
    select confession_family, max(origin_date) as origin_date
    from marts.association_forecasts
    where level = 'national' and origin_date <= $period_end
    group by confession_family
)

select f.confession_family, f.origin_date, any_value(f.origin_value) as origin_value,
       any_value(f.history_reports) as history_reports,
       any_value(f.history_after_break) as history_after_break
from marts.association_forecasts as f
join latest using (confession_family, origin_date)
where f.level = 'national'
group by f.confession_family, f.origin_date
having not bool_or(f.chosen)
order by f.confession_family <> 'ALL', f.confession_family
