-- The units the marts hold figures for (a page each).
select distinct region_code from marts.registration_rates
where region_code is not null and level <> 'national'
union
select distinct region_code from marts.monitoring_index where region_code is not null
order by 1
