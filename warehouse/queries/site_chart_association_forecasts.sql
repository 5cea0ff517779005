-- Chart of marts.association_forecasts: the chosen national forecasts by family.
select target_date as x, forecast as y, confession_family as series
from marts.association_forecasts
where level = 'national' and chosen and forecast is not null and horizon = 1
order by x, series
