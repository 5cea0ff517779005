-- Chart of a mart without a chart of its own: its rows by the date its .yml names
-- ({mart} and {column} come from the code: the mart's name and its period column).
select "{column}" as x, count(*) as y
from marts.{mart}
group by 1
order by 1
